"""Roster reads: the final shifts of a schedule, who is on call, fairness, the on-call page and
each person's shifts in their calendar feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from sunrelay.cadence import feeds
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.integrations.ics import FeedEvent
from sunrelay.oncall import logic, roster
from sunrelay.oncall.models import OnCallSchedule
from sunrelay.oncall.service import get_schedule, spec_of
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Person
from sunrelay.worktime import epoch, from_epoch

MAX_RANGE = timedelta(days=400)


def _range(start: datetime, end: datetime) -> tuple[int, int]:
    if end <= start:
        raise ValidationFailed("'to' must be after 'from'", field="to")
    if end - start > MAX_RANGE:
        raise ValidationFailed("ask for at most 400 days at a time", field="to")
    return epoch(start), epoch(end)


def compute(schedule: OnCallSchedule, start: datetime, end: datetime) -> roster.Roster:
    """The final roster in [start, end): layers, overrides, follow-the-sun coverage."""
    a, b = _range(start, end)
    spec = spec_of(schedule)
    overrides = list(
        schedule.overrides.filter(end__gt=start, start__lt=end).select_related("person", "replaces")
    )
    wanted = set(spec.people()) | {o.person.slug for o in overrides}
    units: dict[str, list[tuple[str, list[str]]]] = {}
    directory = people_queries.load_directory(wanted)
    schedules = directory.schedules()
    for team in {layer.team for layer in spec.layers if layer.team}:
        team_dir = people_queries.load_directory(team=team)
        units[team] = team_dir.units(team)
        schedules |= team_dir.schedules()
    return roster.compute(
        spec,
        a,
        b,
        overrides=[
            roster.Override(
                o.person.slug,
                epoch(o.start),
                epoch(o.end),
                o.replaces.slug if o.replaces else None,
            )
            for o in overrides
        ],
        units=units,
        schedules=schedules,
    )


def who(slug: str, at: datetime) -> list[str]:
    """Ids of the people on call for the schedule at ``at`` (empty in a gap)."""
    return compute(get_schedule(slug), at, at + timedelta(seconds=1)).on_call(epoch(at))


def fairness(slug: str, start: datetime, end: datetime) -> logic.Fairness:
    schedule = get_schedule(slug)
    found = compute(schedule, start, end)
    ids = sorted({s.person for s in found.shifts})
    directory = people_queries.load_directory(ids)
    return logic.fairness(found.shifts, directory.schedules(), epoch(start), epoch(end))


@dataclass(frozen=True)
class OnCallNow:
    schedule: OnCallSchedule
    people: list[Person]
    until: datetime | None  # when the current shift of the first of them ends
    gap_until: datetime | None  # in a gap: when someone is next on call


def on_call_now(at: datetime | None = None) -> list[OnCallNow]:
    """Every schedule with whoever holds it now, for the on-call page."""
    at = at or clock.now()
    out = []
    for schedule in OnCallSchedule.objects.select_related("team"):
        found = compute(schedule, at, at + timedelta(days=14))
        current = [s for s in found.shifts if s.start <= epoch(at) < s.end]
        ids = sorted({s.person for s in current})
        persons = sorted(Person.objects.filter(slug__in=ids), key=lambda p: p.slug)
        until = from_epoch(min(s.end for s in current)) if current else None
        upcoming = [s.start for s in found.shifts if s.start > epoch(at)]
        gap_until = None if current or not upcoming else from_epoch(min(upcoming))
        out.append(OnCallNow(schedule, persons, until, gap_until))
    return out


# -- calendar feeds ------------------------------------------------------------------------------


def shift_events(person: Person, start: datetime, end: datetime) -> list[FeedEvent]:
    """The person's on-call shifts in every schedule, for their calendar feed."""
    events = []
    for schedule in OnCallSchedule.objects.select_related("team"):
        for seg in compute(schedule, start, end).shifts:
            if seg.person != person.slug:
                continue
            events.append(
                FeedEvent(
                    uid=f"oncall-{schedule.slug}-{seg.start}-{person.slug}@sunrelay",
                    summary=f"On call: {schedule.name}",
                    start=from_epoch(seg.start),
                    end=from_epoch(seg.end),
                    timezone=person.timezone,
                    description=f"Layer: {seg.layer}",
                    url=f"{settings.SUNRELAY_URL}/oncall/schedules/{schedule.slug}/",
                )
            )
    return events


feeds.register_source(shift_events)
