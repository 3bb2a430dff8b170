"""The trace (seed 004: "who had what information at what point"): for a decision, an
incident, an initiative or a concern, one timeline of what happened to it and who was told
what, when — each notification with when it was queued, delivered (and how), and read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


@dataclass(frozen=True)
class Source:
    """Where one kind of thing keeps its history: its table, its timeline's table, the
    timeline's link to it and to who acted, how a line reads, and its pages' address."""

    model: Any
    events: Any
    link: str
    actor: str
    what: Callable[[Any], str]
    title: Callable[[Any], str]
    url: str  # with {pk}


def _why(text: str, why: str) -> str:
    return text + (f" (why: {why})" if why else "")


SOURCES = {
    "decision": Source(
        Record, RecordEvent, "record", "actor", lambda e: (e.body or "")[:300],
        lambda r: f"{r.label} {r.title}", "/decisions/{pk}/",
    ),
    "incident": Source(
        Incident, Entry, "incident", "author", lambda e: _why(e.text, e.why),
        lambda i: f"Incident #{i.pk} {i.title}", "/incidents/{pk}/",
    ),
    "initiative": Source(
        Initiative, WorkEvent, "initiative", "actor", lambda e: _why(e.text, e.reason),
        lambda i: f"#{i.pk} {i.title}", "/work/{pk}/",
    ),
}  # fmt: skip


def _history(kind: str, pk: int) -> tuple[str, list[Line]]:
    source = SOURCES[kind]
    found = source.model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(f"no {kind} {pk}", field="id")
    events = source.events.objects.filter(**{source.link: found}).select_related(source.actor)
    lines = []
    for e in events:
        who = getattr(e, source.actor)
        lines.append(Line(e.at, e.kind, who.name if who else "Sunrelay", source.what(e)))
    return source.title(found), lines + _told(source.url.format(pk=pk))


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
        title, lines = _history(kind, pk)
    return title, sorted(lines, key=lambda line: (line.at, line.kind == "told"))
