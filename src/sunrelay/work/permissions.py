"""Who may do what to work in flight (docs/permissions.md).

- Adding an initiative to a team: its members, its lead (or a lead above), staff.
- Changing one (start, pause, finish, drop, assign, criteria, dates, links): its DRI, the
  team's lead (or above), staff; the people assigned may also mark a criterion met. When
  something it depends on slipped, the team's members too: the dependent team de-scopes or
  re-sequences without escalating (seed 004).
- Starting beyond a limit: the team's lead (or above) or staff, with a recorded reason.
- A capacity signal: raised by the team's members and lead; answered by anyone it was sent
  to (at any level it reached), or staff.
- A valve: proposed, confirmed or closed by hand by someone holding one of its opener roles
  who is a member of the team, leads it (or above), or is its product counterpart.
"""

from __future__ import annotations

from collections.abc import Iterable

from sunrelay.core.permissions import Actor, require
from sunrelay.people.models import Team
from sunrelay.people.permissions import leads
from sunrelay.work.models import Initiative, Signal


def is_member(actor: Actor, team: Team) -> bool:
    return actor.person is not None and team.members.filter(slug=actor.person).exists()


def require_of_team(actor: Actor, team: Team, what: str) -> None:
    """Adding an initiative, raising a capacity signal: the team's own people."""
    require(
        actor.staff or leads(actor, team) or is_member(actor, team),
        f"{team.slug}'s members and lead or staff",
        what,
        field="team",
    )


def may_change(actor: Actor, initiative: Initiative) -> bool:
    if actor.staff or leads(actor, initiative.team_id):
        return True
    if initiative.dri_id is not None and actor.is_person(initiative.dri.slug):
        return True
    return bool(initiative.descope_granted_at) and is_member(actor, initiative.team)


def require_change(actor: Actor, initiative: Initiative, what: str) -> None:
    require(
        may_change(actor, initiative),
        f"its DRI, {initiative.team.slug}'s lead or staff",
        f"{what} initiative {initiative.pk}",
        field="actor",
    )


def require_criterion(actor: Actor, initiative: Initiative, waive: bool) -> None:
    """Marking a criterion met is also for the people assigned; waiving one is not."""
    assigned = actor.person is not None and initiative.people.filter(slug=actor.person).exists()
    require(
        may_change(actor, initiative) or (assigned and not waive),
        f"its DRI, {initiative.team.slug}'s lead, staff{'' if waive else ' or its people'}",
        f"{'waive' if waive else 'settle'} the exit criteria of initiative {initiative.pk}",
        field="actor",
    )


def require_exception(actor: Actor, team: Team, what: str) -> None:
    require(
        actor.staff or leads(actor, team),
        f"{team.slug}'s lead (or a lead above) or staff",
        what,
        field="force",
    )


def require_response(actor: Actor, signal: Signal) -> None:
    asked = actor.person is not None and signal.asks.filter(person__slug=actor.person).exists()
    require(
        actor.staff or asked,
        "the people it was sent to or staff",
        f"answer capacity signal {signal.pk}",
        field="actor",
    )


def require_valve(
    actor: Actor, team: Team, product: str | None, roles: Iterable[str], may: bool, what: str
) -> None:
    """``may``: whether ``roles`` (the actor's) hold an opener role still wanted."""
    related = (
        actor.staff
        or leads(actor, team)
        or is_member(actor, team)
        or (product is not None and actor.is_person(product))
    )
    require(
        related and may,
        f"a member, lead or product counterpart of {team.slug} holding an opener role",
        what,
        field="actor",
    )
