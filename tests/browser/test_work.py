"""A team's work board in a real browser: the lead sees the queue, proposes the quarter-end
valve, the product counterpart confirms it, and the board changes; closing it resumes."""

from datetime import UTC, datetime

import pytest

from sunrelay.core import clock
from sunrelay.work import service as work
from tests.browser.accounts import demo_with_accounts, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_a_lead_opens_a_valve_with_the_product_counterpart(live_server, browser_page, tmp_path):
    demo_with_accounts("ana", "sofia")
    with clock.frozen(NOW):
        for title, klass in (
            ("Idempotency keys", "customer-committed"),
            ("Fraud spike", "speculative"),
        ):
            made = work.add_initiative(work.Draft(title, "payments", "ana", klass), "ana")
            work.start(made.pk, "ana")
        queued = work.add_initiative(
            work.Draft("Refund automation", "payments", "bruno", "customer"), "ana"
        )
        work.start(queued.pk, "ana")
    board = f"{live_server.url}/work/teams/payments/"
    page = browser_page
    with clock.frozen(NOW):
        sign_in(page, board, "ana")
        assert "Refund automation" in page.get_by_test_id("queue").inner_text()
        assert "2 of 2" in page.get_by_test_id("active").inner_text()
        valve = page.get_by_test_id("valve-quarter-end")
        valve.locator("input[name=why]").fill("quarter-end commitments at risk")
        page.get_by_test_id("propose-quarter-end").click()
        page.wait_for_load_state()
        assert (
            page.get_by_test_id("valve-quarter-end").get_by_test_id("valve-state").inner_text()
            == "proposed"
        )
        assert "Fraud spike" in page.get_by_test_id("active").inner_text()

        sign_in(page, board, "sofia")
        page.get_by_test_id("confirm-quarter-end").click()
        page.wait_for_load_state()
        assert (
            page.get_by_test_id("valve-quarter-end").get_by_test_id("valve-state").inner_text()
            == "open"
        )
        assert "Fraud spike" in page.get_by_test_id("paused").inner_text()
        assert "Fraud spike" not in page.get_by_test_id("active").inner_text()
        assert "Refund automation" in page.get_by_test_id("queue").inner_text()  # starts frozen
        page.screenshot(path=str(tmp_path / "board.png"), full_page=True)

        sign_in(page, board, "ana")
        page.get_by_test_id("valve-quarter-end").locator("button", has_text="Close").click()
        page.wait_for_load_state()
        assert "Fraud spike" in page.get_by_test_id("active").inner_text()
        assert "the team's limit" not in page.inner_text("main")
        assert "closed" in page.get_by_test_id("valves").inner_text()
