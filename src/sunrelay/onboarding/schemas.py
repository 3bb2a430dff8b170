"""Shapes of onboarding programmes for the API and the CLI's --json."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from sunrelay.onboarding.service import Status


class StartIn(Schema):
    person: str
    team: str | None = None
    actor: str | None = None


class BuddiesIn(Schema):
    tech: str
    culture: str
    actor: str | None = None


class TickIn(Schema):
    evidence: str = ""
    actor: str | None = None


class ReviewIn(Schema):
    note: str
    actor: str | None = None


def status_json(s: Status) -> dict[str, Any]:
    p = s.programme

    def slug(person: Any) -> str | None:
        return person.slug if person is not None else None

    return {
        "person": p.person.slug,
        "team": slug(p.team),
        "start_date": p.start_date.isoformat(),
        "day": s.day,
        "done": s.done,
        "total": s.total,
        "manager": slug(p.manager),
        "tech_buddy": slug(p.tech_buddy),
        "culture_buddy": slug(p.culture_buddy),
        "buddies_confirmed": p.buddies_confirmed,
        "suggested": list(p.suggested),
        "items": [
            {
                "id": i.pk, "kind": i.kind, "text": i.text, "due": i.due.isoformat(),
                "done_at": i.done_at.isoformat() if i.done_at else None,
                "evidence": i.evidence, "escalated": i.escalated_at is not None,
            }
            for i in s.items
        ],
        "reviews": [
            {"at": r.at.isoformat(), "by": slug(r.by), "note": r.note} for r in s.reviews
        ],
    }  # fmt: skip
