"""The heat map of operating states and a team's diagnostic in a real browser."""

from datetime import UTC, datetime

import pytest

from sunrelay.core import clock
from sunrelay.demo import history
from sunrelay.health import logic
from tests.browser.accounts import demo_with_accounts, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


def test_the_heat_map_and_a_teams_nine_questions(live_server, browser_page, tmp_path):
    demo_with_accounts("ana")
    page = browser_page
    with clock.frozen(NOW):
        history.build(seed=7)
        sign_in(page, f"{live_server.url}/org-health/", "ana")
        heat = page.get_by_test_id("heat-map")
        assert heat.locator("td.state.barely-functioning").count() >= 1
        assert heat.locator("td.state.optimized").count() >= 1
        cell = heat.locator("td.state.barely-functioning").first
        assert "the team's own view" in (cell.get_attribute("title") or "")
        page.screenshot(path=str(tmp_path / "heat.png"), full_page=True)
        page.click("text=Payments")
        page.wait_for_url("**/org-health/teams/payments/")
        assert "no answer" in page.get_by_test_id("q-states").inner_text()
        assert "answered" in page.get_by_test_id("q-valves").inner_text()
        rows = page.get_by_test_id("signals").locator("tr").count()
        assert rows == len(logic.SIGNALS) + 1  # a header and a row per signal
