"""/api/v1/access: systems and their roles, grants (request, approve, deny, revoke) with
their audit trail, credential rotations."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from sunrelay.access import service
from sunrelay.access.schemas import DecisionIn, GrantIn, GrantOut, grant_json, system_json
from sunrelay.api.auth import acting_actor, actor
from sunrelay.api.parsing import Page

router = Router(tags=["access"])
Json = dict[str, Any]


@router.get("/systems", response=list[Json])
def list_systems(request: HttpRequest) -> list[Json]:
    return [system_json(s, service.due_rotation) for s in service.System.objects.all()]


@router.get("/grants", response=list[GrantOut])
@paginate(Page)
def list_grants(request: HttpRequest, person: str = "", system: str = "", state: str = "") -> Any:
    """Who had what, when: every grant, newest first, with filters."""
    return service.grants(person=person, system=system, state=state)


@router.get("/grants/{pk}", response=Json)
def get_grant(request: HttpRequest, pk: int) -> Json:
    return grant_json(service.get_grant(pk), events=True)


@router.post("/grants", response={201: Json})
def request_grant(request: HttpRequest, payload: GrantIn) -> Status[Json]:
    grant = service.request_grant(
        payload.system, payload.role, payload.person, payload.reason, payload.days,
        team=payload.team, by=acting_actor(request, payload.actor),
    )  # fmt: skip
    return Status(201, grant_json(grant, events=True))


@router.post("/grants/{pk}/approve", response=Json)
def approve_grant(request: HttpRequest, pk: int, payload: DecisionIn) -> Json:
    return grant_json(service.approve(pk, acting_actor(request, payload.actor)), events=True)


@router.post("/grants/{pk}/deny", response=Json)
def deny_grant(request: HttpRequest, pk: int, payload: DecisionIn) -> Json:
    found = service.deny(pk, payload.reason, acting_actor(request, payload.actor))
    return grant_json(found, events=True)


@router.post("/grants/{pk}/revoke", response=Json)
def revoke_grant(request: HttpRequest, pk: int, payload: DecisionIn) -> Json:
    found = service.revoke(pk, payload.reason, acting_actor(request, payload.actor))
    return grant_json(found, events=True)


@router.post("/systems/{system}/credentials/{credential}/rotated", response=Json)
def record_rotation(request: HttpRequest, system: str, credential: str) -> Json:
    found = service.record_rotation(system, credential, actor(request))
    return {
        "id": found.slug,
        "rotated_at": found.rotated_at.isoformat() if found.rotated_at else None,
    }
