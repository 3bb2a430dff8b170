"""Shapes of knowledge records for the API and the CLI's --json."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from sunrelay.knowledge.models import ComponentKnowledge
from sunrelay.knowledge.service import Row


class AuthorOut(Schema):
    name: str
    emails: list[str]
    files: int
    person: str | None


class ComponentKnowledgeOut(Schema):
    component: str
    name: str
    owner: str | None
    criticality: str
    repos: list[str]
    paths: list[str]
    maintainers: list[str]
    target: int
    truck_factor: int | None
    tf_authors: list[str]
    files: int
    authored_files: int
    coverage: list[int]
    authors: list[AuthorOut]
    refreshed_at: str | None
    revisions: dict[str, str]
    problem: str
    flags: list[str]


def knowledge_json(k: ComponentKnowledge) -> dict[str, Any]:
    return {
        "component": k.component.slug,
        "truck_factor": k.truck_factor,
        "tf_authors": list(k.tf_authors),
        "files": k.files,
        "authored_files": k.authored_files,
        "coverage": list(k.coverage),
        "authors": list(k.authors),
        "refreshed_at": k.refreshed_at.isoformat(),
        "revisions": dict(k.revisions),
        "problem": k.problem,
    }


def row_json(row: Row) -> dict[str, Any]:
    c, k = row.component, row.knowledge
    found: dict[str, Any] = {
        "component": c.slug,
        "name": c.name,
        "owner": c.owner.slug if c.owner else None,
        "criticality": c.criticality,
        "repos": list(c.repos),
        "paths": list(c.paths),
        "maintainers": list(row.maintainers),
        "target": row.target,
        "flags": list(row.flags),
        "truck_factor": None,
        "tf_authors": [],
        "files": 0,
        "authored_files": 0,
        "coverage": [],
        "authors": [],
        "refreshed_at": None,
        "revisions": {},
        "problem": "",
    }
    if k is not None:
        found |= knowledge_json(k)
    return found


def docs_json(found: list[Any], per_team: list[Any], org: Any) -> dict[str, Any]:
    def share(c: Any) -> dict[str, Any]:
        return {
            "name": c.name, "up_to_date": c.up_to_date, "total": c.total,
            "share": None if c.share is None else round(c.share, 4), "meets_target": c.meets,
        }  # fmt: skip

    return {
        "target": 0.9,
        "organisation": share(org),
        "teams": [share(c) for c in per_team],
        "components": [
            {
                "component": r.component.slug,
                "up_to_date": r.up_to_date,
                "why": r.why,
                "freshness_days": r.freshness,
                "documents": [
                    {
                        "title": d.title, "where": d.where, "kind": d.kind,
                        "changed": d.changed.isoformat() if d.changed else None,
                        "source": d.source, "stale": d in r.stale,
                    }
                    for d in r.documents
                ],
            }
            for r in found
        ],
    }  # fmt: skip
