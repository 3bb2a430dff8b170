"""Safety nets: anyone raises a concern about a team, of a category and a severity; it goes
along the category's route, each person with a deadline in their own working time; nobody
acknowledging climbs the route; acknowledged but not acted on in time is flagged and told to
the next on the route ("alerts that go nowhere teach people to stop alerting"). A category
the agreement allows may be raised anonymously, and then nothing stores who raised it.

Raises ValidationFailed (naming the field), TeamNotFound, ConcernNotFound, PermissionDenied,
Conflict (already acknowledged or acted on)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from sunrelay.cadence import status
from sunrelay.core import clock
from sunrelay.core.errors import Conflict, NotFound, ValidationFailed
from sunrelay.core.permissions import Actor, require
from sunrelay.core.removal import LEFT
from sunrelay.health.concerns_logic import CATEGORIES, SEVERITIES, Route, routes
from sunrelay.health.models import Concern, ConcernStep
from sunrelay.notify import service as notify
from sunrelay.people import delegation
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team
from sunrelay.people.permissions import actor_of
from sunrelay.work.capacity import manager_of


class ConcernNotFound(NotFound):
    code = "concern_not_found"


def route_of(team: Team, category: str) -> Route:
    return routes(*people_queries.agreements(team))[category]


def _person(team: Team, token: str) -> Person | None:
    if token == "lead":
        return team.lead
    if token == "manager":
        return manager_of(team)
    return Person.objects.filter(slug=token).first()


def _ask(concern: Concern, route: Route, level: int, now: datetime) -> bool:
    """Ask the route's person at ``level`` (their delegate while they are away, never the
    raiser). False when the route has nobody left."""
    while level < len(route.route):
        person = delegation.stand_in(_person(concern.team, route.route[level]), "escalations", now)
        due = (
            people_queries.due_in_working_time(person.slug, now, route.within)
            if person is not None
            else None
        )
        if person is None or due is None or person == concern.raised_by:
            level += 1
            continue
        ConcernStep.objects.create(
            concern=concern, person=person, level=level, asked_at=now, due_at=due
        )
        concern.level, concern.due_at = level, due
        notify.send(
            person,
            "health.concern",
            f"A {concern.severity} {concern.category} concern about {concern.team.name}: "
            f"acknowledge by {due:%a %d %b %H:%M} UTC",
            concern.text,
            url=f"/org-health/concerns/{concern.pk}/",
            key=f"health.concern:{concern.pk}:{level}:{person.slug}",
        )
        return True
    concern.level, concern.due_at = level, None
    return False


def raise_concern(
    team_slug: str,
    actor: Actor | Person | str | None,
    category: str,
    severity: str,
    text: str,
    *,
    anonymous: bool = False,
) -> Concern:
    """A concern about a team, routed at once."""
    if category not in CATEGORIES:
        raise ValidationFailed(f"category must be one of {', '.join(CATEGORIES)}", field="category")
    if severity not in SEVERITIES:
        raise ValidationFailed(f"severity must be one of {', '.join(SEVERITIES)}", field="severity")
    if not text.strip():
        raise ValidationFailed("say what the concern is", field="text")
    who = actor_of(actor)
    person = Person.objects.filter(slug=who.person).first() if who.person else None
    if person is None:
        raise ValidationFailed(
            "a concern needs someone in the directory to raise it", field="actor"
        )
    with transaction.atomic():
        team = people.get_team(team_slug)
        route = route_of(team, category)
        if anonymous and not route.anonymous:
            raise ValidationFailed(
                f"{category} concerns cannot be raised anonymously in {team.slug}'s agreement",
                field="anonymous",
            )
        now = clock.now()
        concern = Concern.objects.create(
            team=team,
            category=category,
            severity=severity,
            text=text.strip(),
            raised_by=None if anonymous else person,
            anonymous=anonymous,
            raised_at=now,
        )
        _ask(concern, route, 0, now)
        concern.save()
    return concern


def get_concern(pk: int) -> Concern:
    found = (
        Concern.objects.select_related("team", "raised_by", "acknowledged_by").filter(pk=pk).first()
    )
    if found is None:
        raise ConcernNotFound(f"no concern {pk}", field="concern")
    return found


def may_read(actor: Actor, concern: Concern) -> bool:
    """Those it was routed to, whoever raised it (when they are on record), staff."""
    if actor.staff:
        return True
    if actor.person is None:
        return False
    if concern.raised_by is not None and actor.is_person(concern.raised_by.slug):
        return True
    return concern.steps.filter(person__slug=actor.person).exists()


def require_read(actor: Actor, concern: Concern) -> None:
    require(
        may_read(actor, concern),
        "those it was routed to, its raiser or staff",
        f"read concern {concern.pk}",
        field="concern",
    )


def _require_routed(actor: Actor, concern: Concern, what: str) -> Person:
    routed = actor.person is not None and concern.steps.filter(person__slug=actor.person).exists()
    require(
        actor.staff or routed,
        "those it was routed to or staff",
        f"{what} concern {concern.pk}",
        field="actor",
    )
    found = Person.objects.filter(slug=actor.person).first() if actor.person else None
    if found is None:
        raise ValidationFailed("this needs a person in the directory", field="actor")
    return found


def acknowledge(pk: int, actor: Actor | Person | str | None) -> Concern:
    with transaction.atomic():
        get_concern(pk)
        concern = Concern.objects.select_for_update().select_related("team").get(pk=pk)
        person = _require_routed(actor_of(actor), concern, "acknowledge")
        if concern.acknowledged_at is not None:
            raise Conflict(f"concern {pk} was already acknowledged", field="concern")
        now = clock.now()
        route = route_of(concern.team, concern.category)
        concern.acknowledged_by, concern.acknowledged_at = person, now
        concern.act_due_at = people_queries.due_in_working_time(person.slug, now, route.act_within)
        concern.save()
    return concern


def act(pk: int, actor: Actor | Person | str | None, action: str) -> Concern:
    if not action.strip():
        raise ValidationFailed("say what was done", field="action")
    with transaction.atomic():
        get_concern(pk)
        concern = (
            Concern.objects.select_for_update(of=("self",))
            .select_related("team", "raised_by")
            .get(pk=pk)
        )
        person = _require_routed(actor_of(actor), concern, "act on")
        if concern.acted_at is not None:
            raise Conflict(f"concern {pk} was already acted on", field="concern")
        now = clock.now()
        if concern.acknowledged_at is None:
            concern.acknowledged_by, concern.acknowledged_at = person, now
        concern.acted_at, concern.action = now, action.strip()
        concern.save()
        if concern.raised_by is not None:
            notify.send(
                concern.raised_by,
                "health.concern_acted",
                f"Your concern about {concern.team.name} was acted on",
                concern.action,
                url=f"/org-health/concerns/{concern.pk}/",
                key=f"health.concern_acted:{concern.pk}",
            )
    return concern


def escalate(now: datetime | None = None) -> tuple[int, int]:
    """Unacknowledged past the deadline: the next on the route is asked. Acknowledged and not
    acted on in time: flagged, and the next on the route told once. Returns (climbed, flagged)."""
    now = now or clock.now()
    climbed = flagged = 0
    for concern in Concern.objects.filter(acknowledged_at=None, due_at__lte=now).select_related(
        "team"
    ):
        with transaction.atomic():
            locked = (
                Concern.objects.select_for_update(of=("self",))
                .select_related("team", "raised_by")
                .get(pk=concern.pk)
            )
            if locked.acknowledged_at is not None or locked.due_at is None or locked.due_at > now:
                continue
            locked.steps.filter(level=locked.level).update(missed=True)
            _ask(locked, route_of(locked.team, locked.category), locked.level + 1, now)
            locked.save()
            climbed += 1
    late = Concern.objects.filter(acted_at=None, flagged_at=None, act_due_at__lte=now)
    for concern in late.select_related("team", "acknowledged_by"):
        with transaction.atomic():
            if not Concern.objects.filter(pk=concern.pk, flagged_at=None).update(flagged_at=now):
                continue  # another worker flagged it
            _tell_above(concern, now)
            flagged += 1
    return climbed, flagged


def _tell_above(concern: Concern, now: datetime) -> None:
    """Acknowledged and not acted on in time: the next on the route hears, once."""
    route = route_of(concern.team, concern.category)
    for token in route.route[concern.level + 1 :]:
        person = delegation.stand_in(_person(concern.team, token), "escalations", now)
        if person is None or person == concern.raised_by:
            continue
        who = concern.acknowledged_by.name if concern.acknowledged_by else "someone"
        notify.send(
            person,
            "health.concern_flagged",
            f"A {concern.category} concern about {concern.team.name} was acknowledged by "
            f"{who} but not acted on in time",
            concern.text,
            url=f"/org-health/concerns/{concern.pk}/",
            key=f"health.concern_flagged:{concern.pk}:{person.slug}",
        )
        ConcernStep.objects.get_or_create(
            concern=concern,
            person=person,
            level=concern.level + 1,
            defaults={"asked_at": now, "due_at": now},
        )
        return


def escalate_items(now: datetime | None = None) -> int:
    """Risks and asks from weekly updates that sat past their due time climb the team's
    ``project-risk`` route, a step at a time, each next person with the route's period in
    their own working time. Returns how many climbed."""
    now = now or clock.now()
    climbed = 0
    for item in status.overdue_items(now):
        if item.team is None:
            continue
        route = route_of(item.team, "project-risk")
        person, level = None, item.escalated
        while level < len(route.route) and person is None:
            found = delegation.stand_in(_person(item.team, route.route[level]), "escalations", now)
            person = found if found is not None and found != item.owner else None
            level += 1
        due = (
            people_queries.due_in_working_time(person.slug, now, route.within)
            if person is not None
            else None
        )
        status.climb_item(item.pk, due)
        if person is not None:
            age = (now - item.raised_at).days
            notify.send(
                person,
                "health.item_escalated",
                f"An open {item.kind} of {item.team.name} has waited {age} days: {item.text[:80]}",
                f"Owner: {item.owner.name if item.owner else LEFT}. Raised in a weekly update.",
                url=f"/cadence/teams/{item.team.slug}/risks/",
                key=f"health.item_escalated:{item.pk}:{item.escalated}",
            )
        climbed += 1
    return climbed


@dataclass(frozen=True)
class Rates:
    raised: int
    acknowledged: int
    acted: int
    flagged: int

    def share(self, n: int) -> float | None:
        return round(n / self.raised, 3) if self.raised else None


def rates(team: Team) -> Rates:
    found = Concern.objects.filter(team=team)
    return Rates(
        found.count(),
        found.exclude(acknowledged_at=None).count(),
        found.exclude(acted_at=None).count(),
        found.exclude(flagged_at=None).count(),
    )


def visible(actor: Actor, team: str | None = None) -> Sequence[Concern]:
    """The concerns the actor may read, newest first."""
    found = Concern.objects.select_related("team", "raised_by", "acknowledged_by")
    if team:
        found = found.filter(team__slug=team)
    if not actor.staff:
        found = found.filter(
            Q(steps__person__slug=actor.person) | Q(raised_by__slug=actor.person)
        ).distinct()
    return list(found[:200])
