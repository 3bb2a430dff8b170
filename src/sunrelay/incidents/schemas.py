"""Shapes of incidents for the API and the CLI's ``--json``."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Schema

from sunrelay.incidents.models import ActionItem, Entry, Incident
from sunrelay.incidents.reports import Report
from sunrelay.worktime import format_instant, format_optional


class DeclareIn(Schema):
    title: str
    severity: str = "SEV2"
    team: str | None = None
    component: str | None = None
    summary: str = ""
    drill: bool = False
    alert_group: int | None = None
    actor: str | None = None


class StateIn(Schema):
    state: str
    note: str = ""
    actor: str | None = None


class RoleIn(Schema):
    role: str
    person: str
    note: str = ""
    actor: str | None = None


class EntryIn(Schema):
    kind: str = "note"
    text: str
    why: str = ""
    actor: str | None = None


class TextIn(Schema):
    text: str
    actor: str | None = None


class ActionItemIn(Schema):
    title: str
    owner: str
    due: date
    actor: str | None = None


class ActorIn(Schema):
    actor: str | None = None


class OwnerIn(Schema):
    owner: str
    actor: str | None = None


class CauseIn(Schema):
    sha: str = ""
    deployment: int | None = None
    actor: str | None = None


def _slug(person: Any) -> str | None:
    return person.slug if person else None


def entry_json(e: Entry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": format_instant(e.at),
        "kind": e.kind,
        "author": _slug(e.author),
        "text": e.text,
        "why": e.why,
        "adr": e.record_id,
    }


def action_item_json(a: ActionItem) -> dict[str, Any]:
    return {
        "id": a.pk,
        "incident": a.incident_id,
        "title": a.title,
        "owner": a.owner.slug if a.owner else None,
        "due": a.due.isoformat(),
        "done_at": format_optional(a.done_at),
    }


def incident_json(i: Incident, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": i.pk,
        "title": i.title,
        "severity": i.severity,
        "state": i.state,
        "drill": i.drill,
        "team": i.team.slug if i.team else None,
        "component": i.component.slug if i.component else None,
        "alert_group": i.alert_group_id,
        "roles": {
            "commander": _slug(i.commander),
            "communications": _slug(i.communications),
            "scribe": _slug(i.scribe),
        },
        "declared_at": format_instant(i.declared_at),
        "acknowledged_at": format_optional(i.acknowledged_at),
        "mitigated_at": format_optional(i.mitigated_at),
        "resolved_at": format_optional(i.resolved_at),
        "closed_at": format_optional(i.closed_at),
        "next_update_due": format_optional(i.update_due_at),
        "cause": {"sha": i.cause_sha or None, "deployment": i.cause_deployment},
    }
    if detail:
        out["summary"] = i.summary
        out["responders"] = sorted(p.slug for p in i.responders.all())
        out["timeline"] = [entry_json(e) for e in i.entries.select_related("author")]
        out["action_items"] = [action_item_json(a) for a in i.action_items.select_related("owner")]
        pm = getattr(i, "postmortem", None)
        out["postmortem"] = (
            None
            if pm is None
            else {
                "state": pm.state,
                "due_at": format_optional(pm.due_at),
                "done_at": format_optional(pm.done_at),
                "body": pm.body,
            }
        )
    return out


def report_json(r: Report) -> dict[str, Any]:
    return {
        "by_severity_and_team": [
            {
                "severity": f.severity,
                "team": f.team,
                "incidents": f.count,
                "mtta_minutes": f.mtta_minutes,
                "mttr_minutes": f.mttr_minutes,
            }
            for f in r.figures
        ],
        "postmortems": {
            "done": r.postmortems_done,
            "on_time": r.postmortems_on_time,
            "open": r.postmortems_open,
        },
        "action_items": {"open": r.open_action_items, "overdue": r.overdue_action_items},
    }
