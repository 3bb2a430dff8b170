"""Onboarding in a real browser: Ana starts Zoe's programme and confirms her buddies; Zoe
finds it on her home page and ticks a Day-0 item with its evidence."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model

from sunrelay.core import clock
from sunrelay.people import service
from tests.browser.accounts import PASSWORD, demo_with_accounts, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOW = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)


def test_a_lead_starts_a_programme_and_the_new_person_ticks_it(live_server, browser_page):
    demo_with_accounts("ana")
    service.create_person(
        {"id": "zoe", "name": "Zoe Alves", "timezone": "America/Sao_Paulo",
         "working_hours": "09:00-18:00", "start_date": "2026-12-07"},
        team="payments",
    )  # fmt: skip
    get_user_model().objects.create_user("zoe", password=PASSWORD)
    page = browser_page
    with clock.frozen(NOW):
        sign_in(page, f"{live_server.url}/onboarding/", "ana")
        page.fill("input[name=person]", "zoe")
        page.get_by_role("button", name="Start").click()
        page.wait_for_url(f"{live_server.url}/onboarding/zoe/")
        buddies = page.get_by_test_id("buddies")
        buddies.locator("select[name=tech]").select_option("bruno")
        buddies.locator("select[name=culture]").select_option("chloe")
        buddies.get_by_role("button", name="Confirm buddies").click()
        page.wait_for_load_state()
        assert "Tech buddy: Bruno Costa; culture buddy: Chloé Martin." in page.content()

        sign_in(page, f"{live_server.url}/", "zoe")
        assert "Your onboarding: day 0 of 90" in page.content()
        page.get_by_role("link", name="Laptop delivered and set up").click()
        row = page.get_by_test_id("items").locator("tr", has_text="Laptop delivered")
        row.locator("input[name=evidence]").fill("laptop arrived, disk encrypted")
        row.get_by_role("button", name="Done").click()
        page.wait_for_load_state()
        assert "laptop arrived, disk encrypted" in page.get_by_test_id("items").inner_text()
