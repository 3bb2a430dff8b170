"""Shapes of work in flight for the API and the CLI's ``--json``."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Schema

from sunrelay.work import capacity
from sunrelay.work.models import Initiative, Signal, ValveOpening
from sunrelay.work.queries import Board, PortfolioRow
from sunrelay.worktime import format_instant, format_optional


class InitiativeIn(Schema):
    title: str
    team: str
    dri: str
    klass: str | None = Field(None, alias="class")
    target: date | None = None
    description: str = ""
    criteria: list[str] = []
    people: list[str] = []
    components: list[str] = []
    decisions: list[int] = []
    items: list[int] = []  # risks and asks from weekly updates
    depends_on: list[int] = []
    progress_teams: list[str] = []
    progress_components: list[str] = []
    actor: str | None = None


class MoveIn(Schema):
    reason: str = ""
    force: bool = False
    actor: str | None = None


class AssignIn(Schema):
    person: str
    remove: bool = False
    actor: str | None = None


class CriterionIn(Schema):
    waive: str | None = None  # a reason: waive it; none: it is met
    actor: str | None = None


class NewCriterionIn(Schema):
    text: str
    actor: str | None = None


class LinksIn(Schema):
    decisions: list[int] = []
    items: list[int] = []
    depends_on: list[int] = []
    components: list[str] = []
    actor: str | None = None


class WorkFileIn(Schema):
    text: str  # the YAML of a work file
    actor: str | None = None


class TargetIn(Schema):
    target: date | None
    reason: str = ""
    actor: str | None = None


class ProgressIn(Schema):
    team: str | None = None
    component: str | None = None
    state: str
    note: str = ""
    actor: str | None = None


class SignalIn(Schema):
    team: str
    note: str
    actor: str | None = None


class ResponseIn(Schema):
    response: str
    shed: list[int] = []
    drop: bool = False
    until: date | None = None
    note: str = ""
    actor: str | None = None


class ValveIn(Schema):
    why: str = ""
    actor: str | None = None


def initiative_json(
    i: Initiative, *, detail: bool = False, position: int | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": i.pk,
        "title": i.title,
        "team": i.team.slug,
        "dri": i.dri.slug,
        "class": i.klass,
        "state": i.state,
        "target": i.target.isoformat() if i.target else None,
        "people": sorted(p.slug for p in i.people.all()),
        "started_at": format_optional(i.started_at),
        "exception": i.exception or None,
        "url": f"/work/{i.pk}/",
    }
    if position is not None:
        out["queue_position"] = position
    if detail:
        out |= {
            "description": i.description,
            "migration": i.migration,
            "created_at": format_instant(i.created_at),
            "finished_at": format_optional(i.finished_at),
            "components": [c.slug for c in i.components.all()],
            "decisions": [r.pk for r in i.decisions.all()],
            "items": [
                {"id": x.pk, "kind": x.kind, "text": x.text, "state": x.state}
                for x in i.items.all()
            ],
            "depends_on": [d.pk for d in i.depends_on.all()],
            "descope_granted_at": format_optional(i.descope_granted_at),
            "criteria": [
                {
                    "position": c.position,
                    "text": c.text,
                    "met_at": format_optional(c.met_at),
                    "waived": c.waived or None,
                }
                for c in i.criteria.all()
            ],
            "progress": [
                {
                    "team": p.team.slug if p.team else None,
                    "component": p.component.slug if p.component else None,
                    "state": p.state,
                    "note": p.note,
                }
                for p in i.progress.select_related("team", "component")
            ],
            "timeline": [
                {
                    "at": format_instant(e.at),
                    "kind": e.kind,
                    "actor": e.actor.slug if e.actor else None,
                    "text": e.text,
                    "reason": e.reason,
                }
                for e in i.events.select_related("actor")
            ],
        }
    return out


def signal_json(s: Signal) -> dict[str, Any]:
    return {
        "id": s.pk,
        "team": s.team.slug,
        "raised_by": s.raised_by.slug if s.raised_by else None,
        "note": s.note,
        "raised_at": format_instant(s.raised_at),
        "level": s.level,
        "due_at": format_optional(s.due_at),
        "response": s.response or None,
        "responded_by": s.responded_by.slug if s.responded_by else None,
        "shed": s.shed,
        "review_on": s.review_on.isoformat() if s.review_on else None,
        "outcome": capacity.outcome(s),
        "asked": [
            {
                "person": a.person.slug,
                "level": a.level,
                "due_at": format_instant(a.due_at),
                "missed": a.missed,
            }
            for a in s.asks.select_related("person")
        ],
    }


def opening_json(o: ValveOpening) -> dict[str, Any]:
    return {
        "id": o.pk,
        "team": o.team.slug,
        "name": o.name,
        "state": o.state,
        "why": o.why,
        "proposed_at": format_instant(o.proposed_at),
        "confirmed_by": [c["person"] for c in o.confirmations],
        "opened_at": format_optional(o.opened_at),
        "closed_at": format_optional(o.closed_at),
        "closed_why": o.closed_why or None,
        "paused": o.paused,
    }


def board_json(b: Board) -> dict[str, Any]:
    return {
        "team": b.team.slug,
        "wip_limit": b.team.wip_limit,
        "per_person": b.rules.per_person,
        "classes": list(b.rules.classes),
        "active": [initiative_json(i) for i in b.active],
        "queued": [initiative_json(i, position=n) for n, i in b.queued],
        "paused": [initiative_json(i) for i in b.paused],
        "proposed": [initiative_json(i) for i in b.proposed],
        "exceptions": [i.pk for i in b.exceptions],
        "signals": [signal_json(s) for s in b.signals],
        "valves": [
            {
                "name": row.valve.name,
                "relieves": row.valve.relieves,
                "trigger": row.valve.trigger.describe(),
                "openers": row.valve.describe_openers(),
                "back": row.valve.back.describe(),
                "state": row.opening.state if row.opening else "closed",
            }
            for row in b.valves
        ],
        "valve_history": [opening_json(o) for o in b.history],
        "missed_by_responder": dict(b.missed),
    }


def portfolio_json(rows: list[PortfolioRow]) -> list[dict[str, Any]]:
    return [
        {
            "team": r.team.slug,
            "wip_limit": r.team.wip_limit,
            "active": r.active,
            "queued": r.queued,
            "paused": r.paused,
            "exceptions": r.exceptions,
            "open_signals": r.signals,
            "valves": r.valves,
            "over_limit": r.over,
        }
        for r in rows
    ]
