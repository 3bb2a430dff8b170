"""Shapes of the directory in the API. Input uses the org-file vocabulary."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict


class PersonIn(Schema):
    id: str
    name: str
    email: str = ""
    timezone: str
    working_hours: str | dict[str, str | None] = "09:00-17:00"
    workdays: list[str] | None = None
    holidays: str | None = None
    roles: list[str] = []
    github: str = ""
    emails: list[str] = []
    start_date: date | None = None


class PersonPatch(Schema):
    name: str | None = None
    email: str | None = None
    timezone: str | None = None
    working_hours: str | dict[str, str | None] | None = None
    workdays: list[str] | None = None
    holidays: str | None = None
    roles: list[str] | None = None
    github: str | None = None
    emails: list[str] | None = None
    start_date: date | None = None


class PersonOut(Schema):
    id: str
    name: str
    email: str
    timezone: str
    working_hours: dict[str, str]
    workdays: list[str]
    holidays: str | None
    roles: list[str]
    github: str
    emails: list[str]
    start_date: date | None

    @staticmethod
    def resolve_id(obj: Any) -> str:
        return str(obj.slug)

    @staticmethod
    def resolve_workdays(obj: Any) -> list[str]:
        return list(obj.working_hours)

    @staticmethod
    def resolve_holidays(obj: Any) -> str | None:
        return obj.holidays or None


def _slug(related: Any) -> str | None:
    return related.slug if related is not None else None


class TeamIn(Schema):
    id: str
    name: str
    lead: str | None = None
    members: list[str] = []
    wip_limit: int | None = None
    successor: str | None = None
    parent: str | None = None
    description: str = ""
    charter: str = ""


class TeamPatch(Schema):
    name: str | None = None
    lead: str | None = None
    members: list[str] | None = None
    wip_limit: int | None = None
    successor: str | None = None
    parent: str | None = None
    description: str | None = None
    charter: str | None = None


class TeamOut(Schema):
    id: str
    name: str
    lead: str | None
    members: list[str]
    wip_limit: int | None
    successor: str | None
    parent: str | None
    description: str
    charter: str

    @staticmethod
    def resolve_id(obj: Any) -> str:
        return str(obj.slug)

    @staticmethod
    def resolve_lead(obj: Any) -> str | None:
        return _slug(obj.lead)

    @staticmethod
    def resolve_successor(obj: Any) -> str | None:
        return _slug(obj.successor)

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return _slug(obj.parent)

    @staticmethod
    def resolve_members(obj: Any) -> list[str]:
        return sorted(m.slug for m in obj.members.all())


class LinkSchema(Schema):
    url: str
    title: str = ""
    reviewed: date | None = None


class ComponentIn(Schema):
    id: str
    name: str
    owner: str | None = None
    dri: str | None = None
    maintainers: list[str] = []
    criticality: str = "medium"
    links: list[LinkSchema] = []
    system: str = ""
    description: str = ""
    repos: list[str] = []
    paths: list[str] = []


class ComponentPatch(Schema):
    name: str | None = None
    owner: str | None = None
    dri: str | None = None
    maintainers: list[str] | None = None
    criticality: str | None = None
    links: list[LinkSchema] | None = None
    system: str | None = None
    description: str | None = None
    repos: list[str] | None = None
    paths: list[str] | None = None


class ComponentOut(Schema):
    id: str
    name: str
    owner: str | None
    dri: str | None
    maintainers: list[str]
    criticality: str
    links: list[LinkSchema]
    system: str
    description: str
    repos: list[str]
    paths: list[str]

    @staticmethod
    def resolve_id(obj: Any) -> str:
        return str(obj.slug)

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return _slug(obj.owner)

    @staticmethod
    def resolve_dri(obj: Any) -> str | None:
        return _slug(obj.dri)

    @staticmethod
    def resolve_maintainers(obj: Any) -> list[str]:
        return sorted(m.slug for m in obj.maintainers.all())


class AbsenceIn(Schema):
    model_config = ConfigDict(populate_by_name=True)
    person: str
    start: date = Field(..., alias="from")
    end: date = Field(..., alias="to")
    reason: str = ""


class AbsenceOut(Schema):
    model_config = ConfigDict(populate_by_name=True)
    id: int
    person: str
    start: date = Field(..., alias="from")
    end: date = Field(..., alias="to")
    reason: str
    source: str

    @staticmethod
    def resolve_person(obj: Any) -> str:
        return str(obj.person.slug)


class ImportOut(Schema):
    created: list[str]
    updated: list[str]
    removed: list[str]
    notes: list[str]
