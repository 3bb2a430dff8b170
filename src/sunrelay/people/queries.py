"""Reads of the directory shaped for pages and time questions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Count, Q, QuerySet

from sunrelay.core import revisions
from sunrelay.people import revisions as people_revisions
from sunrelay.people.errors import NotLinked
from sunrelay.people.logic import AbsenceSpec, Directory, PersonSpec, TeamSpec, absence_instants
from sunrelay.people.models import Absence, Component, Organization, Person, Team
from sunrelay.worktime import NoWorkingTime, Period, deadline, usual_day

T = TypeVar("T")


def _team_tree(slug: str) -> list[Team]:
    """The team and every pod below it (empty when there is no such team)."""
    found: list[Team] = []
    frontier = list(Team.objects.filter(slug=slug))
    seen: set[int] = set()
    while frontier:
        found.extend(t for t in frontier if t.pk not in seen)
        seen.update(t.pk for t in frontier)
        frontier = list(Team.objects.filter(parent__in=frontier).exclude(pk__in=seen))
    return found


@dataclass(frozen=True)
class _Whole:
    """Everyone, every team and every absence: the read model one process keeps."""

    people: dict[str, PersonSpec]
    teams: dict[str, TeamSpec]
    pods: dict[str, list[str]]  # team -> the teams directly below it
    absences: dict[str, list[AbsenceSpec]]
    derived: dict[str, Any] = field(default_factory=dict)  # see ``remembered``


def _build_whole() -> _Whole:
    teams = Team.objects.select_related("lead", "successor", "parent").prefetch_related("members")
    team_specs = {t.slug: t.spec() for t in teams}
    pods: dict[str, list[str]] = {}
    for spec in team_specs.values():
        if spec.parent:
            pods.setdefault(spec.parent, []).append(spec.id)
    absences: dict[str, list[AbsenceSpec]] = {}
    for a in Absence.objects.select_related("person"):
        absences.setdefault(a.person.slug, []).append(a.spec())
    people = {p.slug: p.spec() for p in Person.objects.all()}
    return _Whole(people, team_specs, pods, absences)


DIRECTORY = revisions.Cached(people_revisions.NAME, _build_whole)


def _whole() -> _Whole | None:
    """The read model; inside a transaction only when it is already up to date (None: read
    the ORM)."""
    return DIRECTORY.held() if connection.in_atomic_block else DIRECTORY.get()


def remembered(key: str, make: Callable[[], T]) -> T:
    """``make()``, which reads only the directory, kept with the read model until the
    directory changes (a page's 5,000-person select, rendered once)."""
    whole = _whole()
    if whole is None:
        return make()
    if key not in whole.derived:
        whole.derived[key] = make()
        if revisions.FREEZE:  # kept as long as the read model: out of the collector's way too
            revisions.settle()
    return whole.derived[key]


def load_directory(people: Iterable[str] | None = None, *, team: str | None = None) -> Directory:
    """A Directory with just what a question needs: the named people, or everyone in ``team``
    and its pods, or (with neither) everyone and no teams.

    It is cut from the read model this process keeps (rebuilt only after the directory
    changed: people.revisions), so a page costs one short query instead of reading thousands
    of rows; inside a transaction that finds it out of date, it reads just what it needs from
    the ORM."""
    whole = _whole()
    if whole is None:
        return _read_directory(people, team=team)
    wanted: set[str] | None = None if people is None else set(people)
    team_specs: list[TeamSpec] = []
    if team is not None:
        tree, frontier = [], [team] if team in whole.teams else []
        while frontier:
            tree += [t for t in frontier if t not in tree]
            frontier = [p for t in frontier for p in whole.pods.get(t, []) if p not in tree]
        team_specs = [whole.teams[t] for t in sorted(tree)]
        wanted = (wanted or set()) | {m for t in team_specs for m in t.members}
    ids = sorted(whole.people) if wanted is None else sorted(wanted & whole.people.keys())
    return Directory(
        [whole.people[p] for p in ids],
        team_specs,
        [a for p in ids for a in whole.absences.get(p, [])],
        schedules=whole.derived.setdefault("schedules", {}),
    )


def _read_directory(people: Iterable[str] | None = None, *, team: str | None = None) -> Directory:
    teams: list[Team] = []
    wanted: set[str] | None = None if people is None else set(people)
    if team is not None:
        teams = _team_tree(team)
        members = Person.objects.filter(teams__in=teams).values_list("slug", flat=True)
        wanted = (wanted or set()) | set(members)
        teams = list(
            Team.objects.filter(pk__in=[t.pk for t in teams])
            .select_related("lead", "successor", "parent")
            .prefetch_related("members")
        )
    persons = Person.objects.all()
    absences = Absence.objects.select_related("person")
    if wanted is not None:
        persons = persons.filter(slug__in=wanted)
        absences = absences.filter(person__slug__in=wanted)
    return Directory(
        [p.spec() for p in persons], [t.spec() for t in teams], [a.spec() for a in absences]
    )


def away(people: Iterable[str], start: datetime, end: datetime) -> dict[str, list[tuple[int, int]]]:
    """When each of ``people`` is away during [start, end), as epoch-second intervals: every
    absence is whole local days, from midnight of its first day to midnight after its last
    in the person's zone. People with no absence then are left out. From the read model, or
    one query."""
    wanted = set(people)
    if not wanted:
        return {}
    out: dict[str, list[tuple[int, int]]] = {}
    whole = _whole()
    if whole is not None:
        first_day, last_day = (start - timedelta(days=1)).date(), (end + timedelta(days=1)).date()
        for slug in wanted & whole.absences.keys():
            tz = whole.people[slug].timezone
            for a in whole.absences[slug]:
                if a.start <= last_day and a.end >= first_day:
                    out.setdefault(slug, []).append(absence_instants(tz, a.start, a.end))
        return out
    rows = Absence.objects.filter(
        person__slug__in=wanted,
        start__lte=(end + timedelta(days=1)).date(),
        end__gte=(start - timedelta(days=1)).date(),
    ).values_list("person__slug", "person__timezone", "start", "end")
    for slug, tz, first, last in rows:
        out.setdefault(slug, []).append(absence_instants(tz, first, last))
    return out


M = TypeVar("M", bound=Any)


def _matching(found: QuerySet[M], text: str, *fields: str) -> QuerySet[M]:
    """Rows where any of ``fields`` contains ``text`` (case-insensitive); all when empty."""
    if not (text := text.strip()):
        return found
    wanted = Q()
    for name in fields:
        wanted |= Q(**{f"{name}__icontains": text})
    return found.filter(wanted)


def due_in_working_time(slug: str, start: datetime, period: Period) -> datetime | None:
    """When ``period`` of the person's own working time (days of their usual length) has
    passed since ``start``, absences and holidays left out; None when they have no working
    time for years (a sabbatical): they cannot be asked."""
    directory = load_directory([slug])
    working = period.working_time(usual_day(directory.person(slug).working_hours))
    try:
        return deadline(directory.schedule(slug), start, working)
    except NoWorkingTime:
        return None


def agreements(team: Team) -> list[dict[str, Any]]:
    """The working agreements a team works by, nearest first: its own, the teams above it,
    then the organisation's default. A key is read from the first that declares it."""
    chain: list[dict[str, Any]] = []
    seen: set[int] = set()
    current: Team | None = team
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current.agreement or {})
        current = current.parent
    org = Organization.objects.first()
    chain.append(org.agreement if org else {})
    return chain


