"""Sign in through the real form, open a team page, read its timeline."""

import pytest
from django.contrib.auth import get_user_model

from sunrelay.people import orgfile, service
from tests.browser.accounts import PASSWORD
from tests.conftest import DEMO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_and_read_the_team_timeline(live_server, browser_page, tmp_path):
    service.import_org(orgfile.parse(DEMO.read_text()))
    get_user_model().objects.create_user("ana", password=PASSWORD)
    page = browser_page

    page.goto(f"{live_server.url}/teams/payments/?date=2026-11-23")
    assert "/login/" in page.url
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/teams/payments/**")

    timeline = page.get_by_test_id("timeline")
    # tz.js read the browser's zone (Europe/Lisbon) and the page renders in it.
    assert timeline.get_attribute("data-zone") == "Europe/Lisbon"
    rows = timeline.locator("[data-person]")
    assert sorted(rows.evaluate_all("els => els.map(e => e.dataset.person)")) == [
        "ana",
        "bruno",
        "chloe",
        "mia",
    ]
    # Chloé works 09:00-17:30 in Lisbon: her bar starts 9/24 of the way along the day.
    chloe = timeline.locator("[data-person=chloe] rect.work").first
    assert chloe.get_attribute("x") == "37.5"
    assert float(chloe.get_attribute("width")) == pytest.approx(100 * 8.5 / 24, abs=0.01)
    assert "09:00–17:30" in chloe.text_content()
    box = chloe.bounding_box()
    assert box is not None and box["width"] > 100  # drawn, not just present in the markup
    assert "daily overlap: 0 min" in page.get_by_test_id("overlap-row").inner_text()
    page.screenshot(path=str(tmp_path / "team.png"), full_page=True)
    if shot := __import__("os").environ.get("SUNRELAY_SCREENSHOT"):
        page.screenshot(path=shot, full_page=True)

    page.click("main >> text=Ana Lima")
    assert page.get_by_test_id("local-time").inner_text()
