"""Access in a real browser: Mia asks for read access to the production replicas, Ana (her
lead) approves it, and the register shows it active with its audit trail."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model

from sunrelay.core import clock
from sunrelay.people import orgfile, service
from tests.conftest import DEMO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
PASSWORD = "a long test password"


def _sign_in(page, url: str, who: str) -> None:
    page.context.clear_cookies()
    page.goto(url)
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url)


def test_request_approve_and_read_the_register(live_server, browser_page):
    service.import_org(orgfile.parse(DEMO.read_text()))
    for who in ("ana", "mia"):
        get_user_model().objects.create_user(who, password=PASSWORD)
    register = f"{live_server.url}/access/"
    page = browser_page
    with clock.frozen(NOW):
        _sign_in(page, register, "mia")
        form = page.get_by_test_id("request")
        form.locator("select[name=choice]").select_option("prod-db/read-replica")
        form.locator("input[name=days]").fill("7")
        form.locator("input[name=reason]").fill("Trace the ledger replica lag")
        form.locator("button").click()
        page.wait_for_load_state()
        assert "requested" in page.locator("h1").inner_text()
        grant = page.url

        _sign_in(page, grant, "ana")
        page.get_by_role("button", name="Approve").click()
        page.wait_for_load_state()
        assert "active" in page.locator("h1").inner_text()
        audit = page.get_by_test_id("audit").inner_text()
        assert "requested · Mia Roberts" in audit and "approved · Ana Lima" in audit
        page.goto(register + "?state=active")
        assert "Mia Roberts" in page.get_by_test_id("grants").inner_text()
