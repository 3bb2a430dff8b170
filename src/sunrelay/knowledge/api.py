"""/api/v1/knowledge: components' truck factors; recomputing one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from sunrelay.api.auth import actor
from sunrelay.knowledge import docs, service
from sunrelay.knowledge.schemas import ComponentKnowledgeOut, docs_json, row_json
from sunrelay.people import service as people

router = Router(tags=["knowledge"])


@router.get("/components", response=list[ComponentKnowledgeOut])
def components(request: HttpRequest, team: str = "") -> Any:
    return [row_json(r) for r in service.rows(people.get_team(team) if team else None)]


@router.get("/components/{slug}", response=ComponentKnowledgeOut)
def component(request: HttpRequest, slug: str) -> Any:
    people.get_component(slug)
    return next(row_json(r) for r in service.rows() if r.component.slug == slug)


@router.post("/components/{slug}/refresh", response=ComponentKnowledgeOut)
def refresh_truck_factor(request: HttpRequest, slug: str) -> Any:
    service.refresh(slug, actor(request))
    return next(row_json(r) for r in service.rows() if r.component.slug == slug)


@router.get("/docs", response=dict[str, Any])
def documentation(request: HttpRequest, team: str = "") -> dict[str, Any]:
    """Each component's documents and their freshness; coverage per team and organisation
    against the 90 % target."""
    found = docs.rows(people.get_team(team) if team else None)
    per_team, org = docs.coverage(found)
    return docs_json(found, per_team, org)
