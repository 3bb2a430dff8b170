"""Who may change the directory (docs/permissions.md).

- People, teams and components: staff (and operators: the org file, write tokens, the CLI).
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
