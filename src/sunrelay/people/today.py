"""The people around the viewer on the home page: who in their teams is working now, and
when the others start (in the viewer's zone, on the page); and the directory in the global
search."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from sunrelay.core import search, today
from sunrelay.people.models import Component, Person, Team
from sunrelay.people.queries import load_directory
from sunrelay.worktime import epoch, from_epoch

AHEAD = timedelta(days=8)  # far enough to find Monday's start from a Friday evening


def team_section(person: Person, now: datetime) -> today.Section:
    ids = sorted(
        set(Person.objects.filter(teams__in=person.teams.all()).values_list("slug", flat=True))
        - {person.slug}
    )
    directory = load_directory(ids)
    at = epoch(now)
    rows = []
    for slug in ids:
        spec = directory.person(slug)
        windows = directory.schedule(slug).windows(at, at + int(AHEAD.total_seconds()))
        url = f"/people/{slug}/"
        if windows and windows[0][0] <= at:
            rows.append((0, today.Item(spec.name, url, from_epoch(windows[0][1]), "working now",
                                       "until")))  # fmt: skip
        elif windows:
            rows.append((1, today.Item(spec.name, url, from_epoch(windows[0][0]), "", "starts")))
        else:
            rows.append((2, today.Item(spec.name, url, badge="away", detail="not this week")))
    items = [item for _, item in sorted(rows, key=lambda r: (r[0], r[1].at or now))]
    return today.Section(
        "team", "Your teams now", items, "You are in no team yet, or alone in it.", False, 60
    )


today.register(team_section)


def find(text: str, viewer: object, limit: int) -> list[search.Hit]:
    """People by id, name or email; teams and components by id or name."""
    people = Person.objects.filter(
        Q(slug__icontains=text) | Q(name__icontains=text) | Q(email__icontains=text)
    )
    teams = Team.objects.filter(Q(slug__icontains=text) | Q(name__icontains=text))
    components = Component.objects.filter(Q(slug__icontains=text) | Q(name__icontains=text))
    return (
        [search.Hit("person", p.name, f"/people/{p.slug}/", p.timezone) for p in people[:limit]]
        + [search.Hit("team", t.name, f"/teams/{t.slug}/", t.slug) for t in teams[:limit]]
        + [
            search.Hit("component", c.name, "/components/", c.slug)
            for c in components.select_related("owner")[:limit]
        ]
    )


search.register(find)
