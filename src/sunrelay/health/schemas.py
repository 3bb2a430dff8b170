"""Shapes of organisation health for the API and the CLI's ``--json``."""

from __future__ import annotations

from typing import Any

from sunrelay.health.diagnose import Answer
from sunrelay.health.models import TeamWeek
from sunrelay.health.service import since


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
