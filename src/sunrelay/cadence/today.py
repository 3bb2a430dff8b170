"""The cadence on the home page: hand-offs to acknowledge, this week's update, the next
rituals."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from sunrelay.cadence import logic, rituals, status
from sunrelay.cadence.models import Handoff, Ritual
from sunrelay.core import search, today
from sunrelay.core.removal import LEFT
from sunrelay.people.models import Person


def handoff_section(person: Person, now: datetime) -> today.Section:
    waiting = (
        Handoff.objects.filter(receivers=person, acknowledged_at=None, deliver_at__lte=now)
        .select_related("author")
        .order_by("deliver_at")[:20]
    )
    items = [
        today.Item(
            f"Hand-off from {h.author.name if h.author else LEFT} ({h.source}): {h.next_action}",
            f"/cadence/handoffs/{h.pk}/",
            h.escalate_at,
            "overdue" if h.escalate_at <= now else "",
        )
        for h in waiting
    ]
    return today.Section(
        "handoffs", "Hand-offs to acknowledge", items, "No hand-off waits on you.", True, 20,
        "/cadence/handoffs/",
    )  # fmt: skip


def update_section(person: Person, now: datetime) -> today.Section | None:
    if not person.teams.exists():
        return None  # updates are asked of team members
    week = logic.week_of(now.astimezone(ZoneInfo(person.timezone)).date())
    [due] = status.dues_of(person, week)
    if due.update is not None:
        item = today.Item(f"Your update for {week} is in", "/cadence/status/", badge="done")
        return today.Section("update", "Weekly update", [item], waiting=True, order=30)
    if due.away:
        return None
    late = due.due <= now
    item = today.Item(
        f"Post your update for {week} (done, next, risks, asks)",
        f"/cadence/status/new/?week={week}",
        due.due,
        "late" if late else "",
    )
    return today.Section("update", "Weekly update", [item], waiting=True, order=30)


def ritual_section(person: Person, now: datetime) -> today.Section:
    upcoming = []
    for ritual in rituals.rituals_for(person)[:50]:
        for at in rituals.occurrences(ritual, now, now + timedelta(days=7))[:3]:
            upcoming.append((at, ritual))
    upcoming.sort(key=lambda x: x[0])
    items = [
        today.Item(r.title, f"/cadence/rituals/{r.pk}/", at, detail=r.kind)
        for at, r in upcoming[:6]
    ]
    return today.Section(
        "rituals", "Your next rituals", items, "No rituals in the next seven days.", False, 80
    )  # fmt: skip


today.register(handoff_section)
today.register(update_section)
today.register(ritual_section)


def find(text: str, viewer: object, limit: int) -> list[search.Hit]:
    """Rituals by title; a 1:1 only for its two attendees (cadence.permissions)."""
    found = Ritual.objects.filter(title__icontains=text).select_related("team")
    if isinstance(viewer, Person):
        found = found.exclude(Q(kind="one-on-one") & ~Q(attendees=viewer))
    else:
        found = found.exclude(kind="one-on-one")
    return [
        search.Hit("ritual", r.title, f"/cadence/rituals/{r.pk}/", r.get_kind_display())
        for r in found.distinct()[:limit]
    ]


search.register(find)
