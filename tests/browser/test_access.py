"""Access in a real browser: Mia asks for read access to the production replicas, Ana (her
lead) approves it, and the register shows it active with its audit trail."""

from datetime import UTC, datetime

import pytest

from sunrelay.core import clock
from tests.browser.accounts import demo_with_accounts, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_request_approve_and_read_the_register(live_server, browser_page):
    demo_with_accounts("ana", "mia")
    register = f"{live_server.url}/access/"
    page = browser_page
    with clock.frozen(NOW):
        sign_in(page, register, "mia")
        form = page.get_by_test_id("request")
        form.locator("select[name=choice]").select_option("prod-db/read-replica")
        form.locator("input[name=days]").fill("7")
        form.locator("input[name=reason]").fill("Trace the ledger replica lag")
        form.locator("button").click()
        page.wait_for_load_state()
        assert "requested" in page.locator("h1").inner_text()
        grant = page.url

        sign_in(page, grant, "ana")
        page.get_by_role("button", name="Approve").click()
        page.wait_for_load_state()
        assert "active" in page.locator("h1").inner_text()
        audit = page.get_by_test_id("audit").inner_text()
        assert "requested · Mia Roberts" in audit and "approved · Ana Lima" in audit
        page.goto(register + "?state=active")
        assert "Mia Roberts" in page.get_by_test_id("grants").inner_text()
