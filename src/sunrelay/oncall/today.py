"""On-call on the home page: pages waiting on the person, and who holds the pager for their
teams right now."""

from __future__ import annotations

from datetime import datetime

from sunrelay.core import today
from sunrelay.oncall import queries
from sunrelay.oncall.models import AlertGroup, Page
from sunrelay.people.models import Person


def page_section(person: Person, now: datetime) -> today.Section | None:
    firing = (
        Page.objects.filter(person=person, group__state=AlertGroup.FIRING)
        .select_related("group")
        .order_by("-created_at")
    )
    groups = {p.group_id: p.group for p in firing[:50]}
    if not groups:
        return None  # nothing paging you: the section stays out of the way
    items = [
        today.Item(f"Page: {g.title}", f"/oncall/alerts/{g.pk}/", g.created_at, "firing")
        for g in list(groups.values())[:10]
    ]
    return today.Section("pages", "Pages", items, waiting=True, order=0, more="/oncall/alerts/")


def on_call_section(person: Person, now: datetime) -> today.Section:
    teams = set(person.teams.values_list("pk", flat=True))
    items = []
    for found in queries.on_call_now(now, teams=teams):
        names = ", ".join(p.name for p in found.people) or "nobody: a gap"
        items.append(
            today.Item(
                f"{found.schedule.name}: {names}",
                f"/oncall/schedules/{found.schedule.slug}/",
                found.until or found.gap_until,
                "gap" if not found.people else "",
                "until" if found.until else ("next on call" if found.gap_until else ""),
            )
        )
    return today.Section(
        "oncall", "On call for your teams", items, "Your teams have no on-call schedule.",
        False, 70, "/oncall/",
    )  # fmt: skip


today.register(page_section)
today.register(on_call_section)
