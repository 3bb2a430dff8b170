"""/api/v1/time/…: the working-time questions, answered like the CLI answers them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from sunrelay.core.errors import ValidationFailed
from sunrelay.people import timequery
from sunrelay.people.queries import load_directory

router = Router(tags=["time"])
MAX_BATCH = 100_000


class BusinessHoursOut(Schema):
    model_config = ConfigDict(populate_by_name=True)
    person: str
    start: str = Field(..., alias="from")
    end: str = Field(..., alias="to")
    seconds: int


class Row(Schema):
    model_config = ConfigDict(populate_by_name=True)
    person: str
    start: str = Field(..., alias="from")
    end: str = Field(..., alias="to")


class BatchIn(Schema):
    rows: list[Row]


class BatchOut(Schema):
    rows: list[BusinessHoursOut]


@router.get("/business-hours", response=BusinessHoursOut, by_alias=True)
def business_hours(
    request: HttpRequest,
    person: str,
    start: str = Query(..., alias="from"),
    end: str = Query(..., alias="to"),
) -> dict[str, Any]:
    return timequery.business_hours(load_directory([person]), person, start, end)


@router.post("/business-hours/batch", response=BatchOut, by_alias=True)
def business_hours_batch(request: HttpRequest, body: BatchIn) -> dict[str, Any]:
    if len(body.rows) > MAX_BATCH:
        raise ValidationFailed(f"at most {MAX_BATCH} rows per request", field="rows")
    people = {r.person for r in body.rows}
    directory = load_directory(people)
    for pid in sorted(people):
        directory.person(pid)
    seconds = timequery.business_hours_rows(
        directory, [(r.person, r.start, r.end) for r in body.rows]
    )
    return {
        "rows": [
            {"person": r.person, "from": r.start, "to": r.end, "seconds": s}
            for r, s in zip(body.rows, seconds, strict=True)
        ]
    }


@router.get("/online")
def online(request: HttpRequest, at: str, team: str | None = None) -> dict[str, Any]:
    return timequery.who_is_online(load_directory(team=team), at, team)


@router.get("/overlap")
def overlap(
    request: HttpRequest,
    start: str = Query(..., alias="from"),
    end: str = Query(..., alias="to"),
    people: list[str] = Query([]),
    team: str | None = None,
) -> dict[str, Any]:
    return timequery.common_overlap(load_directory(people, team=team), people, team, start, end)


@router.get("/slots")
def slots(
    request: HttpRequest,
    duration: str,
    start: str = Query(..., alias="from"),
    end: str = Query(..., alias="to"),
    people: list[str] = Query([]),
    team: str | None = None,
    limit: int = 5,
) -> dict[str, Any]:
    directory = load_directory(people, team=team)
    return timequery.meeting_slots(directory, people, team, duration, start, end, limit)


@router.get("/chain")
def chain(request: HttpRequest, team: str, day: date = Query(..., alias="date")) -> dict[str, Any]:
    return timequery.follow_the_sun(load_directory(team=team), team, day)
