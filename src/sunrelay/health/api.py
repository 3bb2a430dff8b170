"""/api/v1/health: operating states per team and week, and the nine-question diagnostic."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from sunrelay.health import diagnose, service
from sunrelay.health.schemas import diagnosis_json, state_json
from sunrelay.people import service as people
from sunrelay.people.models import Team

router = Router(tags=["health"])
Json = dict[str, Any]


@router.get("/states", response=list[Json])
def operating_states(request: HttpRequest, team: str = "", week: str = "") -> list[Json]:
    """Each team's state for ``week`` (default: this week), with the signals behind it."""
    return [state_json(row) for row in service.states(team or None, week or None)]


@router.get("/diagnose", response=list[Json])
def diagnose_teams(request: HttpRequest, team: str = "") -> list[Json]:
    """Seed 004's nine questions, answered from the record, per team."""
    teams = [people.get_team(team)] if team else list(Team.objects.order_by("slug"))
    return [diagnosis_json(t.slug, diagnose.diagnose(t)) for t in teams]
