"""The trace (seed 004: "who had what information at what point"): for a decision, an
incident, an initiative or a concern, one timeline of what happened to it and who was told
what, when — each notification with when it was queued, delivered (and how), and read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sunrelay.core.errors import ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.decisions.models import Event as RecordEvent
from sunrelay.decisions.models import Record
from sunrelay.health import concerns
from sunrelay.health.models import Concern
from sunrelay.incidents.models import Entry, Incident
from sunrelay.notify.models import Notification
from sunrelay.work.models import Event as WorkEvent
from sunrelay.work.models import Initiative

KINDS = ("decision", "incident", "initiative", "concern")


@dataclass(frozen=True)
class Line:
    at: datetime
    kind: str  # what happened, or "told"
    who: str  # the actor, or the person told
    text: str
    delivered: datetime | None = None
    channels: tuple[str, ...] = ()
    read: datetime | None = None


def _told(prefix: str) -> list[Line]:
    found = Notification.objects.filter(url__startswith=prefix).select_related("recipient")
    return [
        Line(
            n.created_at,
            "told",
            n.recipient.name,
            f"{n.kind}: {n.subject}",
            n.sent_at,
            tuple(n.delivered),
            n.read_at,
        )
        for n in found
    ]


def _decision(pk: int) -> tuple[str, list[Line]]:
    record = Record.objects.filter(pk=pk).first()
    if record is None:
        raise ValidationFailed(f"no decision record {pk}", field="id")
    events = RecordEvent.objects.filter(record=record).select_related("actor")
    lines = [
        Line(e.at, e.kind, e.actor.name if e.actor else "Sunrelay", (e.body or "")[:300])
        for e in events
    ]
    return f"{record.label} {record.title}", lines + _told(f"/decisions/{pk}/")


def _incident(pk: int) -> tuple[str, list[Line]]:
    incident = Incident.objects.filter(pk=pk).first()
    if incident is None:
        raise ValidationFailed(f"no incident {pk}", field="id")
    entries = Entry.objects.filter(incident=incident).select_related("author")
    lines = [
        Line(
            e.at,
            e.kind,
            e.author.name if e.author else "Sunrelay",
            e.text + (f" (why: {e.why})" if e.why else ""),
        )
        for e in entries
    ]
    return f"Incident #{pk} {incident.title}", lines + _told(f"/incidents/{pk}/")


def _initiative(pk: int) -> tuple[str, list[Line]]:
    initiative = Initiative.objects.filter(pk=pk).first()
    if initiative is None:
        raise ValidationFailed(f"no initiative {pk}", field="id")
    events = WorkEvent.objects.filter(initiative=initiative).select_related("actor")
    lines = [
        Line(
            e.at,
            e.kind,
            e.actor.name if e.actor else "Sunrelay",
            e.text + (f" (why: {e.reason})" if e.reason else ""),
        )
        for e in events
    ]
    return f"#{pk} {initiative.title}", lines + _told(f"/work/{pk}/")


def _concern(pk: int, viewer: Actor) -> tuple[str, list[Line]]:
    found: Concern = concerns.get_concern(pk)
    concerns.require_read(viewer, found)
    raiser = (
        "someone (anonymous)"
        if found.anonymous
        else (found.raised_by.name if found.raised_by else "someone")
    )
    lines = [Line(found.raised_at, "raised", raiser, f"{found.severity} {found.category}")]
    if found.acknowledged_at:
        by = found.acknowledged_by.name if found.acknowledged_by else "someone"
        lines.append(Line(found.acknowledged_at, "acknowledged", by, ""))
    if found.flagged_at:
        lines.append(Line(found.flagged_at, "flagged", "Sunrelay", "not acted on in time"))
    if found.acted_at:
        lines.append(Line(found.acted_at, "acted", "", found.action))
    return f"Concern #{pk}", lines + _told(f"/org-health/concerns/{pk}/")


def trace(kind: str, pk: int, viewer: Actor) -> tuple[str, list[Line]]:
    """The title and the timeline, oldest first. Raises ValidationFailed (an unknown kind or
    id), ConcernNotFound, PermissionDenied (a concern the viewer may not read)."""
    if kind not in KINDS:
        raise ValidationFailed(f"kind must be one of {', '.join(KINDS)}", field="kind")
    if kind == "concern":
        title, lines = _concern(pk, viewer)
    else:
        title, lines = {"decision": _decision, "incident": _incident, "initiative": _initiative}[
            kind
        ](pk)
    return title, sorted(lines, key=lambda line: (line.at, line.kind == "told"))
