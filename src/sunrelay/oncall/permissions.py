"""Who may change on-call (docs/permissions.md, ADR 11).

- Schedules and escalation policies: staff, and the lead of the team that owns them (who may
  not hand them to another team). Alert routes and integrations belong to no team: staff.
- Overrides: anyone may add one (covering is a favour people do each other); an override is
  removed by whoever added it, the person covering, the person covered, the schedule team's
  lead, and staff.
- Acknowledging and resolving a page: anyone in the directory (the one paged, or whoever
  picks it up); signed one-time links act for the person they were sent to.
"""

from __future__ import annotations

from collections.abc import Iterable

from sunrelay.core.errors import PermissionDenied
from sunrelay.core.permissions import Actor, require
from sunrelay.oncall.models import Override
from sunrelay.people.models import Team
from sunrelay.people.permissions import leads


def require_owner(actor: Actor | None, teams: Iterable[str | None], what: str) -> None:
    """Raises PermissionDenied unless ``actor`` may change ``what`` owned by ``teams``
    (``None`` for something no team owns, which only staff may change). No actor: the org
    file or an operator."""
    if actor is None or actor.staff:
        return
    for team in set(teams):
        found = Team.objects.filter(slug=team).first() if team else None
        if found is None or not leads(actor, found):
            owner = f"the lead of team {team!r}" if team else "staff"
            raise PermissionDenied(f"only {owner} may change {what}")


def may_remove_override(actor: Actor, override: Override) -> bool:
    if actor.staff:
        return True
    people = {override.person.slug, override.replaces.slug if override.replaces else None}
    if override.created_by is not None:
        people.add(override.created_by.slug)
    if actor.person in people - {None}:
        return True
    return leads(actor, override.schedule.team_id)


def require_override_removal(actor: Actor, override: Override) -> None:
    require(
        may_remove_override(actor, override),
        "whoever added it, the people it names, the team's lead or staff",
        f"remove override {override.pk}",
        field="id",
    )
