"""What other domains add to a team's page. A higher domain registers a function that renders
its part of the page for a team (HTML, already escaped by its template), so the directory
shows a team's working agreement about work in flight without importing that domain."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString

from sunrelay.people.models import Team

TeamSection = Callable[[Team], SafeString]
TEAM_SECTIONS: list[TeamSection] = []


def register_team_section(render: TeamSection) -> None:
    if render not in TEAM_SECTIONS:
        TEAM_SECTIONS.append(render)


def team_sections(team: Team) -> list[SafeString]:
    return [render(team) for render in TEAM_SECTIONS]
