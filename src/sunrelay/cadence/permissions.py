"""Who may change the cadence (docs/permissions.md).

- A team's ritual: its owners, the team's members and lead (or a lead above it), and staff;
  a ritual of named attendees: its owners, its attendees and staff.
- A 1:1 is private: only its two attendees read or write it, its occurrences and notes
  (and operators, who hold the server).
- A calendar feed's address is renewed by its owner: the person, or the team's lead; and staff.
- Weekly updates are posted by their author; risks and asks are settled by their owner, the
  one who raised them or the team's lead (``status.settle_item``).
"""

from __future__ import annotations

from sunrelay.cadence.errors import RitualNotFound
from sunrelay.cadence.models import Ritual
from sunrelay.core.permissions import Actor, require
from sunrelay.people.models import Person, Team
from sunrelay.people.permissions import leads


def _attendee(actor: Actor, ritual: Ritual) -> bool:
    return actor.person is not None and ritual.attendees.filter(slug=actor.person).exists()


def may_read(actor: Actor, ritual: Ritual) -> bool:
    return ritual.kind != "one-on-one" or actor.operator or _attendee(actor, ritual)


def require_read(actor: Actor, ritual: Ritual) -> None:
    """A private 1:1 is not found by anyone else: its existence is private too."""
    if not may_read(actor, ritual):
        raise RitualNotFound(f"no ritual {ritual.pk}", field="ritual")


def may_change(actor: Actor, ritual: Ritual) -> bool:
    if ritual.kind == "one-on-one":
        return may_read(actor, ritual)
    if actor.staff or _attendee(actor, ritual):
        return True
    if actor.person is not None and ritual.owners.filter(slug=actor.person).exists():
        return True
    return ritual.team is not None and may_organise(actor, ritual.team)


def may_organise(actor: Actor, team: Team) -> bool:
    """Whether the actor may hold rituals for ``team``: a member, a lead, staff."""
    if actor.staff or leads(actor, team):
        return True
    return actor.person is not None and team.members.filter(slug=actor.person).exists()


def require_change(actor: Actor, ritual: Ritual) -> None:
    require_read(actor, ritual)
    who = "its owners, attendees, the team's members and lead, or staff"
    require(may_change(actor, ritual), who, f"change {ritual.title!r}", field="ritual")


def require_organise(actor: Actor, team: Team) -> None:
    require(
        may_organise(actor, team),
        f"members of {team.slug}, its lead or staff",
        f"hold rituals for {team.slug}",
        field="team",
    )


def require_feed_renewal(actor: Actor, owner: Person | Team) -> None:
    if isinstance(owner, Person):
        allowed, who = actor.staff or actor.is_person(owner.slug), owner.slug
    else:
        allowed, who = actor.staff or leads(actor, owner), f"the lead of {owner.slug}"
    require(allowed, f"{who} or staff", "renew this calendar's address", field="feed")
