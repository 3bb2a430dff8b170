"""Schedules, overrides, escalation policies and alert routes: every write, and the roster
reads built on them (who is on call, the final shifts, fairness). Alerts and pages live in
``alerts``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from sunrelay.cadence import feeds
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.integrations.ics import FeedEvent
from sunrelay.oncall import logic, roster, specs
from sunrelay.oncall.errors import OverrideNotFound, PolicyNotFound, ScheduleNotFound
from sunrelay.oncall.models import EscalationPolicy, OnCallSchedule, Override, Route
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Component, Person, Team
from sunrelay.worktime import epoch, from_epoch

MAX_RANGE = timedelta(days=400)
MAX_OVERRIDE = timedelta(days=90)


def _invalid(problems: specs.Problems, prefix: str = "") -> ValidationFailed:
    path, message = problems[0]
    field = prefix + ".".join(str(p) for p in path) or "schedule"
    return ValidationFailed(f"{message}", field=field)


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
        raise _invalid(problems)
    return found


def _check_refs(spec: specs.ScheduleSpec, prefix: str = "") -> None:
    wanted = {pid for layer in spec.layers for pid in layer.participants}
    known = set(Person.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    for i, layer in enumerate(spec.layers):
        for j, pid in enumerate(layer.participants):
            if pid not in known:
                raise ValidationFailed(
                    f"no person with id {pid!r}", field=f"{prefix}layers.{i}.participants.{j}"
                )
        if layer.team and not Team.objects.filter(slug=layer.team).exists():
            raise ValidationFailed(f"no team with id {layer.team!r}", field=f"{prefix}layers.{i}")


def save_schedule(item: dict[str, Any]) -> OnCallSchedule:
    """Create or replace the schedule with ``item["id"]`` (the org-file shape).

    Raises ValidationFailed naming the field: a bad zone, shift or restriction, an unknown
    person or team.
    """
    spec, problems = specs.parse_schedule(item)
    if spec is None:
        raise _invalid(problems)
    with transaction.atomic():
        return _store_schedule(spec)


def _store_schedule(spec: specs.ScheduleSpec, prefix: str = "") -> OnCallSchedule:
    _check_refs(spec, prefix)
    team = people.get_team(spec.team) if spec.team else None
    data = specs.schedule_data(spec)
    obj = OnCallSchedule.objects.filter(slug=spec.id).first() or OnCallSchedule(slug=spec.id)
    obj.name, obj.team, obj.timezone, obj.layers = spec.name, team, spec.timezone, data["layers"]
    obj.save()
    return obj


def delete_schedule(slug: str) -> None:
    with transaction.atomic():
        get_schedule(slug).delete()


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


# -- overrides ----------------------------------------------------------------------------------


def add_override(
    slug: str,
    person: str,
    start: datetime,
    end: datetime,
    *,
    replaces: str | None = None,
    reason: str = "",
) -> Override:
    """``person`` covers the schedule (or only ``replaces``'s time in it) in [start, end).

    Raises ScheduleNotFound, PersonNotFound, ValidationFailed for an empty or over-long span.
    """
    if end <= start:
        raise ValidationFailed("the override must end after it starts", field="end")
    if end - start > MAX_OVERRIDE:
        raise ValidationFailed("an override spans at most 90 days", field="end")
    with transaction.atomic():
        schedule = get_schedule(slug)
        covering = people.get_person(person)
        replaced = people.get_person(replaces) if replaces else None
        if replaced is not None and replaced.pk == covering.pk:
            raise ValidationFailed("someone cannot cover for themselves", field="replaces")
        return Override.objects.create(
            schedule=schedule,
            person=covering,
            replaces=replaced,
            start=start,
            end=end,
            reason=reason.strip()[:300],
            created_at=clock.now(),
        )


def delete_override(pk: int) -> None:
    with transaction.atomic():
        deleted, _ = Override.objects.filter(pk=pk).delete()
        if not deleted:
            raise OverrideNotFound(f"no override {pk}", field="id")


def overrides(slug: str, after: datetime | None = None) -> list[Override]:
    found = get_schedule(slug).overrides.select_related("person", "replaces")
    return list(found.filter(end__gt=after) if after else found)


# -- escalation policies and routes -----------------------------------------------------------


def get_policy(slug: str) -> EscalationPolicy:
    found = EscalationPolicy.objects.select_related("team").filter(slug=slug).first()
    if found is None:
        raise PolicyNotFound(f"no escalation policy with id {slug!r}", field="policy")
    return found


def policy_spec(policy: EscalationPolicy) -> specs.PolicySpec:
    data = {"id": policy.slug, "name": policy.name, "steps": policy.steps}
    found, problems = specs.parse_policy(data | {"repeat": policy.repeat})
    if found is None:
        raise _invalid(problems)
    return found


def save_policy(item: dict[str, Any], prefix: str = "") -> EscalationPolicy:
    """Create or replace a policy. Raises ValidationFailed naming the step at fault."""
    spec, problems = specs.parse_policy(item)
    if spec is None:
        raise _invalid(problems, prefix)
    with transaction.atomic():
        for i, step in enumerate(spec.steps):
            model: Any = {"schedule": OnCallSchedule, "person": Person, "team": Team}[step.target]
            if not model.objects.filter(slug=step.id).exists():
                raise ValidationFailed(
                    f"no {step.target} with id {step.id!r}", field=f"{prefix}steps.{i}.notify"
                )
        obj = EscalationPolicy.objects.filter(slug=spec.id).first() or EscalationPolicy()
        obj.slug, obj.name, obj.repeat = spec.id, spec.name, spec.repeat
        obj.team = people.get_team(spec.team) if spec.team else None
        obj.steps = specs.policy_data(spec)["steps"]
        obj.save()
    return obj


def policies() -> list[EscalationPolicy]:
    return list(EscalationPolicy.objects.select_related("team"))


def policy_for(team: Team | None) -> EscalationPolicy | None:
    """The team's escalation policy: the first one it owns."""
    if team is None:
        return None
    return EscalationPolicy.objects.filter(team=team).order_by("slug").first()


def set_routes(items: list[dict[str, Any]]) -> list[Route]:
    """Replace every alert route with ``items``, in order. Raises ValidationFailed."""
    parsed = []
    for i, item in enumerate(items):
        spec, problems = specs.parse_route(item, (i,))
        if spec is None:
            raise _invalid(problems, "routes.")
        parsed.append(spec)
    with transaction.atomic():
        Route.objects.all().delete()
        out = []
        for i, spec in enumerate(parsed):
            component = Component.objects.filter(slug=spec.component).first()
            if component is None:
                raise ValidationFailed(
                    f"no component with id {spec.component!r}", field=f"routes.{i}.component"
                )
            match = specs.route_data(spec)["match"]
            out.append(Route.objects.create(position=i, match=match, component=component))
    return out


def route_specs() -> list[specs.RouteSpec]:
    found = []
    for r in Route.objects.select_related("component"):
        spec, _ = specs.parse_route({"match": r.match, "component": r.component.slug})
        if spec is not None:
            found.append(spec)
    return found


# -- org.yaml ------------------------------------------------------------------------------------


def _import_schedules(items: list[dict[str, Any]], report: people.ImportReport) -> None:
    keep = set()
    for i, item in enumerate(items):
        spec, problems = specs.parse_schedule(item, ("schedules", i))
        if spec is None:
            raise _invalid(problems)
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


def _import_policies(items: list[dict[str, Any]], report: people.ImportReport) -> None:
    keep = set()
    for i, item in enumerate(items):
        before = EscalationPolicy.objects.filter(slug=str(item.get("id"))).first()
        old = specs.policy_data(policy_spec(before)) if before else None
        saved = save_policy(item, f"escalation_policies.{i}.")
        keep.add(saved.slug)
        if old is None:
            report.created.append(f"escalation policy {saved.slug}")
        elif old | {"team": None} != specs.policy_data(policy_spec(saved)) | {"team": None}:
            report.updated.append(f"escalation policy {saved.slug}")
    for gone in EscalationPolicy.objects.exclude(slug__in=keep):
        report.removed.append(f"escalation policy {gone.slug}")
        gone.delete()


def _import_routes(items: list[dict[str, Any]], report: people.ImportReport) -> None:
    before = [specs.route_data(r) for r in route_specs()]
    set_routes(items)
    after = [specs.route_data(r) for r in route_specs()]
    if before != after:
        (report.updated if before else report.created).append(f"alert routes ({len(after)})")


def _export_schedules() -> list[dict[str, Any]]:
    return [specs.schedule_data(spec_of(s)) for s in OnCallSchedule.objects.select_related("team")]


def _export_policies() -> list[dict[str, Any]]:
    out = []
    for p in EscalationPolicy.objects.select_related("team"):
        data = specs.policy_data(policy_spec(p))
        out.append(data | ({"team": p.team.slug} if p.team else {}))
    return out


def _export_routes() -> list[dict[str, Any]]:
    return [specs.route_data(r) for r in route_specs()]


people.register_section("schedules", _import_schedules, _export_schedules)
people.register_section("escalation_policies", _import_policies, _export_policies)
people.register_section("alert_routes", _import_routes, _export_routes)


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
