"""Decisions on the home page: reviews to give, objections to answer, decisions to take."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from sunrelay.core import search, today
from sunrelay.core.removal import LEFT
from sunrelay.decisions import review
from sunrelay.decisions.models import Record
from sunrelay.people.models import Person


def _url(pk: int) -> str:
    return f"/decisions/{pk}/"


def section(person: Person, now: datetime) -> today.Section:
    owed = review.waiting_on(person)
    items = [
        today.Item(
            f"Review {r.record.label} {r.record.title}",
            _url(r.record_id),
            r.due_at,
            "overdue" if r.due_at and r.due_at < now else "",
        )
        for r in owed["reviews"]
    ]
    items += [
        today.Item(
            f"{r.person.name if r.person else LEFT} asked for changes on {r.record.label}",
            _url(r.record_id),
        )
        for r in owed["objections"]
    ]
    items += [
        today.Item(f"Decide {r.label} {r.title}", _url(r.pk), badge="yours") for r in owed["decide"]
    ]
    items += [
        today.Item(
            f"{r.record.label} {r.record.title} was decided without your review",
            _url(r.record_id),
            r.record.decided_at,
        )
        for r in owed["skipped"]
    ]
    return today.Section(
        "decisions", "Decisions", items, "No reviews or decisions wait on you.", True, 10,
        "/decisions/waiting/",
    )  # fmt: skip


today.register(section)


def find(text: str, viewer: object, limit: int) -> list[search.Hit]:
    """Decision records by title, label number or tag."""
    match = Q(title__icontains=text) | Q(tags__icontains=text)
    number = text.upper().removeprefix("ADR-").removeprefix("RFC-").lstrip("0")
    if number.isdigit():
        match |= Q(number=int(number))
    found = Record.objects.filter(match).order_by("-updated_at")[:limit]
    return [search.Hit("decision", f"{r.label} {r.title}", f"/decisions/{r.pk}/", r.status)
            for r in found]  # fmt: skip


search.register(find)
