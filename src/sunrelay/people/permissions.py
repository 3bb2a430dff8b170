"""Who may change the directory (docs/permissions.md).

- People: staff (and operators: the org file, write tokens, the CLI); the lead of a team they
  belong to (or of a team above it), who may also add people to that team; the person
  themselves for their own name, contact, zone and hours.
- Teams: staff; a team's lead (or a lead above) edits it; adding or removing a pod is for the
  lead of the team it sits under.
- Components: staff; the lead of the owning team (or above).
- A person's absences: that person, the lead of any team they belong to (or of a team above
  it), and staff.
"""

from __future__ import annotations

from typing import Any

from sunrelay.core.permissions import OPERATOR, Actor, require
from sunrelay.people.models import Person, Team


def actor_of(who: Actor | Person | str | None) -> Actor:
    """The actor a service was handed: an ``Actor`` as it is; a person (or their id) with
    staff rights when their linked sign-in is staff; nobody named is the operator."""
    if isinstance(who, Actor):
        return who
    if who is None:
        return OPERATOR
    slug = who if isinstance(who, str) else who.slug
    staff = Person.objects.filter(slug=slug, user__is_staff=True).exists()
    return Actor(slug, staff=staff)


def actor_for_user(user: Any) -> Actor:
    """A signed-in hub user: their directory entry and their sign-in's staff flag."""
    from sunrelay.people.queries import person_for_user

    person = person_for_user(user)
    return Actor(person.slug if person else None, staff=bool(getattr(user, "is_staff", False)))


def lead_teams(actor: Actor) -> set[int]:
    """Primary keys of the teams the actor leads, and every pod below them."""
    if actor.person is None:
        return set()
    found = set(Team.objects.filter(lead__slug=actor.person).values_list("pk", flat=True))
    frontier = set(found)
    while frontier:
        frontier = (
            set(Team.objects.filter(parent__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def leads(actor: Actor, team: Team | int | None) -> bool:
    """Whether the actor leads ``team`` or a team above it."""
    if team is None:
        return False
    return (team.pk if isinstance(team, Team) else team) in lead_teams(actor)


def may_change_absences(actor: Actor, person: Person) -> bool:
    if actor.staff or actor.is_person(person.slug):
        return True
    theirs = set(person.teams.values_list("pk", flat=True))
    return bool(theirs & lead_teams(actor))


def require_absence_change(actor: Actor, person: Person) -> None:
    require(
        may_change_absences(actor, person),
        f"{person.slug}, the lead of one of their teams or staff",
        f"change {person.slug}'s absences",
        field="person",
    )


# what a person may change about themselves: their hours, and the identities that make their
# pull requests, reviews and commits theirs
OWN_FIELDS = {
    "name",
    "email",
    "timezone",
    "working_hours",
    "workdays",
    "holidays",
    "github",
    "emails",
}


def may_manage_person(
    actor: Actor,
    person: Person | None,
    *,
    team: Team | None = None,
    fields: frozenset[str] | set[str] = frozenset(),
) -> bool:
    """``person`` None: adding someone (to ``team``). ``fields``: what an edit changes (a
    person may change their own OWN_FIELDS)."""
    if actor.staff:
        return True
    if person is not None and actor.is_person(person.slug) and fields and set(fields) <= OWN_FIELDS:
        return True
    theirs = set(person.teams.values_list("pk", flat=True)) if person is not None else set()
    if team is not None:
        theirs.add(team.pk)
    return bool(theirs & lead_teams(actor))


def require_person_change(
    actor: Actor,
    person: Person | None,
    *,
    team: Team | None = None,
    fields: frozenset[str] | set[str] = frozenset(),
) -> None:
    who = person.slug if person is not None else "someone"
    require(
        may_manage_person(actor, person, team=team, fields=fields),
        "staff, or the lead of one of their teams" + (" (or themselves)" if person else ""),
        f"add {who}" if person is None else f"change {who}",
        field="id",
    )


def may_manage_team(actor: Actor, team: Team | None, *, parent: Team | None = None) -> bool:
    """``team`` None: adding a team under ``parent``; removing passes the team's parent."""
    if actor.staff:
        return True
    if team is not None and leads(actor, team):
        return True
    return parent is not None and leads(actor, parent)


def require_team_change(
    actor: Actor, team: Team | None, what: str, *, parent: Team | None = None
) -> None:
    require(
        may_manage_team(actor, team, parent=parent),
        "staff, or the lead of the team (or of the team above it)",
        what,
        field="id",
    )


def may_manage_component(actor: Actor, owners: list[Team | None]) -> bool:
    """``owners``: the owning team before and after the change; leading either is enough."""
    return actor.staff or any(leads(actor, t) for t in owners if t is not None)


def require_component_change(actor: Actor, owners: list[Team | None], what: str) -> None:
    require(
        may_manage_component(actor, owners),
        "staff, or the lead of the owning team",
        what,
        field="owner",
    )


def require_staff(actor: Actor, what: str) -> None:
    require(actor.staff, "staff", what)


def acting(who: Actor | Person | str | None) -> tuple[Actor, Person]:
    """The actor and their directory entry, for writes that name who did them.
    Raises ValidationFailed when the actor is no person."""
    from sunrelay.core.errors import ValidationFailed

    actor = actor_of(who)
    found = who if isinstance(who, Person) else Person.objects.filter(slug=actor.person).first()
    if found is None:
        raise ValidationFailed("this needs a person in the directory to act as", field="actor")
    return actor, found
