"""The demo organisation with sign-ins for the people a browser test plays, and signing in as
one of them on a page: every browser test does it the same way."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from sunrelay.people import orgfile, service
from tests.conftest import DEMO

PASSWORD = "a long test password"


def demo_with_accounts(*who: str) -> None:
    """The demo directory, and a sign-in (same id, PASSWORD) for each of ``who``."""
    service.import_org(orgfile.parse(DEMO.read_text()))
    for slug in who:
        get_user_model().objects.create_user(slug, password=PASSWORD)


def sign_in(page: Any, url: str, who: str) -> None:
    """Signed out first, then in as ``who`` through the sign-in form ``url`` redirects to;
    back on ``url`` when it returns."""
    page.context.clear_cookies()
    page.goto(url)
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url)
