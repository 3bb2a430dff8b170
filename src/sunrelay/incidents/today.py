"""Incidents on the home page: action items the person owns, and what is open now."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from sunrelay.core import search, today
from sunrelay.incidents.models import ActionItem, Incident
from sunrelay.people.models import Person


def action_section(person: Person, now: datetime) -> today.Section | None:
    items = [
        today.Item(
            f"{a.title} (incident {a.incident_id})",
            f"/incidents/{a.incident_id}/",
            detail=f"due {a.due:%a %d %b}",
            badge="overdue" if a.due < now.date() else "",
        )
        for a in ActionItem.objects.filter(owner=person, done_at=None).order_by("due")[:10]
    ]
    if not items:
        return None
    return today.Section(
        "actions", "Action items", items, waiting=True, order=40, more="/incidents/action-items/"
    )


def open_section(person: Person, now: datetime) -> today.Section:
    found = Incident.objects.filter(state__in=("declared", "mitigated"), drill=False)
    items = [
        today.Item(
            f"{i.severity} {i.title}",
            f"/incidents/{i.pk}/",
            i.declared_at,
            i.state,
            f"commander {i.commander.name}" if i.commander else "no commander",
        )
        for i in found.select_related("commander").order_by("severity", "-declared_at")[:8]
    ]
    return today.Section(
        "incidents", "Open incidents", items, "No open incidents.", False, 50, "/incidents/"
    )


today.register(action_section)
today.register(open_section)


def find(text: str, viewer: object, limit: int) -> list[search.Hit]:
    """Incidents by title, or by number."""
    match = Q(title__icontains=text)
    if text.lstrip("#").isdigit():
        match |= Q(pk=int(text.lstrip("#")))
    found = Incident.objects.filter(match).order_by("-declared_at")[:limit]
    return [
        search.Hit("incident", f"{i.severity} {i.title}", f"/incidents/{i.pk}/", i.state)
        for i in found
    ]


search.register(find)
