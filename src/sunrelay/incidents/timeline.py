"""An incident's timeline: every state change, page, acknowledgement, role change, note,
decision, action and status update is an entry written here, by whichever module acts."""

from __future__ import annotations

from typing import Any

from sunrelay.core import clock
from sunrelay.incidents.errors import IncidentNotFound
from sunrelay.incidents.models import Entry, Incident
from sunrelay.people.models import Person


def url(incident: Incident) -> str:
    return f"/incidents/{incident.pk}/"


def entry(
    incident: Incident, kind: str, text: str, author: Person | None = None, **extra: Any
) -> Entry:
    """Append to the timeline (inside the caller's transaction)."""
    return Entry.objects.create(
        incident=incident, at=clock.now(), kind=kind, author=author, text=text, **extra
    )


def get_incident(pk: int) -> Incident:
    """Raises IncidentNotFound."""
    found = (
        Incident.objects.select_related(
            "team", "component", "commander", "communications", "scribe", "alert_group"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise IncidentNotFound(f"no incident {pk}", field="incident")
    return found
