"""Post a weekly update in the hub and read it in the team's digest."""

from datetime import UTC, datetime, time, timedelta

import pytest

from sunrelay.cadence import logic, status
from tests.browser.accounts import demo_with_accounts, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_post_an_update_and_see_it_in_the_digest(live_server, browser_page):
    demo_with_accounts("mia")
    page = browser_page
    sign_in(page, f"{live_server.url}/", "mia")

    page.click("nav >> text=Cadence")
    page.click("text=Weekly updates")
    assert "your time (Australia/Sydney)" in page.get_by_test_id("my-due").inner_text()
    page.click("text=Write your update")
    page.fill("textarea[name=done]", "Checkout retries are **idempotent** now.")
    page.fill("textarea[name=risks]", "- The PSP sandbox is flaky @bruno")
    page.click("text=Post update")
    page.wait_for_url("**/cadence/teams/payments/*/")
    week = page.url.rstrip("/").rsplit("/", 1)[1]
    digest = page.get_by_test_id("digest")
    assert "preview" in digest.inner_text()
    assert digest.locator("strong", has_text="idempotent").count() == 1

    # the worker compiles the digest once the last member's due time has passed
    after = datetime.combine(logic.parse_week(week) + timedelta(days=8), time(12), tzinfo=UTC)
    status.compile_digests(after)
    page.reload()
    text = page.get_by_test_id("digest").inner_text()
    assert "sent" in text and "Mia Roberts" in text
    assert "The PSP sandbox is flaky @bruno (owner: Bruno Costa)" in text

    page.click("text=Risk register")
    assert "The PSP sandbox is flaky" in page.get_by_test_id("register").inner_text()