def search_people(text: str = "") -> QuerySet[Person]:
    return _matching(Person.objects.all(), text, "slug", "name", "email", "timezone")


def teams_overview() -> QuerySet[Team]:
    """Teams with their lead, parent and a member count, for listings."""
    return (
        Team.objects.select_related("lead", "parent")
        .annotate(member_count=Count("members"))
        .order_by("slug")
    )


def teams_with_members() -> QuerySet[Team]:
    return Team.objects.select_related("lead", "successor", "parent").prefetch_related("members")


def components_overview(text: str = "") -> QuerySet[Component]:
    """Components with their owner, DRI and maintainers; ``text`` matches the id, name,
    system or owning team."""
    found = Component.objects.select_related("owner", "dri").prefetch_related("maintainers")
    return _matching(found, text, "slug", "name", "system", "owner__slug", "owner__name")


def person_for_user(user: Any) -> Person | None:
    """The directory entry of a hub user: linked, else the same id, else the same email.
    Found once per request (the user object is the request's): the page and its frame ask."""
    if user is None or not user.is_authenticated:
        return None
    if (known := getattr(user, _FOUND, None)) is not None:
        return known
    found = Person.objects.filter(user=user).first()
    if found is None:
        found = Person.objects.filter(slug=user.get_username()).first()
    if found is None and user.email:
        found = Person.objects.filter(email__iexact=user.email).first()
    if found is not None:  # nobody yet: asked again, since the request may link someone
        setattr(user, _FOUND, found)
    return found


_FOUND = "_sunrelay_person"


def get_person_for_user(user: Any) -> Person:
    """``person_for_user`` for pages that act as someone. Raises NotLinked."""
    found = person_for_user(user)
    if found is None:
        raise NotLinked("your sign-in is not linked to a person in the directory")
    return found
