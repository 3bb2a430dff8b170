"""The on-call set-up as one read model per process: integrations, alert routes and the
catalog they route to, escalation policies, schedules and the overrides still to come.

An alert storm asks the same questions thousands of times a minute (which integration is this,
where does it route, what policy, who is on call); each answer used to be a query. The set-up
changes rarely, so it is read once and kept (core.revisions): every save and delete of what it
is built from moves the ``oncall`` revision (``catalog`` for components, ``directory`` for the
teams and people they name), and every process rebuilds after the commit.

Inside a transaction the read model is used only while it is up to date; otherwise the
question is answered from the ORM, as before, and nothing is kept.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models.signals import post_delete, post_save

from sunrelay.core import clock, revisions
from sunrelay.oncall import roster, specs
from sunrelay.oncall.models import EscalationPolicy, Integration, OnCallSchedule, Override, Route
from sunrelay.people import queries as people_queries
from sunrelay.people import revisions as people_revisions
from sunrelay.people.models import Component
from sunrelay.worktime import epoch

NAME = "oncall"

# overrides that ended this long before the read model was built are left out of it: a
# question about a time before that reads the ORM
OVERRIDES_BEHIND = timedelta(days=1)


@dataclass(frozen=True)
class Setup:
    integrations: dict[str, Integration]  # by secret hash, with their team
    routes: list[tuple[specs.RouteSpec, Component]]  # in order, components with owner and DRI
    components: dict[str, Component]  # by slug, the same way
    policies: dict[int, EscalationPolicy]  # team id -> the first policy it owns
    schedules: dict[str, OnCallSchedule]  # by slug, with their team
    overrides: dict[int, list[tuple[roster.Override, datetime, datetime]]]  # by schedule id
    overrides_from: datetime  # overrides ending after this are all here
    # rosters computed from this set-up (oncall.queries), by schedule and UTC day: filled as
    # they are asked for, gone with the set-up when anything they depend on changes
    rosters: dict[tuple[str, datetime], roster.Roster] = field(default_factory=dict)


def _build() -> Setup:
    integrations = {i.secret_hash: i for i in Integration.objects.select_related("team")}
    related = ("owner__lead", "dri")
    components = {c.slug: c for c in Component.objects.select_related(*related)}
    by_pk = {c.pk: c for c in components.values()}
    routes = []
    for r in Route.objects.all():
        component = by_pk.get(r.component_id)
        if component is None:
            continue
        spec, _ = specs.parse_route({"match": r.match, "component": component.slug})
        if spec is not None:
            routes.append((spec, component))
    policies: dict[int, EscalationPolicy] = {}
    for p in EscalationPolicy.objects.select_related("team").order_by("slug"):
        if p.team_id is not None:
            policies.setdefault(p.team_id, p)
    schedules = {s.slug: s for s in OnCallSchedule.objects.select_related("team")}
    since = clock.now() - OVERRIDES_BEHIND
    overrides: dict[int, list[tuple[roster.Override, datetime, datetime]]] = {}
    rows = Override.objects.filter(end__gt=since).values_list(
        "schedule_id", "person__slug", "start", "end", "replaces__slug"
    )
    for schedule_id, person, start, end, replaces in rows:
        made = roster.Override(person, epoch(start), epoch(end), replaces)
        overrides.setdefault(schedule_id, []).append((made, start, end))
    return Setup(integrations, routes, components, policies, schedules, overrides, since)


SETUP = revisions.Cached((NAME, people_revisions.CATALOG, people_revisions.NAME), _build)


def setup() -> Setup | None:
    """The read model; inside a transaction only when it is already up to date (None: ask the
    ORM)."""
    return SETUP.held() if connection.in_atomic_block else SETUP.get()


def steady() -> contextlib.AbstractContextManager[None]:
    """For an alert delivery: the set-up and the directory checked once for all its reads."""
    return revisions.steady(SETUP, people_queries.DIRECTORY)


def _changed(sender: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):  # loading fixtures
        revisions.bump(NAME)


for _model in (Integration, Route, EscalationPolicy, OnCallSchedule, Override):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"oncall-save-{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"oncall-del-{_model.__name__}")
