"""/api/v1/onboarding: programmes, buddies, ticks and reviews."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from sunrelay.api.auth import acting_actor
from sunrelay.onboarding import service
from sunrelay.onboarding.schemas import BuddiesIn, ReviewIn, StartIn, TickIn, status_json

router = Router(tags=["onboarding"])
Json = dict[str, Any]


@router.post("/programmes", response={201: Json})
def start_programme(request: HttpRequest, payload: StartIn) -> Status[Json]:
    found = service.start(payload.person, payload.team, acting_actor(request, payload.actor))
    return Status(201, status_json(service.status(found.person.slug)))


@router.get("/programmes/{person}", response=Json)
def get_programme(request: HttpRequest, person: str) -> Json:
    return status_json(service.status(person))


@router.post("/programmes/{person}/buddies", response=Json)
def confirm_buddies(request: HttpRequest, person: str, payload: BuddiesIn) -> Json:
    service.confirm_buddies(
        person, payload.tech, payload.culture, acting_actor(request, payload.actor)
    )
    return status_json(service.status(person))


@router.post("/items/{pk}/tick", response=Json)
def tick_item(request: HttpRequest, pk: int, payload: TickIn) -> Json:
    item = service.tick(pk, acting_actor(request, payload.actor), payload.evidence)
    return status_json(service.status(item.programme.person.slug))


@router.post("/programmes/{person}/reviews", response={201: Json})
def review_programme(request: HttpRequest, person: str, payload: ReviewIn) -> Status[Json]:
    service.record_review(person, payload.note, acting_actor(request, payload.actor))
    return Status(201, status_json(service.status(person)))
