"""/api/v1/oncall: schedules, who is on call, shifts and gaps, overrides, fairness, policies,
routes, integrations, alert groups (acknowledge, resolve), and the intake endpoint that
Alertmanager and generic webhooks post to with their secret URL (no bearer token)."""

from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Status

from sunrelay.api.auth import acting, actor, require_write
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.oncall import alerts, policies, queries, roster, service, specs
from sunrelay.oncall.schemas import (
    ActorIn,
    IntegrationIn,
    OverrideIn,
    fairness_json,
    group_json,
    integration_json,
    now_json,
    override_json,
)
from sunrelay.worktime import epoch

router = Router(tags=["oncall"])
intake_router = Router(tags=["oncall"], auth=None)
Json = dict[str, Any]


def _instant(text: str, field: str) -> datetime:
    return clock.read_instant(text, field, default_now=True)


@router.get("/schedules", response=list[Json])
def list_schedules(request: HttpRequest) -> list[Json]:
    return [specs.schedule_data(service.spec_of(s)) for s in service.schedules()]


@router.put("/schedules/{slug}", response=Json)
def put_schedule(request: HttpRequest, slug: str, payload: Json = Body(...)) -> Json:
    """Create or replace a schedule, in the org-file shape (docs/oncall.md)."""
    require_write(request)
    found = service.save_schedule({**payload, "id": slug})
    return specs.schedule_data(service.spec_of(found))


@router.delete("/schedules/{slug}", response={204: None})
def delete_schedule(request: HttpRequest, slug: str) -> Status[None]:
    require_write(request)
    service.delete_schedule(slug)
    return Status(204, None)


@router.get("/schedules/{slug}/who", response=Json)
def who(request: HttpRequest, slug: str, at: str = "") -> Json:
    """``{"schedule", "at", "on_call": [ids], "away": [{"person", "start", "end", "layer",
    "covered_by"}]}``: people the rota names but who are away are never on call."""
    when = _instant(at, "at")
    # a week ahead, so that whoever is away is reported until they are back (or off the rota)
    found = queries.compute(service.get_schedule(slug), when, when + timedelta(days=7))
    return roster.who_json(slug, found, epoch(when))


@router.get("/schedules/{slug}/shifts", response=Json)
def shifts(request: HttpRequest, slug: str, start: str, end: str) -> Json:
    """The final shifts ``[{"start", "end", "person", "layer"}]``, the ``gaps``, and ``away``:
    the time the rota gave to people who are away, with who covers it."""
    a, b = _instant(start, "start"), _instant(end, "end")
    found = queries.compute(service.get_schedule(slug), a, b)
    return roster.roster_json(slug, found, epoch(a), epoch(b))


@router.get("/schedules/{slug}/fairness", response=Json)
def fairness(request: HttpRequest, slug: str, start: str, end: str) -> Json:
    return fairness_json(queries.fairness(slug, _instant(start, "start"), _instant(end, "end")))


@router.get("/schedules/{slug}/overrides", response=list[Json])
def list_overrides(request: HttpRequest, slug: str) -> list[Json]:
    return [override_json(o) for o in service.overrides(slug, clock.now())]


@router.post("/schedules/{slug}/overrides", response={201: Json})
def add_override(request: HttpRequest, slug: str, payload: OverrideIn) -> Status[Json]:
    found = service.add_override(
        slug,
        payload.person,
        _instant(payload.start, "start"),
        _instant(payload.end, "end"),
        replaces=payload.replaces,
        reason=payload.reason,
        by=actor(request),
    )
    return Status(201, override_json(found))


@router.delete("/overrides/{pk}", response={204: None})
def delete_override(request: HttpRequest, pk: int) -> Status[None]:
    service.delete_override(pk, actor(request))
    return Status(204, None)


@router.get("/now", response=list[Json])
def now(request: HttpRequest) -> list[Json]:
    """Every schedule with who holds it now and their local time."""
    return [now_json(r) for r in queries.on_call_now()]


@router.get("/policies", response=list[Json])
def list_policies(request: HttpRequest) -> list[Json]:
    return [specs.policy_data(policies.policy_spec(p)) for p in policies.policies()]


@router.put("/policies/{slug}", response=Json)
def put_policy(request: HttpRequest, slug: str, payload: Json = Body(...)) -> Json:
    require_write(request)
    found = policies.save_policy({**payload, "id": slug})
    return specs.policy_data(policies.policy_spec(found))


@router.get("/routes", response=list[Json])
def list_routes(request: HttpRequest) -> list[Json]:
    return [specs.route_data(r) for r in policies.route_specs()]


@router.put("/routes", response=list[Json])
def put_routes(request: HttpRequest, payload: list[Json] = Body(...)) -> list[Json]:
    """Replace every alert route, in order."""
    require_write(request)
    policies.set_routes(payload)
    return [specs.route_data(r) for r in policies.route_specs()]


@router.post("/integrations", response={201: Json})
def create_integration(request: HttpRequest, payload: IntegrationIn) -> Status[Json]:
    """Returns the secret ``url`` once; only its hash is kept."""
    require_write(request)
    found, secret = alerts.create_integration(payload.id, payload.name, payload.kind, payload.team)
    return Status(201, integration_json(found) | {"url": alerts.intake_url(secret)})


@router.get("/alerts", response=list[Json])
def list_groups(request: HttpRequest, state: str = "", team: str = "") -> list[Json]:
    return [group_json(g) for g in alerts.groups(state or None, team or None)[:200]]


@router.get("/alerts/{pk}", response=Json)
def get_group(request: HttpRequest, pk: int) -> Json:
    return group_json(alerts.get_group(pk), detail=True)


@router.post("/alerts/{pk}/acknowledge", response=Json)
def acknowledge(request: HttpRequest, pk: int, payload: ActorIn) -> Json:
    person = acting(request, payload.actor)
    return group_json(alerts.acknowledge(pk, person))


@router.post("/alerts/{pk}/resolve", response=Json)
def resolve(request: HttpRequest, pk: int, payload: ActorIn) -> Json:
    person = acting(request, payload.actor)
    return group_json(alerts.resolve(pk, person))


@intake_router.post("/intake/{secret}", response={202: Json})
def intake(request: HttpRequest, secret: str) -> Status[Json]:
    """Alertmanager (version 4) or generic webhooks; the secret URL is the credential."""
    import json

    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        raise ValidationFailed("the body is not JSON", field="body") from None
    except RecursionError:
        raise ValidationFailed("the body nests too deep", field="body") from None
    found = alerts.receive(secret, body)
    return Status(
        202,
        {"group": found.group.pk, "created": found.created, "resolved": found.resolved},
    )
