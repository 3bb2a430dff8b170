"""Shapes of organisation health for the API and the CLI's ``--json``."""

from __future__ import annotations

from typing import Any

from sunrelay.health.diagnose import Answer
from sunrelay.health.models import Concern, TeamWeek
from sunrelay.health.service import since
from sunrelay.worktime import format_instant, format_optional


def state_json(row: TeamWeek) -> dict[str, Any]:
    return {
        "team": row.team.slug,
        "week": row.week,
        "state": row.state,
        "signals": row.readings,
        "reasons": row.reasons,
        "since": since(row),
        "sprint_warning": row.sprint_warning,
    }


def diagnosis_json(team: str, answers: list[Answer]) -> dict[str, Any]:
    return {"team": team, "questions": [a.json() for a in answers]}


def concern_json(c: Concern) -> dict[str, Any]:
    return {
        "id": c.pk,
        "team": c.team.slug,
        "category": c.category,
        "severity": c.severity,
        "text": c.text,
        "anonymous": c.anonymous,
        "raised_by": c.raised_by.slug if c.raised_by else None,
        "raised_at": format_instant(c.raised_at),
        "level": c.level,
        "due_at": format_optional(c.due_at),
        "acknowledged_by": c.acknowledged_by.slug if c.acknowledged_by else None,
        "acknowledged_at": format_optional(c.acknowledged_at),
        "act_due_at": format_optional(c.act_due_at),
        "acted_at": format_optional(c.acted_at),
        "action": c.action or None,
        "flagged": c.flagged_at is not None,
        "route": [
            {"person": s.person.slug, "level": s.level, "missed": s.missed}
            for s in c.steps.select_related("person")
        ],
    }
