"""Write a record with the live preview, request review, approve it as the reviewer."""

import pytest

from sunrelay.decisions.models import Record
from tests.browser.accounts import demo_with_accounts, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_write_request_review_and_approve(live_server, browser_page):
    demo_with_accounts("ana", "chloe")
    page = browser_page
    sign_in(page, f"{live_server.url}/", "ana")

    page.click("nav >> text=Decisions")
    page.click("nav >> text=Write a record")
    page.fill("input[name=title]", "Use idempotency keys on every payment call")
    page.select_option("select[name=team]", "payments")
    page.fill("textarea[name=body]", "## Context\n\nRetries **double-charge** customers.")
    preview = page.get_by_test_id("preview")
    preview.locator("strong").wait_for()  # htmx rendered the Markdown as we typed
    assert preview.locator("h2").inner_text() == "Context"
    page.click("text=Save draft")
    page.wait_for_url("**/decisions/*/")
    assert page.get_by_test_id("status").inner_text() == "draft"

    picker = page.get_by_role("combobox", name="Reviewers")  # the picker over the select
    picker.type("chlo")
    page.keyboard.press("Enter")
    assert page.locator(".chip").inner_text() == "Chloé Martin ×"
    page.click("button:text-is('Request review')")
    assert page.get_by_test_id("status").inner_text() == "proposed"
    row = page.locator("[data-reviewer=chloe]")
    assert "Europe/Lisbon" in row.inner_text() and "pending" in row.inner_text()
    record_url = page.url

    page.context.clear_cookies()
    sign_in(page, f"{live_server.url}/", "chloe")
    page.click("nav >> text=Decisions")
    page.click("nav >> text=Waiting on me")
    page.click("text=Use idempotency keys on every payment call")
    assert page.url == record_url
    page.click("button:has-text('Approve')")
    assert "approved" in page.locator("[data-reviewer=chloe]").inner_text()
    assert page.locator("[data-event=approved]").count() == 1
    record = Record.objects.get(title="Use idempotency keys on every payment call")
    assert record.reviewers.get().state == "approved"
