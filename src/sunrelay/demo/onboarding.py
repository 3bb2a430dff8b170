"""The demo's onboarding in progress: Emeka joined Platform EMEA twelve days ago. His
programme runs from his start date (set in the directory, through the directory's service),
buddies confirmed by Dieter, Day 0 and the week-one dashboard done, the doc and the PR late
(Dieter told), one weekly review on record."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sunrelay.core import clock
from sunrelay.core.permissions import Actor
from sunrelay.onboarding import service as onboarding
from sunrelay.people import service as people

NEW = "emeka"


def build(now: datetime) -> int:
    first = now.date() - timedelta(days=12)
    people.update_person(NEW, {"start_date": first})
    morning = datetime.combine(first, time(9), ZoneInfo("Europe/Berlin"))
    with clock.frozen(morning - timedelta(days=5)):
        programme = onboarding.start(NEW, "platform-emea", Actor("dieter"))
        tech = programme.tech_buddy.slug if programme.tech_buddy else "priya"
        onboarding.confirm_buddies(NEW, tech, "dieter" if tech != "dieter" else "priya", _lead())
    items = list(programme.items.order_by("due", "pk"))
    for offset, item in enumerate(i for i in items if i.kind == "day0"):
        with clock.frozen(morning + timedelta(hours=offset)):
            onboarding.tick(item.pk, Actor(NEW), "done on day 0")
    for item in items:
        if item.kind == "week1" and item.key == "dashboard":
            with clock.frozen(morning + timedelta(days=4)):
                onboarding.tick(item.pk, Actor(NEW), "https://grafana.acme.test/d/emea-latency")
    with clock.frozen(morning + timedelta(days=7)):
        onboarding.record_review(
            NEW, "Day 0 done; first dashboard shipped; PR next week with Priya", _lead()
        )
    with clock.frozen(now):
        onboarding.escalate_overdue()
    return 1


def _lead() -> Actor:
    return Actor("dieter")
