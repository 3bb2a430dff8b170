"""/api/v1/health: operating states per team and week, and the nine-question diagnostic."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from sunrelay.api.auth import acting_actor, actor
from sunrelay.core.errors import whole_number
from sunrelay.core.permissions import require
from sunrelay.health import (
    concerns,
    diagnose,
    drift,
    maturity,
    pulse,
    service,
    skiplevel,
    spof,
    trace,
)
from sunrelay.health.schemas import concern_json, diagnosis_json, state_json
from sunrelay.people import service as people
from sunrelay.people.models import Team
from sunrelay.worktime import format_instant, format_optional

router = Router(tags=["health"])
Json = dict[str, Any]


@router.get("/states", response=list[Json])
def operating_states(request: HttpRequest, team: str = "", week: str = "") -> list[Json]:
    """Each team's state for ``week`` (default: this week), with the signals behind it."""
    return [state_json(row) for row in service.states(team or None, week or None)]


@router.get("/diagnose", response=list[Json])
def diagnose_teams(request: HttpRequest, team: str = "") -> list[Json]:
    """Seed 004's nine questions, answered from the record, per team."""
    teams = [people.get_team(team)] if team else list(Team.objects.order_by("slug"))
    return [diagnosis_json(t.slug, diagnose.diagnose(t)) for t in teams]


class ConcernIn(Schema):
    team: str
    category: str
    severity: str = "medium"
    text: str
    anonymous: bool = False
    actor: str | None = None


class ActIn(Schema):
    action: str = ""
    actor: str | None = None


@router.get("/single-points", response=list[Json])
def single_points_of_failure(request: HttpRequest, team: str = "") -> list[Json]:
    """People who are the only one able to act for something, and what stops while away."""
    if team:
        people.get_team(team)
    return spof.as_json(spof.everyone(team or None))


@router.post("/concerns", response={201: Json})
def raise_concern(request: HttpRequest, payload: ConcernIn) -> Status[Json]:
    """Raise a concern; anonymous where the category allows it (then nobody is recorded)."""
    found = concerns.raise_concern(
        payload.team,
        acting_actor(request, payload.actor),
        payload.category,
        payload.severity,
        payload.text,
        anonymous=payload.anonymous,
    )
    return Status(201, concern_json(found))


@router.get("/concerns", response=list[Json])
def list_concerns(request: HttpRequest, team: str = "") -> list[Json]:
    """The concerns the caller may read: routed to them, raised by them (on record), or staff."""
    return [concern_json(c) for c in concerns.visible(actor(request, read=True), team or None)]


@router.get("/concerns/{pk}", response=Json)
def get_concern(request: HttpRequest, pk: int) -> Json:
    found = concerns.get_concern(pk)
    concerns.require_read(actor(request, read=True), found)
    return concern_json(found)


@router.post("/concerns/{pk}/acknowledge", response=Json)
def acknowledge_concern(request: HttpRequest, pk: int, payload: ActIn) -> Json:
    return concern_json(concerns.acknowledge(pk, acting_actor(request, payload.actor)))


@router.post("/concerns/{pk}/act", response=Json)
def act_on_concern(request: HttpRequest, pk: int, payload: ActIn) -> Json:
    return concern_json(concerns.act(pk, acting_actor(request, payload.actor), payload.action))


class AgendaIn(Schema):
    ritual: int
    actor: str | None = None


@router.get("/drift", response=list[Json])
def drift_items(request: HttpRequest) -> list[Json]:
    """Where teams are out of step: overlapping work, contradicting decisions, hand-offs left."""
    return [
        {
            "kind": i.kind,
            "teams": list(i.teams),
            "text": i.text,
            "links": [list(x) for x in i.links],
        }
        for i in drift.find()
    ]


@router.post("/drift/agenda", response=Json)
def drift_to_agenda(request: HttpRequest, payload: AgendaIn) -> Json:
    """Write the drift into the next occurrence's agenda of a (cross-team sync) ritual."""
    count = drift.to_agenda(payload.ritual, acting_actor(request, payload.actor))
    return {"ritual": payload.ritual, "items": count}


@router.get("/trace/{kind}/{pk}", response=Json)
def trace_of(request: HttpRequest, kind: str, pk: int) -> Json:
    """Who was told what and when, and what happened: a decision, incident, initiative or
    concern as one timeline."""
    title, lines = trace.trace(kind, pk, actor(request, read=True))
    return {
        "title": title,
        "timeline": [
            {
                "at": format_instant(line.at),
                "kind": line.kind,
                "who": line.who,
                "text": line.text,
                "delivered_at": format_optional(line.delivered),
                "channels": list(line.channels),
                "read_at": format_optional(line.read),
            }
            for line in lines
        ],
    }


class PulseIn(Schema):
    team: str
    clarity: int
    autonomy: int
    pace: int
    comment: str = ""
    actor: str | None = None


@router.post("/pulse", response={201: Json})
def answer_pulse(request: HttpRequest, payload: PulseIn) -> Status[Json]:
    """This week's pulse, anonymously: nothing links the answer to who gave it."""
    pulse.answer(
        payload.team,
        acting_actor(request, payload.actor),
        clarity=payload.clarity,
        autonomy=payload.autonomy,
        pace=payload.pace,
        comment=payload.comment,
    )
    return Status(201, {"team": payload.team, "answered": True})


@router.get("/pulse/{team}", response=list[Json])
def pulse_results(request: HttpRequest, team: str, weeks: int = 8) -> list[Json]:
    """The team's pulse per week; means and comments only where enough people answered."""
    found = people.get_team(team)
    require(
        pulse.may_see(actor(request, read=True), found),
        f"{team}'s members and lead",
        f"read {team}'s pulse",
    )
    weeks = whole_number(weeks, "weeks", low=1, high=52)
    return [
        {
            "week": r.week,
            "answers": r.answers,
            "shown": r.shown,
            "means": r.means,
            "comments": r.comments,
        }
        for r in pulse.trend(found, service.current_week(), weeks)
    ]


@router.get("/maturity", response=Json)
def maturity_scorecard(request: HttpRequest, team: str = "") -> Json:
    """Seed 000's Definition of Done per team from evidence, and the 30/60/90-day rollout."""
    teams = [people.get_team(team)] if team else list(Team.objects.order_by("slug"))
    started, steps = maturity.rollout()
    return {
        "teams": [
            {"team": t.slug, "checks": [c.json() for c in maturity.scorecard(t)]} for t in teams
        ],
        "rollout": {
            "started": format_optional(started),
            "steps": [
                {"by_day": s.by_day, "label": s.label, "done": s.done, "evidence": s.evidence}
                for s in steps
            ],
        },
    }


@router.get("/skip-levels", response=list[Json])
def skip_levels(request: HttpRequest) -> list[Json]:
    """Per manager: the people in the pods below, and those with a 1:1 with the manager."""
    return [
        {
            "manager": c.manager.slug,
            "reports": list(c.reports),
            "covered": list(c.covered),
            "share": c.share,
        }
        for c in skiplevel.coverage()
    ]
