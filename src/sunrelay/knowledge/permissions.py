"""Who may do what with knowledge records: one rule per kind."""

from __future__ import annotations

from sunrelay.core.permissions import Actor, require
from sunrelay.people.models import Component
from sunrelay.people.permissions import leads


def may_refresh(actor: Actor, component: Component) -> bool:
    """Recomputing a truck factor changes nobody's data, but it runs git over the clones:
    staff, or the owning team's lead or members."""
    team = component.owner
    if actor.staff or (team is not None and leads(actor, team)):
        return True
    return team is not None and team.members.filter(slug=actor.person or "").exists()


def require_refresh(actor: Actor, component: Component) -> None:
    require(
        may_refresh(actor, component),
        "staff, or the owning team's lead or members",
        f"refresh the truck factor of {component.slug}",
        field="component",
    )
