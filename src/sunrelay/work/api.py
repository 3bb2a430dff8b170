"""/api/v1/work: initiatives and their moves, the boards, capacity signals, valves."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from sunrelay.api.auth import acting_actor
from sunrelay.core.errors import NotFound, whole_number
from sunrelay.people import service as people
from sunrelay.work import capacity, queries, service, transfer, valves, workfile
from sunrelay.work.schemas import (
    AssignIn,
    CriterionIn,
    InitiativeIn,
    LinksIn,
    MoveIn,
    NewCriterionIn,
    ProgressIn,
    ResponseIn,
    SignalIn,
    TargetIn,
    ValveIn,
    WorkFileIn,
    board_json,
    initiative_json,
    opening_json,
    portfolio_json,
    signal_json,
)

router = Router(tags=["work"])
Json = dict[str, Any]


def _detail(pk: int) -> Json:
    return initiative_json(service.get_initiative(pk), detail=True)


@router.get("/initiatives", response=list[Json])
def list_initiatives(
    request: HttpRequest, team: str = "", state: str = "", page: int = 1
) -> list[Json]:
    page = whole_number(page, "page", low=1, high=100_000)
    found = queries.initiatives(team=team or None, state=state or None)
    return [initiative_json(i) for i in found[(page - 1) * 200 : page * 200]]


@router.post("/initiatives", response={201: Json})
def add_initiative(request: HttpRequest, payload: InitiativeIn) -> Status[Json]:
    draft = service.Draft(**payload.dict(exclude={"actor"}))
    found = service.add_initiative(draft, acting_actor(request, payload.actor))
    return Status(201, _detail(found.pk))


@router.get("/initiatives/{pk}", response=Json)
def get_initiative(request: HttpRequest, pk: int) -> Json:
    return _detail(pk)


@router.post("/initiatives/{pk}/people", response=Json)
def assign_person(request: HttpRequest, pk: int, payload: AssignIn) -> Json:
    service.assign(pk, payload.person, acting_actor(request, payload.actor), remove=payload.remove)
    return _detail(pk)


@router.post("/initiatives/{pk}/criteria/{position}", response=Json)
def settle_criterion(request: HttpRequest, pk: int, position: int, payload: CriterionIn) -> Json:
    service.settle_criterion(
        pk, position, acting_actor(request, payload.actor), waive=payload.waive
    )
    return _detail(pk)


@router.post("/initiatives/{pk}/criteria", response=Json)
def add_criterion(request: HttpRequest, pk: int, payload: NewCriterionIn) -> Json:
    service.add_criterion(pk, payload.text, acting_actor(request, payload.actor))
    return _detail(pk)


@router.post("/initiatives/{pk}/links", response=Json)
def link_initiative(request: HttpRequest, pk: int, payload: LinksIn) -> Json:
    service.link(
        pk,
        acting_actor(request, payload.actor),
        decisions=payload.decisions,
        depends_on=payload.depends_on,
        components=payload.components,
        items=payload.items,
    )
    return _detail(pk)


@router.get("/file", response=Json)
def export_work_file(request: HttpRequest) -> Json:
    """Every initiative as a work file (YAML, in ``text``)."""
    return {"text": workfile.dump(transfer.export())}


@router.post("/file", response=Json)
def import_work_file(request: HttpRequest, payload: WorkFileIn) -> Json:
    """A work file, all or nothing: 422 with every problem as FILE:LINE: PATH: MESSAGE."""
    entries = transfer.parse_checked(payload.text, "work.yaml")
    report = transfer.apply(entries, acting_actor(request, payload.actor))
    return {"created": report.created, "updated": report.updated}


@router.post("/initiatives/{pk}/target", response=Json)
def move_target(request: HttpRequest, pk: int, payload: TargetIn) -> Json:
    service.move_target(
        pk, payload.target, acting_actor(request, payload.actor), reason=payload.reason
    )
    return _detail(pk)


@router.post("/initiatives/{pk}/progress", response=Json)
def set_progress(request: HttpRequest, pk: int, payload: ProgressIn) -> Json:
    service.set_progress(
        pk,
        acting_actor(request, payload.actor),
        team=payload.team,
        component=payload.component,
        state=payload.state,
        note=payload.note,
    )
    return _detail(pk)


@router.get("/teams/{team}/board", response=Json)
def team_board(request: HttpRequest, team: str) -> Json:
    return board_json(queries.board(people.get_team(team)))


@router.get("/portfolio", response=list[Json])
def work_portfolio(request: HttpRequest) -> list[Json]:
    return portfolio_json(queries.portfolio())


@router.get("/migrations", response=list[Json])
def migration_board(request: HttpRequest) -> list[Json]:
    return [initiative_json(i, detail=True) for i in queries.migrations()]


@router.post("/signals", response={201: Json})
def raise_capacity_signal(request: HttpRequest, payload: SignalIn) -> Status[Json]:
    found = capacity.raise_signal(payload.team, acting_actor(request, payload.actor), payload.note)
    return Status(201, signal_json(found))


@router.get("/signals/{pk}", response=Json)
def get_capacity_signal(request: HttpRequest, pk: int) -> Json:
    return signal_json(capacity.get_signal(pk))


@router.post("/signals/{pk}/respond", response=Json)
def respond_to_signal(request: HttpRequest, pk: int, payload: ResponseIn) -> Json:
    found = capacity.respond(
        pk,
        acting_actor(request, payload.actor),
        payload.response,
        shed=payload.shed,
        until=payload.until,
        note=payload.note,
        drop=payload.drop,
    )
    return signal_json(found)


@router.post("/teams/{team}/valves/{name}/{move}", response=Json)
def move_valve(request: HttpRequest, team: str, name: str, move: str, payload: ValveIn) -> Json:
    """``move`` is open (propose, or confirm a proposal), or close."""
    who = acting_actor(request, payload.actor)
    if move == "open":
        return opening_json(valves.open_valve(team, name, who, why=payload.why))
    if move == "close":
        return opening_json(valves.close(team, name, who, why=payload.why))
    raise NotFound(f"no valve move {move!r}; expected open or close", field="move")


# last: its {move} would otherwise answer for every path above of the same shape
MOVES = {
    "start": lambda pk, who, p: service.start(pk, who, reason=p.reason, force=p.force),
    "pause": lambda pk, who, p: service.pause(pk, who, reason=p.reason),
    "finish": lambda pk, who, p: service.finish(pk, who, reason=p.reason),
    "drop": lambda pk, who, p: service.drop(pk, who, reason=p.reason),
}


@router.post("/initiatives/{pk}/{move}", response=Json)
def move_initiative(request: HttpRequest, pk: int, move: str, payload: MoveIn) -> Json:
    """``move`` is start, pause, finish or drop."""
    if move not in MOVES:
        raise NotFound(f"no move {move!r}; expected start, pause, finish or drop", field="move")
    MOVES[move](pk, acting_actor(request, payload.actor), payload)
    return _detail(pk)
