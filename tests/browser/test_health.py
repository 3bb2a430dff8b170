"""A team's async health page in a real browser: the figures, the charts drawn, the rows."""

from datetime import UTC, datetime

import pytest

from sunrelay.core import clock
from sunrelay.demo import history
from tests.browser.accounts import demo_with_accounts, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


def test_the_team_health_page(live_server, browser_page, tmp_path):
    demo_with_accounts("ana")
    page = browser_page
    with clock.frozen(NOW):
        history.build(seed=7)
        sign_in(page, f"{live_server.url}/health/payments/", "ana")
        dora = page.get_by_test_id("dora")
        assert "Deployments" in dora.inner_text()
        bars = page.get_by_test_id("deploy-chart").locator("rect.bar")
        assert bars.count() == 12  # one per week
        drawn = [b.bounding_box() for b in bars.all()]
        assert any(box and box["height"] > 5 for box in drawn)  # drawn, not only in the markup
        assert "%" in page.get_by_test_id("review-sla").inner_text()
        page.screenshot(path=str(tmp_path / "health.png"), full_page=True)
        page.click("text=Deployments")
        page.wait_for_url("**/health/deployments/?team=payments")
        assert "acme/ledger" in page.inner_text("main")
