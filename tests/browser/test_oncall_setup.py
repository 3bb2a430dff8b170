"""A team lead adds a weekend layer to their schedule in the hub and sees it on the chart."""

import pytest
from django.contrib.auth import get_user_model

from sunrelay.oncall import service, specs
from sunrelay.people import orgfile
from sunrelay.people import service as people
from tests.browser.accounts import PASSWORD, demo_with_accounts, sign_in
from tests.conftest import DEMO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_a_restricted_layer_to_a_schedule(live_server, browser_page):
    demo_with_accounts("ana")
    page = browser_page
    sign_in(page, f"{live_server.url}/", "ana")

    page.click("nav >> text=On call")
    page.click("text=Schedules, policies and routes")
    page.click("tr:has-text('Payments primary') >> text=Edit")
    page.click("button:has-text('Add a layer')")
    layer = page.get_by_test_id("layer-1")
    layer.locator("input[name='layers.1.name']").fill("weekend")
    layer.locator("input[name='layers.1.participants']").fill("mia")
    layer.locator("input[name='layers.1.shift']").fill("1w")
    layer.locator("input[name='layers.1.start']").fill("2026-01-03")
    layer.locator("textarea[name='layers.1.restrictions']").fill("sat sun 00:00-24:00")

    # a typo is named next to its field, and what was typed stays
    layer.locator("input[name='layers.1.participants']").fill("mia, nobody")
    page.click("button:has-text('Save schedule')")
    assert "no person with id 'nobody'" in page.get_by_test_id("layer-1").inner_text()
    layer = page.get_by_test_id("layer-1")
    assert layer.locator("textarea[name='layers.1.restrictions']").input_value() == (
        "sat sun 00:00-24:00"
    )
    layer.locator("input[name='layers.1.participants']").fill("mia")
    page.click("button:has-text('Save schedule')")
    page.wait_for_url("**/oncall/schedules/payments-primary/")
    assert "weekend (mia every 1w, restricted)" in page.inner_text("main")
    assert page.get_by_test_id("schedule-chart").locator("rect.layer-weekend").count() >= 1

    saved = specs.schedule_data(service.spec_of(service.get_schedule("payments-primary")))
    assert [layer["name"] for layer in saved["layers"]] == ["weekly", "weekend"]


def test_add_and_remove_an_override_then_follow_my_day_to_a_review(live_server, browser_page):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from sunrelay.decisions import review
    from sunrelay.decisions import service as decisions
    from sunrelay.oncall.models import Override

    people.import_org(orgfile.parse(DEMO.read_text()))
    record = decisions.create_record({"title": "Pin the ledger's schema", "dri": "bruno"}, "bruno")
    review.request_review(record.pk, "bruno", reviewers=["ana"])
    get_user_model().objects.create_user("ana", password=PASSWORD)
    page = browser_page
    sign_in(page, f"{live_server.url}/", "ana")

    # My day: the review waits on ana, and its item leads to the record
    page.click("[data-section=decisions] >> text=Review ADR-0001 Pin the ledger's schema")
    page.wait_for_url(f"**/decisions/{record.pk}/")

    page.goto(f"{live_server.url}/oncall/schedules/payments-primary/")
    tomorrow = (datetime.now(ZoneInfo("Europe/Lisbon")) + timedelta(days=1)).date()
    page.select_option("select[name=person]", "bruno")
    page.fill("input[name=start]", f"{tomorrow}T09:00")
    page.fill("input[name=end]", f"{tomorrow}T17:00")
    page.fill("input[name=reason]", "dentist")
    page.click("button:text-is('Add override')")
    assert "Override added." in page.locator(".flash").inner_text()
    made = Override.objects.get()
    assert made.person.slug == "bruno" and made.created_by.slug == "ana"
    assert made.start.astimezone(ZoneInfo("Europe/Lisbon")).hour == 9  # read in ana's zone
    page.click(f"button[aria-label='Remove override {made.pk}']")
    assert "Override removed." in page.locator(".flash").inner_text()
    assert not Override.objects.exists()
