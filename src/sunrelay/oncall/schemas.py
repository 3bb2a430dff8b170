"""Shapes of on-call for the API and the CLI's ``--json``: one converter per thing."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from sunrelay.oncall import logic
from sunrelay.oncall.models import AlertGroup, Integration, Override
from sunrelay.oncall.queries import OnCallNow
from sunrelay.worktime import format_instant, format_optional, zone


class OverrideIn(Schema):
    person: str
    start: str
    end: str
    replaces: str | None = None
    reason: str = ""


class IntegrationIn(Schema):
    id: str
    name: str = ""
    kind: str = "alertmanager"
    team: str | None = None


class ActorIn(Schema):
    actor: str | None = None


def override_json(o: Override) -> dict[str, Any]:
    return {
        "id": o.pk,
        "schedule": o.schedule.slug,
        "person": o.person.slug,
        "replaces": o.replaces.slug if o.replaces else None,
        "start": format_instant(o.start),
        "end": format_instant(o.end),
        "reason": o.reason,
    }


def fairness_json(found: logic.Fairness) -> dict[str, Any]:
    return {
        "loads": [
            {
                "person": x.person,
                "month": x.month,
                "hours": x.hours,
                "outside_hours": x.outside_hours,
            }
            for x in found.loads
        ],
        "regions": found.regions,
        "warnings": found.warnings,
    }


def now_json(row: OnCallNow) -> dict[str, Any]:
    return {
        "schedule": row.schedule.slug,
        "name": row.schedule.name,
        "on_call": [
            {
                "id": p.slug,
                "name": p.name,
                "timezone": p.timezone,
                "local_time": f"{_local(p.timezone):%a %H:%M}",
            }
            for p in row.people
        ],
        "until": format_optional(row.until),
        "gap_until": format_optional(row.gap_until),
    }


def _local(tz: str) -> Any:
    from sunrelay.core import clock

    return clock.now().astimezone(zone(tz))


def integration_json(i: Integration) -> dict[str, Any]:
    return {
        "id": i.slug,
        "name": i.name,
        "kind": i.kind,
        "team": i.team.slug if i.team else None,
        "last_received_at": format_optional(i.last_received_at),
    }


def group_json(g: AlertGroup, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": g.pk,
        "title": g.title,
        "state": g.state,
        "integration": g.integration.slug,
        "component": g.component.slug if g.component else None,
        "team": g.team.slug if g.team else None,
        "labels": g.labels,
        "created_at": format_instant(g.created_at),
        "acknowledged_at": format_optional(g.acknowledged_at),
        "acknowledged_by": g.acknowledged_by.slug if g.acknowledged_by else None,
        "resolved_at": format_optional(g.resolved_at),
        "escalation": {
            "step": g.step,
            "round": g.round,
            "next_at": format_optional(g.next_step_at),
        },
    }
    if detail:
        out["alerts"] = [
            {
                "fingerprint": a.fingerprint,
                "status": a.status,
                "labels": a.labels,
                "annotations": a.annotations,
                "starts_at": format_instant(a.starts_at),
                "received": a.received,
            }
            for a in g.alerts.all()
        ]
        out["pages"] = [
            {
                "person": p.person.slug if p.person else None,
                "step": p.step,
                "round": p.round,
                "at": format_instant(p.created_at),
            }
            for p in g.pages.select_related("person")
        ]
        out["log"] = g.log
    return out
