"""Roster reads: the final shifts of a schedule, who is on call, fairness, the on-call page and
each person's shifts in their calendar feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings

from sunrelay.cadence import feeds
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.integrations.ics import FeedEvent
from sunrelay.oncall import agreement, config, logic, roster
from sunrelay.oncall.models import OnCallSchedule, Override
from sunrelay.oncall.service import get_schedule, spec_of
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Person
from sunrelay.worktime import Schedule, epoch, from_epoch

MAX_RANGE = timedelta(days=400)
ROSTER_SPAN = timedelta(days=32)  # what one kept roster covers: a chart's month from today


def _range(start: datetime, end: datetime) -> tuple[int, int]:
    if end <= start:
        raise ValidationFailed("'to' must be after 'from'", field="to")
    if end - start > MAX_RANGE:
        raise ValidationFailed("ask for at most 400 days at a time", field="to")
    return epoch(start), epoch(end)


def compute(schedule: OnCallSchedule, start: datetime, end: datetime) -> roster.Roster:
    """The final roster in [start, end): layers, overrides, follow-the-sun coverage."""
    return compute_many([schedule], start, end)[schedule.slug]


def compute_many(
    schedules: list[OnCallSchedule], start: datetime, end: datetime
) -> dict[str, roster.Roster]:
    """``compute`` for several schedules with one read of their overrides (and one of each
    follow-the-sun team, whose members' working hours decide who holds the pager), so a page
    of many schedules costs a few queries.

    Within the next month, each schedule's roster is computed once a day for the 32 days from
    midnight UTC and kept with the set-up's read model (oncall.config), which every change to
    a schedule, override, team, person or absence replaces; each question is cut from it."""
    a, b = _range(start, end)
    kept = config.setup()
    day = start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if kept is None or start < kept.overrides_from or end > day + ROSTER_SPAN:
        return _compute_many(schedules, start, end)
    stored = [s for s in schedules if _same(kept.schedules.get(s.slug), s)]
    # the memo is shared by the process's threads: single dict operations only, and the
    # answer built from what this call found or computed (another may prune meanwhile)
    memo = kept.rosters
    held = {s.slug: memo.get((s.slug, day)) for s in stored}
    missing = [s for s in stored if held[s.slug] is None]
    if missing:
        for old in [k for k in list(memo) if k[1] < day]:  # yesterday's: never asked again
            memo.pop(old, None)
        for slug, computed in _compute_many(missing, day, day + ROSTER_SPAN).items():
            memo[(slug, day)] = held[slug] = computed
    out = {slug: found.clip(a, b) for slug, found in held.items() if found is not None}
    others = [s for s in schedules if s.slug not in out]  # not as stored: an edit not saved
    return out | (_compute_many(others, start, end) if others else {})


def _same(kept: OnCallSchedule | None, asked: OnCallSchedule) -> bool:
    return kept is not None and (kept.pk, kept.layers, kept.timezone, kept.team_id) == (
        asked.pk, asked.layers, asked.timezone, asked.team_id)  # fmt: skip


def _compute_many(
    schedules: list[OnCallSchedule], start: datetime, end: datetime
) -> dict[str, roster.Roster]:
    a, b = _range(start, end)
    specs_ = {s.slug: spec_of(s) for s in schedules}
    overrides = _overrides(schedules, start, end)
    hours: dict[str, Schedule] = {}
    units: dict[str, list[tuple[str, list[str]]]] = {}
    for team in {layer.team for spec in specs_.values() for layer in spec.layers if layer.team}:
        team_dir = people_queries.load_directory(team=team)
        if team not in team_dir.teams:  # removed since the schedule was written: a gap
            units[team] = []
            continue
        units[team] = team_dir.units(team)
        hours |= team_dir.schedules()
    named = {p for spec in specs_.values() for p in spec.people()}
    named |= {o.person for found in overrides.values() for o in found}
    away = people_queries.away(named, start, end)
    return {
        s.slug: roster.compute(
            specs_[s.slug],
            a,
            b,
            overrides=overrides[s.pk],
            units=units,
            schedules=hours,
            away=away,
            cover_next=agreement.covers_next(s.team.agreement if s.team else None),
        )
        for s in schedules
    }


def _overrides(
    schedules: list[OnCallSchedule], start: datetime, end: datetime
) -> dict[int, list[roster.Override]]:
    """Each schedule's overrides that overlap [start, end): from the read model when it reaches
    back that far, else one query."""
    kept = config.setup()
    if kept is not None and start >= kept.overrides_from:
        return {
            s.pk: [o for o, o_start, o_end in kept.overrides.get(s.pk, ()) if o_end > start
                   and o_start < end]
            for s in schedules
        }  # fmt: skip
    overrides: dict[int, list[roster.Override]] = {s.pk: [] for s in schedules}
    found = Override.objects.filter(schedule__in=schedules, end__gt=start, start__lt=end)
    rows = found.values_list("schedule_id", "person__slug", "start", "end", "replaces__slug")
    for schedule_id, person, o_start, o_end, replaces in rows:
        overrides[schedule_id].append(
            roster.Override(person, epoch(o_start), epoch(o_end), replaces)
        )
    return overrides


def who(slug: str, at: datetime) -> list[str]:
    """Ids of the people on call for the schedule at ``at`` (empty in a gap)."""
    kept = config.setup()
    schedule = kept.schedules.get(slug) if kept else None
    return compute(schedule or get_schedule(slug), at, at + timedelta(seconds=1)).on_call(epoch(at))


def fairness(
    slug: str, start: datetime, end: datetime, computed: roster.Roster | None = None
) -> logic.Fairness:
    """Hours on call per person and month in [start, end), and the regional warning; pass the
    roster of that range when it is at hand."""
    found = computed or compute(get_schedule(slug), start, end)
    ids = sorted({s.person for s in found.shifts})
    directory = people_queries.load_directory(ids)
    return logic.fairness(found.shifts, directory.schedules(), epoch(start), epoch(end))


@dataclass(frozen=True)
class OnCallNow:
    schedule: OnCallSchedule
    people: list[Person]
    until: datetime | None  # when the current shift of the first of them ends
    gap_until: datetime | None  # in a gap: when someone is next on call


def on_call_now(at: datetime | None = None, *, teams: set[int] | None = None) -> list[OnCallNow]:
    """Every schedule (or those of ``teams``, by id) with whoever holds it now, for the
    on-call page and My day."""
    at = at or clock.now()
    found = OnCallSchedule.objects.select_related("team")
    if teams is not None:
        found = found.filter(team__in=teams)
    schedules = list(found)
    rosters = compute_many(schedules, at, at + timedelta(days=14))
    now = epoch(at)
    current = {
        slug: [s for s in found.shifts if s.start <= now < s.end] for slug, found in rosters.items()
    }
    ids = {s.person for shifts in current.values() for s in shifts}
    persons = {p.slug: p for p in Person.objects.filter(slug__in=ids)}
    out = []
    for schedule in schedules:
        shifts = current[schedule.slug]
        until = from_epoch(min(s.end for s in shifts)) if shifts else None
        upcoming = [s.start for s in rosters[schedule.slug].shifts if s.start > now]
        gap_until = None if shifts or not upcoming else from_epoch(min(upcoming))
        people = [persons[p] for p in sorted({s.person for s in shifts}) if p in persons]
        out.append(OnCallNow(schedule, people, until, gap_until))
    return out


# -- calendar feeds ------------------------------------------------------------------------------


def shift_events(person: Person, start: datetime, end: datetime) -> list[FeedEvent]:
    """The person's on-call shifts in every schedule, for their calendar feed. A shift cut by
    the feed's start is named by its end, so its UID stays the same from one day to the next."""
    events = []
    schedules = list(OnCallSchedule.objects.select_related("team"))
    rosters = compute_many(schedules, start, end)
    for schedule in schedules:
        for seg in rosters[schedule.slug].shifts:
            if seg.person != person.slug:
                continue
            anchor = seg.start if seg.start > epoch(start) else f"until{seg.end}"
            events.append(
                FeedEvent(
                    uid=f"oncall-{schedule.slug}-{anchor}-{person.slug}@sunrelay",
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
