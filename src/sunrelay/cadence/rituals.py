"""Rituals and 1:1s: recurring meetings on RFC 5545 rules, their occurrences (agenda, notes,
recording, owners), fair rotations for meetings nobody can hold in hours, office hours
placed for alternating regions, and the out-of-hours burden each person carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from sunrelay.cadence import logic, permissions
from sunrelay.cadence.errors import RitualNotFound
from sunrelay.cadence.models import Occurrence, Ritual
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Person
from sunrelay.people.permissions import actor_of
from sunrelay.worktime import (
    WEEKDAYS,
    Schedule,
    business_seconds,
    is_zone,
    parse_weekly_time,
    slots,
)

FIELDS = ("title", "kind", "description", "rrule", "start", "timezone", "duration_minutes")


def get_ritual(pk: int, viewer: Actor | Person | str | None = None) -> Ritual:
    """The ritual, as ``viewer`` may see it (a private 1:1 is found only by its attendees).
    Raises RitualNotFound."""
    try:
        found = (
            Ritual.objects.select_related("team").prefetch_related("owners", "attendees").get(pk=pk)
        )
    except (Ritual.DoesNotExist, ValueError, TypeError):
        raise RitualNotFound(f"no ritual {pk}", field="id") from None
    permissions.require_read(actor_of(viewer), found)
    return found


def _clean(data: dict[str, Any], ritual: Ritual) -> None:
    """Copy validated fields from ``data`` onto ``ritual``. Raises ValidationFailed."""
    for key in set(data) - {*FIELDS, "team", "owners", "attendees"}:
        raise ValidationFailed(f"unknown field {key!r}", field=key)
    if "title" in data:
        ritual.title = str(data["title"] or "").strip()
    if not ritual.title:
        raise ValidationFailed("a ritual needs a title", field="title")
    if "kind" in data:
        if data["kind"] not in dict(Ritual.KINDS):
            raise ValidationFailed(f"kind must be one of {list(dict(Ritual.KINDS))}", field="kind")
        ritual.kind = data["kind"]
    if "rrule" in data:
        try:
            logic.check_rrule(str(data["rrule"]))
        except ValueError as exc:
            raise ValidationFailed(str(exc), field="rrule") from None
        ritual.rrule = str(data["rrule"]).strip().removeprefix("RRULE:")
    if "timezone" in data:
        if not is_zone(data["timezone"]):
            raise ValidationFailed(f"{data['timezone']!r} is not an IANA zone", field="timezone")
        ritual.timezone = data["timezone"]
    if "start" in data:
        try:
            first = datetime.fromisoformat(str(data["start"]))
        except ValueError:
            raise ValidationFailed("start must be a local date and time", field="start") from None
        ritual.start_date, ritual.start_time = first.date(), first.time().replace(tzinfo=None)
    if "duration_minutes" in data:
        minutes = data["duration_minutes"]
        if not isinstance(minutes, int) or not 5 <= minutes <= 480:
            raise ValidationFailed("duration must be 5 to 480 minutes", field="duration_minutes")
        ritual.duration_minutes = minutes
    if "description" in data:
        ritual.description = str(data["description"] or "")
    if "team" in data:
        ritual.team = people.get_team(data["team"]) if data["team"] else None
    for key in ("rrule", "timezone", "start_date"):
        if not getattr(ritual, key):
            raise ValidationFailed(f"{key.removesuffix('_date')} is required", field=key)


def _people(slugs: Any, field: str) -> list[Person]:
    if not isinstance(slugs, list):
        raise ValidationFailed("must be a list of person ids", field=field)
    found = {p.slug: p for p in Person.objects.filter(slug__in=slugs)}
    missing = [s for s in slugs if s not in found]
    if missing:
        raise ValidationFailed(f"no person {missing[0]!r}", field=field)
    return [found[s] for s in slugs]


def save_ritual(
    data: dict[str, Any], pk: int | None = None, by: Actor | Person | str | None = None
) -> Ritual:
    """Create (no ``pk``) or change a ritual as ``by`` (cadence.permissions). A 1:1 has
    exactly two attendees, and whoever creates one is one of them.

    Raises RitualNotFound, TeamNotFound, ValidationFailed naming the field, PermissionDenied.
    """
    actor = actor_of(by)
    with transaction.atomic():
        ritual = get_ritual(pk, actor) if pk else Ritual(created_at=clock.now())
        if pk is None:
            data = {"kind": "other", "timezone": "UTC", **data}
        else:
            permissions.require_change(actor, ritual)
        _clean(data, ritual)
        if ritual.team is not None and (pk is None or "team" in data):
            permissions.require_organise(actor, ritual.team)
        creator_absent = actor.person not in data.get("attendees", [])
        if pk is None and ritual.kind == "one-on-one" and not actor.operator and creator_absent:
            raise ValidationFailed("you can only start a 1:1 you attend", field="attendees")
        owners = _people(data["owners"], "owners") if "owners" in data else None
        attendees = _people(data["attendees"], "attendees") if "attendees" in data else None
        if pk is None and not owners:
            raise ValidationFailed("a ritual needs at least one owner", field="owners")
        ritual.save()
        if owners is not None:
            ritual.owners.set(owners)
        if attendees is not None:
            ritual.attendees.set(attendees)
        if ritual.kind == "one-on-one" and ritual.attendees.count() != 2:
            raise ValidationFailed("a 1:1 has exactly two attendees", field="attendees")
        if ritual.kind != "one-on-one" and ritual.team is None and not ritual.attendees.exists():
            raise ValidationFailed("a ritual belongs to a team or has attendees", field="team")
    return ritual


def delete_ritual(pk: int, by: Actor | Person | str | None = None) -> None:
    """Raises RitualNotFound, PermissionDenied."""
    actor = actor_of(by)
    with transaction.atomic():
        ritual = get_ritual(pk, actor)
        permissions.require_change(actor, ritual)
        ritual.delete()


def participants(ritual: Ritual) -> list[Person]:
    """Attendees if named, else the team's members (and its pods')."""
    named = list(ritual.attendees.all())
    if named or ritual.team is None:
        return named
    directory = people_queries.load_directory(team=ritual.team.slug)
    return list(Person.objects.filter(slug__in=directory.people).order_by("slug"))


# --- occurrences ------------------------------------------------------------------------


def _first(ritual: Ritual) -> datetime:
    return datetime.combine(ritual.start_date, ritual.start_time)


def occurrences(ritual: Ritual, start: datetime, end: datetime) -> list[datetime]:
    """Start instants in [start, end). A rotation moves each occurrence to the next slot of
    its turn (slots are times of the week in UTC); office hours are planned week by week."""
    if ritual.kind == "office-hours":
        return _office_hours(ritual, start, end)
    found = logic.occurrences(ritual.rrule, _first(ritual), ritual.timezone, start, end)
    if not ritual.rotation:
        return found
    everything = logic.occurrences(ritual.rrule, _first(ritual), ritual.timezone, _epoch0(), end)
    index = {at: i for i, at in enumerate(everything)}
    moved = []
    for at in found:
        slot = ritual.rotation[index[at] % len(ritual.rotation)]
        rule = parse_weekly_time(f"{slot['weekday']} {slot['time']}")
        moved.append(rule.instant(at.date() - timedelta(days=at.weekday()), "UTC"))
    return [m for m in moved if start <= m < end]


def _epoch0() -> datetime:
    return datetime(2000, 1, 1, tzinfo=clock.now().tzinfo)


def save_occurrence(
    ritual: Ritual, start: datetime, by: Actor | Person | str | None = None, **changes: Any
) -> Occurrence:
    """Write an occurrence's agenda, notes, recording link, owners or state (held/skipped)
    as ``by`` (cadence.permissions).

    Raises ValidationFailed when ``start`` is not an occurrence of the ritual, or a bad field;
    RitualNotFound, PermissionDenied.
    """
    permissions.require_change(actor_of(by), ritual)
    # a rotation moves an occurrence within its week, so look a week either side of it
    window = occurrences(ritual, start - timedelta(days=8), start + timedelta(days=8))
    if start not in window:
        raise ValidationFailed(f"{ritual.title} has no occurrence at {start}", field="start")
    with transaction.atomic():
        occ, _ = Occurrence.objects.get_or_create(ritual=ritual, start=start)
        for key in ("agenda", "notes"):
            if changes.get(key) is not None:
                setattr(occ, key, str(changes[key]))
        url = changes.get("recording_url")
        if url is not None:
            if url and not str(url).startswith(("https://", "http://")):
                raise ValidationFailed("must be an http(s) URL", field="recording_url")
            occ.recording_url = url
        state = changes.get("state")
        if state is not None:
            if state not in dict(Occurrence.STATES):
                raise ValidationFailed("state is scheduled, held or skipped", field="state")
            occ.state = state
        occ.save()
        if changes.get("owners") is not None:
            occ.owners.set(_people(changes["owners"], "owners"))
    return occ


@dataclass(frozen=True)
class Planned:
    start: datetime
    end: datetime
    occurrence: Occurrence | None


def agenda(ritual: Ritual, start: datetime, end: datetime) -> list[Planned]:
    """Occurrences in [start, end) with whatever has been written for them."""
    written = {o.start: o for o in ritual.occurrences.filter(start__gte=start, start__lt=end)}
    length = timedelta(minutes=ritual.duration_minutes)
    return [Planned(at, at + length, written.get(at)) for at in occurrences(ritual, start, end)]


def completion(ritual: Ritual, days: int = 90) -> dict[str, Any]:
    """Of the occurrences in the last ``days`` that have passed: how many were held (marked
    held, or with notes). The completion rate of a 1:1."""
    now = clock.now()
    past = agenda(ritual, now - timedelta(days=days), now)
    held = sum(
        1 for p in past if p.occurrence and (p.occurrence.state == "held" or p.occurrence.notes)
    )
    return {"past": len(past), "held": held, "rate": round(held / len(past), 3) if past else None}


def rituals_for(person: Person) -> QuerySet[Ritual]:
    teams = person.teams.all()
    return (
        Ritual.objects.filter(Q(owners=person) | Q(attendees=person) | Q(team__in=teams))
        .distinct()
        .select_related("team")
    )


# --- fair rotations and burden ----------------------------------------------------------


def _schedules(persons: list[Person]) -> dict[str, Schedule]:
    return people_queries.load_directory([p.slug for p in persons]).schedules()


def propose_rotation(ritual: Ritual, week_of: date | None = None) -> logic.Rotation:
    """The fairest rotation of weekly slots for the ritual's participants, from the week
    containing ``week_of`` (default: next week)."""
    persons = participants(ritual)
    if not persons:
        raise ValidationFailed("the ritual has nobody to place", field="attendees")
    day = week_of or (clock.now() + timedelta(days=7)).date()
    monday = datetime.combine(
        day - timedelta(days=day.weekday()), time(0), tzinfo=clock.now().tzinfo
    )
    found = slots(
        _schedules(persons),
        timedelta(minutes=ritual.duration_minutes),
        monday,
        monday + timedelta(days=7),
        step=timedelta(minutes=30),
        limit=60,
    )
    candidates = [logic.Candidate(s.start, s.outside) for s in found]
    return logic.fair_rotation(candidates, [p.slug for p in persons])


def rotate(
    ritual: Ritual,
    rotation: logic.Rotation | None = None,
    by: Actor | Person | str | None = None,
) -> Ritual:
    """Store a rotation (the proposed one by default); an empty one turns rotating off.
    Raises PermissionDenied."""
    permissions.require_change(actor_of(by), ritual)
    chosen = propose_rotation(ritual) if rotation is None else rotation
    with transaction.atomic():
        ritual.rotation = [
            {"weekday": WEEKDAYS[s.start.weekday()], "time": f"{s.start:%H:%M}"}
            for s in chosen.slots
        ]
        if len(ritual.rotation) == 1 and not chosen.slots[0].outside:
            ritual.rotation = []  # one slot suits everyone: the rule's own time may stay
        ritual.save()
    return ritual


def burden(ritual: Ritual, count: int = 12) -> dict[str, Any]:
    """Per participant, over the next ``count`` occurrences: how many fall outside their
    usual working hours and for how many minutes. Real instants, so DST shifts count; holidays
    and absences do not (nobody is burdened by a meeting they are away for)."""
    persons = participants(ritual)
    schedules = {slug: s.typical() for slug, s in _schedules(persons).items()}
    now = clock.now()
    upcoming = occurrences(ritual, now, now + timedelta(days=400))[:count]
    length = timedelta(minutes=ritual.duration_minutes)
    table: dict[str, dict[str, Any]] = {
        p.slug: {"name": p.name, "outside": 0, "minutes": 0} for p in persons
    }
    for at in upcoming:
        for p in persons:
            inside = business_seconds(schedules[p.slug], at, at + length)
            missing = int(length.total_seconds()) - inside
            if missing > 0:
                table[p.slug]["outside"] += 1
                table[p.slug]["minutes"] += round(missing / 60)
    return {"occurrences": len(upcoming), "people": table}


def _office_hours(ritual: Ritual, start: datetime, end: datetime) -> list[datetime]:
    persons = participants(ritual)
    if not persons:
        return []
    first = logic.occurrences("FREQ=DAILY;COUNT=1", _first(ritual), ritual.timezone, _epoch0(), end)
    start = max([start, *first])
    schedules = _schedules(persons)
    length = timedelta(minutes=ritual.duration_minutes)
    found: list[datetime] = []
    monday = datetime.combine(
        start.date() - timedelta(days=start.weekday()), time(0), tzinfo=start.tzinfo
    )
    while monday < end:
        found += _office_week(ritual, persons, schedules, monday, length)
        monday += timedelta(days=7)
    return sorted(at for at in found if start <= at < end)


def _office_week(
    ritual: Ritual,
    persons: list[Person],
    schedules: dict[str, Schedule],
    monday: datetime,
    length: timedelta,
) -> list[datetime]:
    """Two slots this week, each in the working hours of one region's members, the regions
    taking turns week by week (in the order their days start)."""
    by_region: dict[str, list[str]] = {}
    for p in persons:
        by_region.setdefault(logic.region_of(p.timezone, monday), []).append(p.slug)
    order = [name for name, _, _ in reversed(logic.REGIONS) if name in by_region]
    week_index = (monday.date() - ritual.start_date).days // 7
    chosen: list[datetime] = []
    for region in logic.office_hour_regions(order, max(week_index, 0)):
        group = {slug: schedules[slug] for slug in by_region[region]}
        for slot in slots(group, length, monday, monday + timedelta(days=7), limit=40):
            if all(slot.start.date() != c.date() for c in chosen):
                chosen.append(slot.start)
                break
    return chosen
