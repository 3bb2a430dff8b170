"""Schedules and overrides: every write, who may configure on-call, and the org.yaml section
behind schedules. Roster reads live in ``queries``, escalation policies and alert routes in
``policies``, alerts and pages in ``alerts`` and ``escalation``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from sunrelay.core import clock
from sunrelay.core.errors import Conflict, ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.oncall import specs
from sunrelay.oncall.errors import OverrideNotFound, ScheduleNotFound
from sunrelay.oncall.models import EscalationPolicy, OnCallSchedule, Override
from sunrelay.oncall.permissions import require_override_removal, require_owner
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team
from sunrelay.people.permissions import actor_of

MAX_OVERRIDE = timedelta(days=90)


def invalid(problems: specs.Problems, prefix: str = "") -> ValidationFailed:
    """Every problem a parser found, each named by its dotted field path."""
    named = [(prefix + ".".join(str(p) for p in path), message) for path, message in problems]
    field, message = named[0]
    return ValidationFailed(message, field=field or None, problems=named)


# -- schedules ----------------------------------------------------------------------------------


def schedules() -> list[OnCallSchedule]:
    return list(OnCallSchedule.objects.select_related("team"))


def get_schedule(slug: str) -> OnCallSchedule:
    found = OnCallSchedule.objects.select_related("team").filter(slug=slug).first()
    if found is None:
        raise ScheduleNotFound(f"no on-call schedule with id {slug!r}", field="schedule")
    return found


def spec_of(schedule: OnCallSchedule) -> specs.ScheduleSpec:
    data = {"id": schedule.slug, "name": schedule.name, "timezone": schedule.timezone}
    data["layers"] = schedule.layers
    if schedule.team is not None:
        data["team"] = schedule.team.slug
    found, problems = specs.parse_schedule(data)
    if found is None:  # stored rows were validated; this only guards hand-edited data
        raise invalid(problems)
    return found


def _check_refs(spec: specs.ScheduleSpec, prefix: str = "") -> None:
    wanted = {pid for layer in spec.layers for pid in layer.participants}
    known = set(Person.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    teams = {layer.team for layer in spec.layers if layer.team}
    known_teams = set(Team.objects.filter(slug__in=teams).values_list("slug", flat=True))
    problems = []
    for i, layer in enumerate(spec.layers):
        for j, pid in enumerate(layer.participants):
            if pid not in known:
                problems.append(
                    (f"{prefix}layers.{i}.participants.{j}", f"no person with id {pid!r}")
                )
        if layer.team and layer.team not in known_teams:
            problems.append((f"{prefix}layers.{i}.team", f"no team with id {layer.team!r}"))
    if spec.team and not Team.objects.filter(slug=spec.team).exists():
        problems.append((f"{prefix}team", f"no team with id {spec.team!r}"))
    if problems:
        raise ValidationFailed(problems[0][1], field=problems[0][0], problems=problems)


def save_schedule(
    item: dict[str, Any], *, editor: Actor | None = None, new: bool = False
) -> OnCallSchedule:
    """Create or replace the schedule with ``item["id"]`` (the org-file shape); ``new`` refuses
    to replace one that exists.

    Raises ValidationFailed naming every field at fault (a bad zone, shift or restriction, an
    unknown person or team), Conflict, PermissionDenied.
    """
    spec, problems = specs.parse_schedule(item)
    if spec is None:
        raise invalid(problems)
    with transaction.atomic():
        before = OnCallSchedule.objects.select_related("team").filter(slug=spec.id).first()
        if new and before is not None:
            raise Conflict(f"a schedule with id {spec.id!r} exists already", field="id")
        owners = {spec.team, before.team.slug if before and before.team else None}
        require_owner(editor, owners if before else {spec.team}, f"schedule {spec.id!r}")
        return _store_schedule(spec)


def _store_schedule(spec: specs.ScheduleSpec, prefix: str = "") -> OnCallSchedule:
    _check_refs(spec, prefix)
    team = Team.objects.filter(slug=spec.team).first() if spec.team else None
    data = specs.schedule_data(spec)
    obj = OnCallSchedule.objects.filter(slug=spec.id).first() or OnCallSchedule(slug=spec.id)
    obj.name, obj.team, obj.timezone, obj.layers = spec.name, team, spec.timezone, data["layers"]
    obj.save()
    return obj


def delete_schedule(slug: str, *, editor: Actor | None = None) -> None:
    """Raises ScheduleNotFound, PermissionDenied, and Conflict while an escalation policy still
    pages the schedule (its steps would find nobody)."""
    with transaction.atomic():
        found = get_schedule(slug)
        require_owner(editor, {found.team.slug if found.team else None}, f"schedule {slug!r}")
        for policy in EscalationPolicy.objects.all():
            if any(step.get("notify") == {"schedule": slug} for step in policy.steps):
                raise Conflict(
                    f"escalation policy {policy.slug!r} pages this schedule; change it first",
                    field="schedule",
                )
        found.delete()


# -- overrides ----------------------------------------------------------------------------------


def add_override(
    slug: str,
    person: str,
    start: datetime,
    end: datetime,
    *,
    replaces: str | None = None,
    reason: str = "",
    by: Actor | Person | str | None = None,
) -> Override:
    """``person`` covers the schedule (or only ``replaces``'s time in it) in [start, end);
    anyone may add one (oncall.permissions), and ``by`` is recorded as its author.

    Raises ScheduleNotFound, PersonNotFound, ValidationFailed for an empty or over-long span,
    Conflict for an exact duplicate.
    """
    if end <= start:
        raise ValidationFailed("the override must end after it starts", field="end")
    if end - start > MAX_OVERRIDE:
        raise ValidationFailed("an override spans at most 90 days", field="end")
    author = actor_of(by).person
    with transaction.atomic():
        # the schedule's row lock makes the duplicate check and the insert one step
        schedule = OnCallSchedule.objects.select_for_update().get(pk=get_schedule(slug).pk)
        covering = people.get_person(person)
        replaced = people.get_person(replaces) if replaces else None
        if replaced is not None and replaced.pk == covering.pk:
            raise ValidationFailed("someone cannot cover for themselves", field="replaces")
        if replaced is not None:
            _require_on_call(schedule, replaced, start, end)
        same = schedule.overrides.filter(person=covering, replaces=replaced, start=start, end=end)
        if (twin := same.first()) is not None:
            raise Conflict(f"override {twin.pk} already says exactly this", field="start")
        return Override.objects.create(
            created_by=Person.objects.filter(slug=author).first() if author else None,
            schedule=schedule,
            person=covering,
            replaces=replaced,
            start=start,
            end=end,
            reason=reason.strip(),
            created_at=clock.now(),
        )


def _require_on_call(
    schedule: OnCallSchedule, person: Person, start: datetime, end: datetime
) -> None:
    """An override for someone's time needs them on call in that span: on the rota (even when
    away: that is what an override is for) or covering by another override. Raises
    ValidationFailed naming who is on call then."""
    from sunrelay.oncall import queries  # queries reads schedules through this module

    found = queries.compute(schedule, start, end)
    if any(s.person == person.slug for s in found.rota + found.shifts):  # chains of swaps too
        return
    holders = sorted({s.person for s in found.shifts})
    then = ", ".join(holders) if holders else "nobody"
    raise ValidationFailed(
        f"{person.slug} is not on call in {schedule.slug} then (on call: {then}), so "
        "covering their time would change nothing",
        field="replaces",
    )


def delete_override(pk: int, by: Actor | Person | str | None = None) -> None:
    """Remove an override as ``by`` (oncall.permissions). Raises OverrideNotFound,
    PermissionDenied."""
    with transaction.atomic():
        found = (
            Override.objects.select_related("person", "replaces", "created_by", "schedule")
            .filter(pk=pk)
            .first()
        )
        if found is None:
            raise OverrideNotFound(f"no override {pk}", field="id")
        require_override_removal(actor_of(by), found)
        found.delete()


def overrides(slug: str, after: datetime | None = None) -> list[Override]:
    found = get_schedule(slug).overrides.select_related("person", "replaces")
    return list(found.filter(end__gt=after) if after else found)


# -- org.yaml ------------------------------------------------------------------------------------


def _import_schedules(items: list[dict[str, Any]], report: people.ImportReport) -> None:
    keep = set()
    for i, item in enumerate(items):
        spec, problems = specs.parse_schedule(item, ("schedules", i))
        if spec is None:
            raise invalid(problems)
        before = OnCallSchedule.objects.filter(slug=spec.id).first()
        old = specs.schedule_data(spec_of(before)) if before else None
        _store_schedule(spec, f"schedules.{i}.")
        keep.add(spec.id)
        if old is None:
            report.created.append(f"schedule {spec.id}")
        elif old != specs.schedule_data(spec):
            report.updated.append(f"schedule {spec.id}")
    for gone in OnCallSchedule.objects.exclude(slug__in=keep):
        report.removed.append(f"schedule {gone.slug}")
        gone.delete()


def _export_schedules() -> list[dict[str, Any]]:
    return [specs.schedule_data(spec_of(s)) for s in OnCallSchedule.objects.select_related("team")]


people.register_section("schedules", _import_schedules, _export_schedules)
