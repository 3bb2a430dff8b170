"""Escalation policies and alert routes: every write, and the org.yaml sections behind them."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sunrelay.core.errors import Conflict, ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.oncall import config, service, specs
from sunrelay.oncall.errors import PolicyNotFound
from sunrelay.oncall.models import EscalationPolicy, OnCallSchedule, Route
from sunrelay.oncall.permissions import require_owner
from sunrelay.people import service as people
from sunrelay.people.models import Component, Person, Team

_TARGETS: dict[str, Any] = {"schedule": OnCallSchedule, "person": Person, "team": Team}


def get_policy(slug: str) -> EscalationPolicy:
    found = EscalationPolicy.objects.select_related("team").filter(slug=slug).first()
    if found is None:
        raise PolicyNotFound(f"no escalation policy with id {slug!r}", field="policy")
    return found


def policy_spec(policy: EscalationPolicy) -> specs.PolicySpec:
    data = {"id": policy.slug, "name": policy.name, "steps": policy.steps}
    found, problems = specs.parse_policy(data | {"repeat": policy.repeat})
    if found is None:
        raise service.invalid(problems)
    return found


def save_policy(
    item: dict[str, Any],
    prefix: str = "",
    *,
    editor: Actor | None = None,
    new: bool = False,
) -> EscalationPolicy:
    """Create or replace a policy; ``new`` refuses to replace one that exists.

    Raises ValidationFailed naming every step at fault, Conflict, PermissionDenied.
    """
    spec, problems = specs.parse_policy(item)
    if spec is None:
        raise service.invalid(problems, prefix)
    with transaction.atomic():
        missing = [
            (f"{prefix}steps.{i}.notify", f"no {step.target} with id {step.id!r}")
            for i, step in enumerate(spec.steps)
            if not _TARGETS[step.target].objects.filter(slug=step.id).exists()
        ]
        team = Team.objects.filter(slug=spec.team).first() if spec.team else None
        if spec.team and team is None:
            missing.append((f"{prefix}team", f"no team with id {spec.team!r}"))
        if missing:
            raise ValidationFailed(missing[0][1], field=missing[0][0], problems=missing)
        obj = EscalationPolicy.objects.select_related("team").filter(slug=spec.id).first()
        if new and obj is not None:
            raise Conflict(f"an escalation policy with id {spec.id!r} exists already", field="id")
        owners = {spec.team} | ({obj.team.slug if obj.team else None} if obj else set())
        require_owner(editor, owners, f"escalation policy {spec.id!r}")
        obj = obj or EscalationPolicy()
        obj.slug, obj.name, obj.repeat, obj.team = spec.id, spec.name, spec.repeat, team
        obj.steps = specs.policy_data(spec)["steps"]
        obj.save()
    return obj


def delete_policy(slug: str, *, editor: Actor | None = None) -> None:
    """Open alert groups keep paging nobody once their policy is gone, so they fall back to
    the team lead. Raises PolicyNotFound, PermissionDenied."""
    with transaction.atomic():
        found = get_policy(slug)
        require_owner(
            editor, {found.team.slug if found.team else None}, f"escalation policy {slug!r}"
        )
        found.delete()


def policies() -> list[EscalationPolicy]:
    return list(EscalationPolicy.objects.select_related("team"))


def policy_for(team: Team | None) -> EscalationPolicy | None:
    """The team's escalation policy: the first one it owns."""
    if team is None:
        return None
    if (kept := config.setup()) is not None:
        return kept.policies.get(team.pk)
    return EscalationPolicy.objects.filter(team=team).order_by("slug").first()


def set_routes(items: list[dict[str, Any]], *, editor: Actor | None = None) -> list[Route]:
    """Replace every alert route with ``items``, in order (the first match wins).

    Raises ValidationFailed naming every route at fault, PermissionDenied (routes belong to no
    team: only staff change them in the hub).
    """
    parsed, problems = [], []
    for i, item in enumerate(items):
        spec, found = specs.parse_route(item, (i,))
        problems += found
        parsed.append(spec)
    if problems:
        raise service.invalid(problems, "routes.")
    with transaction.atomic():
        require_owner(editor, {None}, "alert routes")
        wanted = {spec.component for spec in parsed if spec}
        components = {c.slug: c for c in Component.objects.filter(slug__in=wanted)}
        missing = [
            (f"routes.{i}.component", f"no component with id {spec.component!r}")
            for i, spec in enumerate(parsed)
            if spec and spec.component not in components
        ]
        if missing:
            raise ValidationFailed(missing[0][1], field=missing[0][0], problems=missing)
        Route.objects.all().delete()
        return [
            Route.objects.create(
                position=i,
                match=specs.route_data(spec)["match"],
                component=components[spec.component],
            )
            for i, spec in enumerate(parsed)
            if spec
        ]


def _routes(*related: str) -> list[tuple[specs.RouteSpec, Component]]:
    found = []
    for r in Route.objects.select_related("component", *related):
        spec, _ = specs.parse_route({"match": r.match, "component": r.component.slug})
        if spec is not None:
            found.append((spec, r.component))
    return found


def route_specs() -> list[specs.RouteSpec]:
    return [spec for spec, _ in _routes()]


def route(labels: dict[str, str]) -> Component | None:
    """The component an alert with ``labels`` belongs to, with its owner (and lead) and DRI:
    the first route whose matchers all match, else its ``component`` or ``service`` label when
    the catalog has that component. From the on-call read model (oncall.config), or one query
    when a route matches."""
    kept = config.setup()
    routes = kept.routes if kept else _routes("component__owner__lead", "component__dri")
    for spec, component in routes:
        if spec.matches(labels):
            return component
    slug = specs.route([], labels)
    if not slug:
        return None
    if kept is not None:
        return kept.components.get(slug)
    related = Component.objects.select_related("owner__lead", "dri")
    return related.filter(slug=slug).first()


# -- org.yaml ------------------------------------------------------------------------------------


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


def _export_policies() -> list[dict[str, Any]]:
    out = []
    for p in EscalationPolicy.objects.select_related("team"):
        data = specs.policy_data(policy_spec(p))
        out.append(data | ({"team": p.team.slug} if p.team else {}))
    return out


def _export_routes() -> list[dict[str, Any]]:
    return [specs.route_data(r) for r in route_specs()]


people.register_section("escalation_policies", _import_policies, _export_policies)
people.register_section("alert_routes", _import_routes, _export_routes)
