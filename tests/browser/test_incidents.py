"""Declare a SEV1 in the hub, acknowledge the page it sends, resolve the incident."""

import pytest

from tests.browser.accounts import demo_with_accounts, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_declare_acknowledge_and_resolve(live_server, browser_page):
    demo_with_accounts("ana")
    page = browser_page
    sign_in(page, f"{live_server.url}/", "ana")

    page.click("nav >> text=Incidents")
    page.fill("input[name=title]", "Ledger writes failing")
    page.select_option("select[name=severity]", "SEV1")
    page.select_option("select[name=component]", "ledger")
    page.click("button:has-text('Declare')")
    page.wait_for_url("**/incidents/*/")
    assert page.get_by_test_id("incident-state").inner_text() == "declared"
    assert page.get_by_test_id("page-state").inner_text() == "firing"

    page.click("a:has-text('[SEV1] Ledger writes failing')")
    page.wait_for_url("**/oncall/alerts/*/")
    page.click("button:has-text('Acknowledge')")
    assert page.get_by_test_id("alert-state").inner_text() == "acknowledged"
    page.go_back()
    page.go_back()
    page.reload()
    assert "Ana Lima acknowledged the page" in page.get_by_test_id("timeline").inner_text()

    page.click("button:has-text('Mark resolved')")
    assert page.get_by_test_id("incident-state").inner_text() == "resolved"
    assert page.get_by_test_id("page-state").inner_text() == "resolved"
    assert "The postmortem is due" in page.locator(".flash").inner_text()
    page.click("a:text-is('postmortem')")
    assert "## Root cause" in page.locator("textarea[name=body]").input_value()
