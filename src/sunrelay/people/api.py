"""/api/v1/ people, teams, components, absences: parse, call one service function, return."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Router, Status, UploadedFile
from ninja.pagination import paginate

from sunrelay.api.auth import actor, require_write
from sunrelay.api.parsing import Page
from sunrelay.people import queries, service
from sunrelay.people.models import Absence, Person
from sunrelay.people.schemas import (
    AbsenceIn,
    AbsenceOut,
    ComponentIn,
    ComponentOut,
    ComponentPatch,
    ImportOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    TeamIn,
    TeamOut,
    TeamPatch,
)

router = Router(tags=["directory"])


def _changes(patch: Any) -> dict[str, Any]:
    return patch.model_dump(exclude_unset=True)


@router.get("/people", response=list[PersonOut])
@paginate(Page)
def list_people(request: HttpRequest, q: str = "") -> QuerySet[Person]:
    return queries.search_people(q)


@router.post("/people", response={201: PersonOut})
def create_person(request: HttpRequest, body: PersonIn) -> Status:
    require_write(request)
    return Status(201, service.create_person(body.model_dump(exclude_none=True)))


@router.get("/people/{pid}", response=PersonOut)
def get_person(request: HttpRequest, pid: str) -> Person:
    return service.get_person(pid)


@router.patch("/people/{pid}", response=PersonOut)
def update_person(request: HttpRequest, pid: str, body: PersonPatch) -> Person:
    require_write(request)
    return service.update_person(pid, _changes(body))


@router.delete("/people/{pid}", response={204: None})
def delete_person(request: HttpRequest, pid: str) -> Status:
    require_write(request)
    service.delete_person(pid)
    return Status(204, None)


@router.post("/people/{pid}/absences/ics", response=ImportOut)
def import_absences(request: HttpRequest, pid: str, file: UploadedFile = File(...)) -> Any:
    """Import an out-of-office calendar (.ics, multipart field "file")."""
    return service.import_absences_ics(pid, file.read(), by=actor(request))


@router.get("/teams", response=list[TeamOut])
@paginate(Page)
def list_teams(request: HttpRequest) -> Any:
    return queries.teams_with_members()


@router.post("/teams", response={201: TeamOut})
def create_team(request: HttpRequest, body: TeamIn) -> Any:
    require_write(request)
    return Status(201, service.create_team(body.model_dump(exclude_none=True)))


@router.get("/teams/{tid}", response=TeamOut)
def get_team(request: HttpRequest, tid: str) -> Any:
    return service.get_team(tid)


@router.patch("/teams/{tid}", response=TeamOut)
def update_team(request: HttpRequest, tid: str, body: TeamPatch) -> Any:
    require_write(request)
    return service.update_team(tid, _changes(body))


@router.delete("/teams/{tid}", response={204: None})
def delete_team(request: HttpRequest, tid: str) -> Status:
    require_write(request)
    service.delete_team(tid)
    return Status(204, None)


@router.get("/components", response=list[ComponentOut])
@paginate(Page)
def list_components(request: HttpRequest) -> Any:
    return queries.components_overview()


@router.post("/components", response={201: ComponentOut})
def create_component(request: HttpRequest, body: ComponentIn) -> Any:
    require_write(request)
    return Status(201, service.create_component(body.model_dump(exclude_none=True)))


@router.get("/components/{cid}", response=ComponentOut)
def get_component(request: HttpRequest, cid: str) -> Any:
    return service.get_component(cid)


@router.patch("/components/{cid}", response=ComponentOut)
def update_component(request: HttpRequest, cid: str, body: ComponentPatch) -> Any:
    require_write(request)
    return service.update_component(cid, _changes(body))


@router.delete("/components/{cid}", response={204: None})
def delete_component(request: HttpRequest, cid: str) -> Status:
    require_write(request)
    service.delete_component(cid)
    return Status(204, None)


@router.get("/absences", response=list[AbsenceOut], by_alias=True)
@paginate(Page)
def list_absences(request: HttpRequest, person: str | None = None) -> QuerySet[Absence]:
    found = Absence.objects.select_related("person")
    return found.filter(person__slug=person) if person else found


@router.post("/absences", response={201: AbsenceOut}, by_alias=True)
def create_absence(request: HttpRequest, body: AbsenceIn) -> Any:
    by = actor(request)
    return Status(
        201, service.add_absence(body.person, body.start, body.end, body.reason, "api", by)
    )


@router.delete("/absences/{absence_id}", response={204: None})
def delete_absence(request: HttpRequest, absence_id: int) -> Status:
    service.delete_absence(absence_id, actor(request))
    return Status(204, None)
