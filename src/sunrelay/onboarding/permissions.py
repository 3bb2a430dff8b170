"""Who may do what with an onboarding programme: one rule per kind."""

from __future__ import annotations

from sunrelay.core.permissions import Actor, require
from sunrelay.onboarding.models import Programme
from sunrelay.people.models import Team
from sunrelay.people.permissions import leads


def may_run(actor: Actor, team: Team | None) -> bool:
    """Starting a programme, choosing buddies, reviewing: staff or the team's lead (or above)."""
    return actor.staff or (team is not None and leads(actor, team))


def may_tick(actor: Actor, programme: Programme) -> bool:
    """The new person, their buddies, their manager, the team's lead, staff."""
    involved = [programme.person, programme.tech_buddy, programme.culture_buddy, programme.manager]
    if any(p is not None and actor.is_person(p.slug) for p in involved):
        return True
    return may_run(actor, programme.team)


def require_run(actor: Actor, team: Team | None, what: str) -> None:
    require(may_run(actor, team), "staff or the team's lead", what, field="team")


def require_tick(actor: Actor, programme: Programme) -> None:
    require(
        may_tick(actor, programme),
        "the new person, their buddies, their manager, the team's lead or staff",
        f"tick {programme.person.slug}'s onboarding",
        field="item",
    )
