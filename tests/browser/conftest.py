"""Playwright driving Debian's Chromium (`make test` installs it: scripts/ensure-debian)."""

import os
import shutil

import pytest
from django.db import connections

CHROMIUM = os.environ.get("SUNRELAY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}; run `make test` to install Debian's chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the live
    # server happen in its own thread, so this only quiets Django's guard in the test thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            timezone_id="Europe/Lisbon", viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        # Django keeps connections per context (asgiref.Local), and Playwright's sync API runs
        # the test body in a context of its own: close the ones it opened before leaving it,
        # or they outlive the test and block dropping the test database.
        connections.close_all()
        browser.close()
