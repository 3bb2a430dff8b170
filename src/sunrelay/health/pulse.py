"""The pulse: three questions a week — clarity, autonomy, sustainable pace, 1 to 5, with an
optional comment — answered anonymously by a team's members. Results show only once at least
``agreement.pulse.min_group`` people (default 5) answered that week, so nobody's answer can be
read off a small group; the trend is one of the operating state's signals."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from sunrelay.cadence.logic import shift_week
from sunrelay.core.errors import Conflict, ValidationFailed
from sunrelay.core.permissions import Actor, require
from sunrelay.health.models import PulseAnswer, PulseTaken
from sunrelay.health.weeks import check_week, current_week
from sunrelay.notify import service as notify
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team
from sunrelay.people.permissions import actor_of, leads

QUESTIONS = ("clarity", "autonomy", "pace")
DEFAULT_MIN_GROUP = 5


def min_group(team: Team) -> int:
    for agreement in people_queries.agreements(team):
        found = ((agreement or {}).get("pulse") or {}).get("min_group")
        if isinstance(found, int) and not isinstance(found, bool) and found >= 3:
            return found
    return DEFAULT_MIN_GROUP


def _score(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationFailed("answer from 1 to 5", field=field)
    return value


def answer(
    team_slug: str,
    actor: Actor | Person | str | None,
    *,
    clarity: int,
    autonomy: int,
    pace: int,
    comment: str = "",
    week: str | None = None,
) -> None:
    """One member's answer for the week, kept apart from the fact that they answered.
    Raises ValidationFailed, TeamNotFound, PermissionDenied (not a member), Conflict (already
    answered this week)."""
    scores = {"clarity": _score(clarity, "clarity"), "autonomy": _score(autonomy, "autonomy")}
    scores["pace"] = _score(pace, "pace")
    who = actor_of(actor)
    person = Person.objects.filter(slug=who.person).first() if who.person else None
    week = check_week(week) if week else current_week()
    with transaction.atomic():
        team = people.get_team(team_slug)
        member = person is not None and team.members.filter(pk=person.pk).exists()
        require(member, f"{team.slug}'s members", f"answer {team.slug}'s pulse", field="team")
        assert person is not None  # a member is a person
        try:
            with transaction.atomic():
                PulseTaken.objects.create(team=team, person=person, week=week)
        except IntegrityError:
            raise Conflict(
                f"you already answered {team.slug}'s pulse for {week}", field="week"
            ) from None
        PulseAnswer.objects.create(team=team, week=week, comment=comment.strip()[:1000], **scores)


@dataclass(frozen=True)
class Result:
    week: str
    answers: int
    shown: bool  # enough answers to show anything
    means: dict[str, float] | None
    comments: list[str]

    def score(self) -> float | None:
        """The three means on 0..1 (1 best), when shown."""
        if not self.shown or not self.means:
            return None
        return round((sum(self.means.values()) / len(self.means) - 1) / 4, 3)


def results(team: Team, week: str) -> Result:
    rows = list(PulseAnswer.objects.filter(team=team, week=week))
    if len(rows) < min_group(team):
        return Result(week, len(rows), False, None, [])
    means = {q: round(sum(getattr(r, q) for r in rows) / len(rows), 2) for q in QUESTIONS}
    comments = [r.comment for r in rows if r.comment]
    random.shuffle(comments)  # no order to read anything from
    return Result(week, len(rows), True, means, comments)


def trend(team: Team, week: str, weeks: int = 8) -> list[Result]:
    return [results(team, shift_week(week, -k)) for k in reversed(range(weeks))]


def may_see(actor: Actor, team: Team) -> bool:
    """A team's own results: its members, its lead (or above), staff."""
    if actor.staff or leads(actor, team):
        return True
    return actor.person is not None and team.members.filter(slug=actor.person).exists()


def invite(week: str | None = None) -> int:
    """Ask every team's members for this week's pulse, once. Returns how many were asked."""
    week = week or current_week()
    count = 0
    for team in Team.objects.prefetch_related("members"):

        def key(p: Person, slug: str = team.slug) -> str:
            return f"health.pulse:{slug}:{week}:{p.slug}"

        count += notify.send_many(
            team.members.all(),
            "health.pulse",
            f"{team.name}: this week's pulse (three questions, anonymous)",
            "Clarity, autonomy, sustainable pace: 1 to 5. Results show once "
            f"{min_group(team)} people have answered.",
            url=f"/org-health/pulse/{team.slug}/",
            key=key,
        )
    return count
