"""/api/v1/incidents: declare, the lifecycle, roles and command, the timeline, status updates,
decisions promoted to ADRs, postmortems, action items and the reliability report."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from sunrelay.api.auth import acting, acting_actor
from sunrelay.core import clock
from sunrelay.core.errors import whole_number
from sunrelay.incidents import followups, reports, service, timeline
from sunrelay.incidents.schemas import (
    ActionItemIn,
    ActorIn,
    CauseIn,
    DeclareIn,
    EntryIn,
    OwnerIn,
    RoleIn,
    StateIn,
    TextIn,
    action_item_json,
    entry_json,
    incident_json,
    report_json,
)

router = Router(tags=["incidents"])
Json = dict[str, Any]


def _detail(pk: int) -> Json:
    return incident_json(timeline.get_incident(pk), detail=True)


@router.get("", response=list[Json])
def list_incidents(request: HttpRequest, state: str = "") -> list[Json]:
    return [incident_json(i) for i in reports.incidents(state or None)[:200]]


@router.post("", response={201: Json})
def declare(request: HttpRequest, payload: DeclareIn) -> Status[Json]:
    found = service.declare(
        payload.title,
        payload.severity,
        acting(request, payload.actor),
        team=payload.team,
        component=payload.component,
        summary=payload.summary,
        drill=payload.drill,
        group=payload.alert_group,
    )
    return Status(201, _detail(found.pk))


@router.get("/report", response=Json)
def report(request: HttpRequest, days: int = 90) -> Json:
    end = clock.now()
    days = whole_number(days, "days", low=1, high=3660)  # ten years at most
    return report_json(reports.report(end - timedelta(days=days), end))


@router.get("/action-items", response=list[Json])
def action_items(request: HttpRequest, open_only: bool = True) -> list[Json]:
    return [action_item_json(a) for a in followups.action_items(open_only=open_only)[:1000]]


@router.post("/action-items/{pk}/owner", response=Json)
def action_item_owner(request: HttpRequest, pk: int, payload: OwnerIn) -> Json:
    """Hand an open action item to someone else (its owner, or those who run the incident)."""
    return action_item_json(
        followups.reassign_action_item(pk, payload.owner, acting_actor(request, payload.actor))
    )


@router.post("/action-items/{pk}/done", response=Json)
def action_item_done(request: HttpRequest, pk: int, payload: ActorIn) -> Json:
    return action_item_json(
        followups.complete_action_item(pk, acting_actor(request, payload.actor))
    )


@router.get("/{pk}", response=Json)
def get_incident(request: HttpRequest, pk: int) -> Json:
    return _detail(pk)


@router.post("/{pk}/state", response=Json)
def move(request: HttpRequest, pk: int, payload: StateIn) -> Json:
    service.move(pk, payload.state, acting_actor(request, payload.actor), payload.note)
    return _detail(pk)


@router.post("/{pk}/cause", response=Json)
def name_cause(request: HttpRequest, pk: int, payload: CauseIn) -> Json:
    """The commit or deployment that caused it; delivery metrics count it as a failure."""
    me = acting_actor(request, payload.actor)
    service.name_cause(pk, me, sha=payload.sha, deployment=payload.deployment)
    return _detail(pk)


@router.post("/{pk}/roles", response=Json)
def assign_role(request: HttpRequest, pk: int, payload: RoleIn) -> Json:
    me = acting_actor(request, payload.actor)
    service.assign_role(pk, payload.role, payload.person, me, payload.note)
    return _detail(pk)


@router.post("/{pk}/timeline", response={201: Json})
def add_entry(request: HttpRequest, pk: int, payload: EntryIn) -> Status[Json]:
    me = acting_actor(request, payload.actor)
    return Status(
        201, entry_json(service.add_entry(pk, payload.kind, payload.text, me, payload.why))
    )


@router.post("/{pk}/updates", response={201: Json})
def post_update(request: HttpRequest, pk: int, payload: TextIn) -> Status[Json]:
    return Status(
        201, entry_json(service.post_update(pk, payload.text, acting_actor(request, payload.actor)))
    )


@router.post("/timeline/{entry}/adr", response={201: Json})
def promote(request: HttpRequest, entry: int, payload: ActorIn) -> Status[Json]:
    return Status(201, {"record": service.promote_decision(entry, acting(request, payload.actor))})


@router.put("/{pk}/postmortem", response=Json)
def save_postmortem(request: HttpRequest, pk: int, payload: TextIn) -> Json:
    followups.save_postmortem(pk, payload.text, acting_actor(request, payload.actor))
    return _detail(pk)


@router.post("/{pk}/postmortem/done", response=Json)
def postmortem_done(request: HttpRequest, pk: int, payload: ActorIn) -> Json:
    followups.complete_postmortem(pk, acting_actor(request, payload.actor))
    return _detail(pk)


@router.post("/{pk}/action-items", response={201: Json})
def add_action_item(request: HttpRequest, pk: int, payload: ActionItemIn) -> Status[Json]:
    me = acting_actor(request, payload.actor)
    item = followups.add_action_item(pk, payload.title, payload.owner, payload.due, me)
    return Status(201, action_item_json(item))
