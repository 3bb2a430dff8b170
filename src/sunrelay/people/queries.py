"""Reads of the directory shaped for pages and time questions."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from sunrelay.people.logic import Directory
from sunrelay.people.models import Absence, Component, Person, Team


def load_directory(people: Iterable[str] | None = None) -> Directory:
    """A Directory with all teams and the named people (everyone when ``people`` is None)."""
    persons = Person.objects.all()
    absences = Absence.objects.select_related("person")
    if people is not None:
        wanted = list(people)
        persons = persons.filter(slug__in=wanted)
        absences = absences.filter(person__slug__in=wanted)
    teams = Team.objects.select_related("lead", "successor", "parent").prefetch_related("members")
    return Directory(
        [p.spec() for p in persons], [t.spec() for t in teams], [a.spec() for a in absences]
    )


def search_people(text: str = "") -> QuerySet[Person]:
    found = Person.objects.all()
    if text := text.strip():
        found = found.filter(
            Q(slug__icontains=text)
            | Q(name__icontains=text)
            | Q(email__icontains=text)
            | Q(timezone__icontains=text)
        )
    return found


def teams_overview() -> QuerySet[Team]:
    return (
        Team.objects.select_related("lead", "parent").prefetch_related("members").order_by("slug")
    )


def components_overview() -> QuerySet[Component]:
    return Component.objects.select_related("owner", "dri").prefetch_related("maintainers")
