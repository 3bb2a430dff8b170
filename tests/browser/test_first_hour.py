"""A new team lead's first hour, in a real browser: the printed admin sign-in says who it is,
adds a person and a team, finds a decision with the keyboard; the navigation fits at 1280 px
and works at 390 px. Every hub page is photographed at both widths into build/screenshots/
(not committed) for a reviewer to look at."""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from sunrelay.demo import history
from sunrelay.people import orgfile, service
from sunrelay.people.models import Person, Team
from tests.browser.accounts import PASSWORD
from tests.conftest import DEMO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SUNRELAY_SCREENSHOTS", "build/screenshots"))
PAGES = [
    "/", "/directory/", "/people/ana/", "/teams/payments/", "/components/", "/search/?q=ledger",
    "/decisions/", "/decisions/waiting/", "/decisions/new/", "/cadence/status/",
    "/cadence/handoffs/", "/cadence/one-on-ones/", "/cadence/burden/", "/cadence/calendar/",
    "/oncall/", "/oncall/schedules/payments-primary/", "/oncall/alerts/", "/oncall/setup/",
    "/incidents/", "/incidents/postmortems/", "/incidents/action-items/", "/notifications/",
]  # fmt: skip


# every visible form control has an accessible name: a <label>, aria-label or aria-labelledby
UNLABELLED = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]), select, textarea'))
  .filter(e => e.offsetParent !== null || e.type === 'checkbox')
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
               && !e.getAttribute('aria-labelledby'))
  .map(e => e.name || e.id || e.outerHTML.slice(0, 60))"""


def test_the_first_hour_of_a_new_team_lead(live_server, browser_page):
    service.import_org(orgfile.parse(DEMO.read_text()))  # what `make run` loads:
    history.build(seed=7)  # the organisation and its last twelve weeks
    get_user_model().objects.create_superuser("admin", "admin@localhost", PASSWORD)
    page, url = browser_page, live_server.url

    page.goto(f"{url}/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/setup/**")  # the admin is nobody yet: say who you are
    setup = page.get_by_test_id("setup-create")
    setup.locator("input[name=name]").fill("Sam Okoro")
    setup.locator("input[name=id]").fill("sam")
    assert setup.locator("select[name=timezone]").input_value() == "Europe/Lisbon"  # the browser's
    setup.locator("button").click()
    page.wait_for_url(f"{url}/")
    assert "Sam Okoro" in page.locator("h1").inner_text()
    assert Person.objects.get(slug="sam").timezone == "Europe/Lisbon"

    # add a person and a team in the hub
    page.click("nav >> text=People")
    page.click("nav >> text=Directory")
    page.click("text=Add a person")
    page.fill("input[name=id]", "zoe")
    page.fill("input[name=name]", "Zoë Ng")
    page.select_option("select[name=timezone]", "Asia/Singapore")
    page.click("button:text-is('Add')")
    page.wait_for_url("**/people/zoe/")
    page.goto(f"{url}/directory/")
    page.click("text=Add a team")
    page.fill("input[name=id]", "data")
    page.fill("input[name=name]", "Data")
    page.fill("input[name=lead]", "sam")
    page.fill("input[name=members]", "sam zoe")
    page.click("button:text-is('Add')")
    page.wait_for_url("**/teams/data/")
    assert {m.slug for m in Team.objects.get(slug="data").members.all()} == {"sam", "zoe"}

    # find a decision from anywhere with the keyboard
    page.locator("main").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "global-search"
    page.keyboard.type("idempotency")
    page.keyboard.press("Enter")
    page.click("text=Adopt idempotency keys for payment calls")
    page.wait_for_url("**/decisions/*/")

    # the navigation fits on one line at 1280 px...
    items = page.locator("header nav > a, header nav > details > summary")
    tops = {round(box["y"]) for box in items.evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().toJSON())")}  # fmt: skip
    assert len(tops) == 1, tops
    assert page.locator("header").bounding_box()["height"] < 70
    # ...and opens from the menu button on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    assert not page.locator("header nav").is_visible()
    page.click(".menu-toggle")
    page.click("nav >> text=Incidents")
    page.wait_for_url("**/incidents/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the incidents page scrolls sideways on a phone ({width} px)"

    # every hub page, at both widths, for a reviewer's eyes
    SHOTS.mkdir(parents=True, exist_ok=True)
    too_wide: list[str] = []
    unlabelled: list[str] = []
    for viewport in (1280, 390):
        page.set_viewport_size({"width": viewport, "height": 900})
        for path in PAGES:
            answer = page.goto(f"{url}{path}")
            assert answer is not None and answer.status == 200, path
            name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
            page.screenshot(path=str(SHOTS / f"{viewport}-{name}.png"), full_page=True)
            unlabelled.extend(f"{path}: {name}" for name in page.evaluate(UNLABELLED))
            wide = page.evaluate("document.documentElement.scrollWidth")
            if viewport == 390:
                too_wide.extend([f"{path} ({wide} px)"] if wide > 400 else [])
    assert not too_wide, f"pages that scroll sideways on a phone: {too_wide}"
    assert not unlabelled, f"form controls a screen reader cannot name: {sorted(set(unlabelled))}"
