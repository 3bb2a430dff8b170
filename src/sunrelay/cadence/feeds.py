"""Private calendar feeds (.ics) per person and per team: rituals, status due times and what
other domains register (on-call shifts)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from sunrelay.cadence import logic, permissions, rituals, status
from sunrelay.cadence.errors import FeedNotFound
from sunrelay.cadence.models import Feed, Ritual
from sunrelay.core import clock
from sunrelay.core.permissions import Actor
from sunrelay.integrations.ics import FeedEvent, render
from sunrelay.people.models import Person, Team
from sunrelay.people.permissions import actor_of

PAST, AHEAD = timedelta(days=30), timedelta(days=180)
WEEKS_AHEAD = 8

# Other domains add a person's events to their feed (on-call shifts) without the cadence
# importing them: each source gives the person's events in [start, end).
Source = Callable[[Person, datetime, datetime], list[FeedEvent]]
SOURCES: list[Source] = []


def register_source(source: Source) -> None:
    if source not in SOURCES:
        SOURCES.append(source)


def feed_for(owner: Person | Team) -> Feed:
    """The owner's feed, made on first use."""
    field = "person" if isinstance(owner, Person) else "team"
    with transaction.atomic():
        found = Feed.objects.filter(**{field: owner}).first()
        if found is None:
            found = Feed.objects.create(
                token=secrets.token_urlsafe(32), created_at=clock.now(), **{field: owner}
            )
    return found


def renew(owner: Person | Team, by: Actor | Person | str | None = None) -> Feed:
    """A new private URL; the old one stops working at once. Raises PermissionDenied."""
    permissions.require_feed_renewal(actor_of(by), owner)
    with transaction.atomic():
        feed = feed_for(owner)
        feed.token = secrets.token_urlsafe(32)
        feed.save()
    return feed


def url(feed: Feed) -> str:
    return f"{settings.SUNRELAY_URL}/cadence/calendar/{feed.token}.ics"


def _ritual_events(found: list[Ritual], start: datetime, end: datetime) -> list[FeedEvent]:
    events = []
    for ritual in found:
        for planned in rituals.agenda(ritual, start, end):
            summary = ritual.title + (f" ({ritual.team.name})" if ritual.team else "")
            notes = planned.occurrence.agenda if planned.occurrence else ritual.description
            events.append(
                FeedEvent(
                    uid=f"ritual-{ritual.pk}-{planned.start:%Y%m%dT%H%M%SZ}@sunrelay",
                    summary=summary,
                    start=planned.start,
                    end=planned.end,
                    timezone=ritual.timezone,
                    description=notes,
                    url=f"{settings.SUNRELAY_URL}/cadence/rituals/{ritual.pk}/",
                )
            )
    return events


def _due_events(person: Person, weeks: list[str]) -> list[FeedEvent]:
    rule = status.person_rule(person)
    return [
        FeedEvent(
            uid=f"status-due-{person.slug}-{week}@sunrelay",
            summary=f"Weekly update due ({week})",
            start=(due := logic.due_instant(rule, week, person.timezone)),
            end=due + timedelta(minutes=15),
            timezone=person.timezone,
            url=f"{settings.SUNRELAY_URL}/cadence/status/new/?week={week}",
        )
        for week in weeks
    ]


def calendar(token: str) -> bytes:
    """The feed's calendar, from a month ago to six months ahead. Raises FeedNotFound."""
    feed = Feed.objects.select_related("person", "team").filter(token=token).first()
    if feed is None:
        raise FeedNotFound("no calendar at this address (it may have been renewed)", field="token")
    now = clock.now()
    start, end = now - PAST, now + AHEAD
    first_week = logic.week_of((now - timedelta(days=7)).date())
    weeks = [logic.shift_week(first_week, k) for k in range(WEEKS_AHEAD + 1)]
    if feed.person is not None:
        person = feed.person
        events = _ritual_events(list(rituals.rituals_for(person)), start, end)
        if person.teams.exists():
            events += _due_events(person, weeks)
        for source in SOURCES:
            events += source(person, start, end)
        name = f"Sunrelay: {person.name}"
    else:
        assert feed.team is not None
        events = _ritual_events(list(feed.team.rituals.select_related("team")), start, end)
        name = f"Sunrelay: {feed.team.name}"
    return render(name, events, stamp=now)
