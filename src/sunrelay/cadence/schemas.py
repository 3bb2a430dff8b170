"""Shapes of the cadence for the API and the CLI's ``--json``: one converter per thing, so
both surfaces promise the same fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema

from sunrelay.cadence.handoffs import OpenHandoff
from sunrelay.cadence.models import Handoff, Item, Ritual, StatusUpdate
from sunrelay.cadence.rituals import Planned
from sunrelay.cadence.status import Due
from sunrelay.worktime import format_instant, format_optional, zone


class UpdateIn(Schema):
    week: str | None = None
    team: str | None = None
    done: str = ""
    next: str = ""
    risks: str = ""
    asks: str = ""
    capacity: str = ""  # "we're at capacity": raises the team's capacity signal
    outlook: str = ""  # how the team is doing: struggling, steady or ahead
    outlook_why: str = ""
    links: list[Any] = []
    actor: str | None = None


class ItemPatch(Schema):
    state: str = "resolved"
    resolution: str = ""
    owner: str = ""
    actor: str | None = None


class ActorIn(Schema):
    actor: str | None = None


class HandoffIn(Schema):
    team: str
    next_action: str
    context: str = ""
    state: str = ""
    blockers: str = ""
    owner: str = ""
    links: list[Any] = []
    source: str = ""
    actor: str | None = None


class RitualIn(Schema):
    title: str | None = None
    kind: str | None = None
    team: str | None = None
    description: str | None = None
    rrule: str | None = None
    start: str | None = None  # local "2026-12-03T10:00" in ``timezone``
    timezone: str | None = None
    duration_minutes: int | None = None
    owners: list[str] | None = None
    attendees: list[str] | None = None


class OccurrenceIn(Schema):
    agenda: str | None = None
    notes: str | None = None
    recording_url: str | None = None
    owners: list[str] | None = None
    state: str | None = None


def local(at: datetime, timezone: str) -> str:
    """The instant on the wall clock of ``timezone``, with its offset: 2026-11-27T12:00:00+11:00."""
    return at.astimezone(zone(timezone)).isoformat(timespec="seconds")


def due_json(row: Due) -> dict[str, Any]:
    u = row.update
    return {
        "person": row.person.slug,
        "name": row.person.name,
        "timezone": row.person.timezone,
        "week": row.week,
        "due_utc": format_instant(row.due),
        "due_local": local(row.due, row.person.timezone),
        "reminder_utc": format_instant(row.reminder),
        "state": row.state,
        "posted_at": format_instant(u.posted_at) if u else None,
    }


def item_json(i: Item) -> dict[str, Any]:
    return {
        "id": i.pk,
        "kind": i.kind,
        "text": i.text,
        "team": i.team.slug if i.team else None,
        "owner": i.owner.slug if i.owner else None,
        "raised_by": i.raised_by.slug if i.raised_by else None,
        "state": i.state,
        "raised_at": format_instant(i.raised_at),
        "resolved_at": format_optional(i.resolved_at),
        "resolution": i.resolution,
    }


def update_json(u: StatusUpdate) -> dict[str, Any]:
    return {
        "id": u.pk,
        "author": u.author.slug if u.author else None,
        "week": u.week,
        "team": u.team.slug if u.team else None,
        "done": u.done,
        "next": u.next,
        "risks": u.risks,
        "asks": u.asks,
        "capacity": u.capacity or None,
        "outlook": u.outlook or None,
        "outlook_why": u.outlook_why or None,
        "links": u.links,
        "due_at": format_instant(u.due_at),
        "posted_at": format_instant(u.posted_at),
        "edited_at": format_instant(u.edited_at),
        "on_time": u.on_time,
        "items": [item_json(i) for i in u.items.all()],
    }


def handoff_json(h: Handoff, waiting: OpenHandoff | None = None) -> dict[str, Any]:
    return {
        "id": h.pk,
        "team": h.team.slug,
        "author": h.author.slug if h.author else None,
        "from": h.source,
        "to": h.target,
        "receivers": sorted(p.slug for p in h.receivers.all()),
        "context": h.context,
        "state": h.state,
        "blockers": h.blockers,
        "next_action": h.next_action,
        "owner": h.owner.slug if h.owner else None,
        "links": h.links,
        "created_at": format_instant(h.created_at),
        "deliver_at": format_instant(h.deliver_at),
        "escalate_at": format_instant(h.escalate_at),
        "acknowledged_by": h.acknowledged_by.slug if h.acknowledged_by else None,
        "acknowledged_at": format_instant(h.acknowledged_at) if h.acknowledged_at else None,
        "escalated_at": format_instant(h.escalated_at) if h.escalated_at else None,
        "waiting_working_seconds": waiting.waiting_seconds if waiting else None,
    }


def ritual_json(r: Ritual) -> dict[str, Any]:
    return {
        "id": r.pk,
        "title": r.title,
        "kind": r.kind,
        "team": r.team.slug if r.team else None,
        "description": r.description,
        "rrule": r.rrule,
        "start": f"{r.start_date.isoformat()}T{r.start_time:%H:%M}",
        "timezone": r.timezone,
        "duration_minutes": r.duration_minutes,
        "owners": sorted(p.slug for p in r.owners.all()),
        "attendees": sorted(p.slug for p in r.attendees.all()),
        "rotation": r.rotation,
    }


def planned_json(p: Planned) -> dict[str, Any]:
    o = p.occurrence
    return {
        "start": format_instant(p.start),
        "end": format_instant(p.end),
        "state": o.state if o else "scheduled",
        "agenda": o.agenda if o else "",
        "notes": o.notes if o else "",
        "recording_url": o.recording_url if o else "",
        "owners": sorted(x.slug for x in o.owners.all()) if o else [],
    }
