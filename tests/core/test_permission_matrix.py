"""The permission matrix: every write in the hub and the API, and who may not make it.

Each hub page and each API operation that writes is listed here, either with a request that a
signed-in colleague from another team (Yuki, lead of Platform APAC) must not be able to make,
or as open to everyone with the reason why (docs/permissions.md). A new write that is in
neither list fails ``test_every_write_is_in_the_matrix``; a listed write that forgets its check
fails ``test_a_colleague_from_another_team_changes_nothing``, which compares every Sunrelay
table before and after the request.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from sunrelay.access import service as access
from sunrelay.api import api
from sunrelay.cadence import retros, rituals, status
from sunrelay.core import clock
from sunrelay.core.permissions import Actor
from sunrelay.decisions import review
from sunrelay.decisions import service as decisions
from sunrelay.delivery import service as delivery
from sunrelay.health import concerns
from sunrelay.incidents import followups
from sunrelay.incidents import service as incidents
from sunrelay.notify import service as notify
from sunrelay.onboarding import service as onboarding
from sunrelay.oncall import service as oncall
from sunrelay.oncall.models import EscalationPolicy
from sunrelay.people import service as people
from sunrelay.work import capacity
from sunrelay.work import service as work
from tests.cadence.helpers import DEMO_HOUR, person, utc
from tests.cadence.test_permissions import FIRST, ONE_ON_ONE
from tests.conftest import sign_in

NOW = utc(2026, 11, 23, 14)
SCHEDULE = {"id": "payments-primary", "team": "payments", "layers": []}
RETRO = {
    "title": "Payments retro",
    "kind": "retro",
    "team": "payments",
    "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
    "start": "2026-11-27T15:00",
    "timezone": "Europe/Lisbon",
    "owners": ["ana"],
}
RITUAL = {"title": "Take-over", "rrule": "FREQ=WEEKLY", "start": "2026-12-01T10:00"}

# name → requests (method, path, body) the outsider must not be able to make
REFUSED: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "people:add_absence": [
        ("post", "/people/bruno/absences/", {"from": "2027-01-04", "to": "2027-01-05"})
    ],
    "people:remove_absence": [("post", "/people/bruno/absences/{absence}/remove/", {})],
    "people:link": [("post", "/people/bruno/link/", {"username": "yuki"})],
    "people:new_person": [
        (
            "post",
            "/directory/add-person/",
            {
                "id": "x",
                "name": "X",
                "timezone": "UTC",
                "working_hours": "09:00-17:00",
                "team": "payments",
            },
        )
    ],
    "people:edit_person": [("post", "/people/bruno/edit/", {"name": "B", "timezone": "UTC"})],
    "people:remove_person": [("post", "/people/bruno/remove/", {})],
    "people:new_team": [("post", "/directory/add-team/", {"id": "x", "name": "X"})],
    "people:edit_team": [("post", "/teams/payments/edit/", {"name": "P"})],
    "people:remove_team": [("post", "/teams/payments/remove/", {})],
    "people:new_component": [
        ("post", "/directory/add-component/", {"id": "x", "name": "X", "owner": "payments"})
    ],
    "people:edit_component": [("post", "/components/ledger/edit/", {"name": "L"})],
    "people:remove_component": [("post", "/components/ledger/remove/", {})],
    "people:invite": [("post", "/people/bruno/invite/", {})],
    "people:setup": [  # someone already: no second self; claiming and naming are staff's
        ("post", "/setup/", {"action": "claim", "person": "bruno"}),
        ("post", "/setup/", {"action": "organization", "organization": "Mine"}),
        ("post", "/setup/", {"action": "create", "id": "yuki2", "name": "Y", "timezone": "UTC"}),
    ],
    "decisions:edit": [
        ("post", "/decisions/{record}/edit/", {"title": "Mine", "kind": "adr", "dri": "yuki"})
    ],
    "decisions:act": [
        ("post", "/decisions/{record}/transition/", {"status": "deprecated"}),
        ("post", "/decisions/{record}/request_review/", {"reviewers": ["mia"]}),
        ("post", "/decisions/{record}/approve/", {"body": ""}),
        ("post", "/decisions/{record}/retro/", {"notes": "x"}),
    ],
    "cadence:rituals": [("post", "/cadence/teams/payments/rituals/", RITUAL)],
    "cadence:ritual": [
        ("post", "/cadence/rituals/{pair}/", {"start": FIRST, "notes": "mine"}),
        ("post", "/cadence/rituals/{ritual}/", {"rotate": "1"}),
    ],
    "cadence:calendars": [("post", "/cadence/calendar/", {"team": "payments"})],
    "cadence:item": [("post", "/cadence/items/{item}/", {"state": "resolved"})],
    "notify:retry": [("post", "/notifications/dead-letters/{note}/retry/", {})],
    "oncall:schedule_new": [
        ("post", "/oncall/schedules/new/", {"id": "x", "team": "payments", "action": "save"})
    ],
    "oncall:schedule_edit": [
        ("post", "/oncall/schedules/payments-primary/edit/", {"team": "payments", "action": "save"})
    ],
    "oncall:schedule_delete": [("post", "/oncall/schedules/payments-primary/delete/", {})],
    "oncall:policy_new": [
        ("post", "/oncall/policies/new/", {"id": "x", "team": "payments", "action": "save"})
    ],
    "oncall:policy_edit": [
        ("post", "/oncall/policies/{policy}/edit/", {"team": "payments", "action": "save"})
    ],
    "oncall:policy_delete": [("post", "/oncall/policies/{policy}/delete/", {})],
    "oncall:routes": [("post", "/oncall/setup/routes/", {"action": "save"})],
    "oncall:integration_new": [
        ("post", "/oncall/setup/integrations/", {"id": "x", "name": "x", "kind": "generic"})
    ],
    "oncall:override_remove": [
        ("post", "/oncall/schedules/payments-primary/overrides/{override}/remove/", {})
    ],
    "incidents:room": [
        ("post", "/incidents/{incident}/", {"action": "state", "state": "resolved"}),
        (
            "post",
            "/incidents/{incident}/",
            {"action": "role", "role": "commander", "person": "yuki", "note": "mine"},
        ),
        (
            "post",
            "/incidents/{incident}/",
            {"action": "role", "role": "responder", "person": "liam"},
        ),
        ("post", "/incidents/{incident}/", {"action": "update", "text": "all good"}),
        ("post", "/incidents/{incident}/", {"action": "cause", "deployment": "5"}),
        (
            "post",
            "/incidents/{incident}/",
            {"action": "action_item", "title": "x", "owner": "mia", "due": "2026-12-01"},
        ),
    ],
    "incidents:postmortem": [("post", "/incidents/{incident}/postmortem/", {"body": "mine"})],
    "incidents:action_items": [
        ("post", "/incidents/action-items/", {"item": "{action}"}),
        ("post", "/incidents/action-items/", {"item": "{action}", "owner": "yuki"}),
    ],
    # the API, as the same signed-in colleague
    "api:create_person": [("post", "/api/v1/people", {"id": "x", "name": "X", "timezone": "UTC"})],
    "api:update_person": [("patch", "/api/v1/people/bruno", {"name": "B"})],
    "api:delete_person": [("delete", "/api/v1/people/bruno", {})],
    "api:create_team": [("post", "/api/v1/teams", {"id": "x", "name": "X"})],
    "api:update_team": [("patch", "/api/v1/teams/payments", {"name": "P"})],
    "api:delete_team": [("delete", "/api/v1/teams/payments", {})],
    "api:create_component": [("post", "/api/v1/components", {"id": "x", "name": "X"})],
    "api:update_component": [("patch", "/api/v1/components/ledger", {"name": "L"})],
    "api:delete_component": [("delete", "/api/v1/components/ledger", {})],
    "api:create_absence": [
        ("post", "/api/v1/absences", {"person": "bruno", "from": "2027-01-04", "to": "2027-01-05"})
    ],
    "api:delete_absence": [("delete", "/api/v1/absences/{absence}", {})],
    "api:update_record": [("patch", "/api/v1/decisions/{record}", {"dri": "yuki"})],
    "api:request_review": [
        ("post", "/api/v1/decisions/{record}/review-requests", {"reviewers": ["mia"]})
    ],
    "api:give_verdict": [("post", "/api/v1/decisions/{other}/reviews", {"verdict": "approve"})],
    "api:transition": [
        ("post", "/api/v1/decisions/{record}/transitions", {"status": "deprecated"})
    ],
    "api:link": [
        ("post", "/api/v1/decisions/{record}/links", {"kind": "relates-to", "target": "{other}"})
    ],
    "api:settle": [("patch", "/api/v1/cadence/items/{item}", {"state": "resolved"})],
    "api:create_ritual": [("post", "/api/v1/cadence/rituals", {**DEMO_HOUR, "owners": ["yuki"]})],
    "api:change_ritual": [("patch", "/api/v1/cadence/rituals/{ritual}", {"title": "Mine"})],
    "api:delete_ritual": [("delete", "/api/v1/cadence/rituals/{ritual}", {})],
    "api:save_occurrence": [
        ("put", "/api/v1/cadence/rituals/{pair}/occurrences/" + FIRST, {"notes": "mine"})
    ],
    "api:rotate": [("post", "/api/v1/cadence/rituals/{ritual}/rotation", {})],
    "api:send": [("post", "/api/v1/notify/send", {"to": "ana", "kind": "x", "subject": "x"})],
    "api:retry": [("post", "/api/v1/notify/dead-letters/{note}/retry", {})],
    "api:put_schedule": [("put", "/api/v1/oncall/schedules/payments-primary", SCHEDULE)],
    "api:delete_schedule": [("delete", "/api/v1/oncall/schedules/payments-primary", {})],
    "api:delete_override": [("delete", "/api/v1/oncall/overrides/{override}", {})],
    "api:put_policy": [
        (
            "put",
            "/api/v1/oncall/policies/{policy}",
            {"id": "{policy}", "team": "payments", "steps": []},
        )
    ],
    "api:put_routes": [("put", "/api/v1/oncall/routes", [])],  # type: ignore[dict-item]
    "api:create_integration": [
        ("post", "/api/v1/oncall/integrations", {"id": "x", "name": "x", "kind": "generic"})
    ],
    "api:create_source": [("post", "/api/v1/delivery/sources", {"id": "gh"})],
    "api:rotate_source": [("post", "/api/v1/delivery/sources/{source}/rotate", {})],
    "api:record_deployment": [
        (
            "post",
            "/api/v1/delivery/deployments",
            {
                "repo": "a/b",
                "sha": "abcdef0",
                "environment": "production",
                "status": "success",
                "time": "2026-03-02T10:00:00Z",
            },
        )
    ],
    "api:move": [("post", "/api/v1/incidents/{incident}/state", {"state": "resolved"})],
    "api:name_cause": [("post", "/api/v1/incidents/{incident}/cause", {"deployment": 1})],
    "api:assign_role": [
        (
            "post",
            "/api/v1/incidents/{incident}/roles",
            {"role": "commander", "person": "yuki", "note": "x"},
        )
    ],
    "api:post_update": [("post", "/api/v1/incidents/{incident}/updates", {"text": "all good"})],
    "api:save_postmortem": [("put", "/api/v1/incidents/{incident}/postmortem", {"text": "mine"})],
    "api:postmortem_done": [("post", "/api/v1/incidents/{incident}/postmortem/done", {})],
    "api:add_action_item": [
        (
            "post",
            "/api/v1/incidents/{incident}/action-items",
            {"title": "x", "owner": "mia", "due": "2026-12-01"},
        )
    ],
    "api:action_item_done": [("post", "/api/v1/incidents/action-items/{action}/done", {})],
    "api:action_item_owner": [
        ("post", "/api/v1/incidents/action-items/{action}/owner", {"owner": "yuki"})
    ],
    "api:import_absences": [],  # multipart: tests/people/test_service.py covers its rule
    "work:add": [("post", "/work/teams/payments/add/", {"title": "x", "dri": "yuki"})],
    "work:move": [("post", "/work/{initiative}/move/", {"move": "start"})],
    "work:assign": [("post", "/work/{initiative}/assign/", {"person": "yuki"})],
    "work:target": [("post", "/work/{initiative}/target/", {"target": "2027-06-01"})],
    "work:criterion": [("post", "/work/{initiative}/criteria/1/", {})],
    "work:add_criterion": [("post", "/work/{initiative}/criteria/", {"text": "mine"})],
    "work:link": [("post", "/work/{initiative}/links/", {"components": "ledger"})],
    "work:progress": [
        ("post", "/work/{initiative}/progress/", {"where": "team:mobile", "state": "done"})
    ],
    "work:import": [],  # multipart: tests/work/test_surfaces.py imports as an outsider
    "api:add_criterion": [
        ("post", "/api/v1/work/initiatives/{initiative}/criteria", {"text": "mine"})
    ],
    "api:link_initiative": [
        ("post", "/api/v1/work/initiatives/{initiative}/links", {"components": ["ledger"]})
    ],
    "api:import_work_file": [
        (
            "post",
            "/api/v1/work/file",
            {
                "text": "initiatives:\n- id: {initiative}\n  title: Mine\n  team: payments\n"
                "  dri: yuki\n"
            },
        )
    ],
    "orghealth:concern": [
        ("post", "/org-health/concerns/{concern}/", {"do": "ack"}),
        ("post", "/org-health/concerns/{concern}/", {"do": "act", "action": "mine"}),
    ],
    "cadence:retro": [
        (
            "post",
            "/cadence/rituals/{retro}/retro/",
            {"do": "card", "start": "2026-11-27T15:00:00Z", "kind": "idea", "text": "x"},
        ),
        ("post", "/cadence/rituals/{retro}/retro/", {"do": "done", "card": "{card}"}),
    ],
    "api:add_retro_card": [
        (
            "post",
            "/api/v1/cadence/rituals/{retro}/retro",
            {"start": "2026-11-27T15:00:00Z", "kind": "idea", "text": "x"},
        )
    ],
    "api:make_retro_action": [
        ("post", "/api/v1/cadence/retro/{card}/action", {"owner": "yuki", "due": "2026-12-20"})
    ],
    "api:finish_retro_action": [("post", "/api/v1/cadence/retro/{card}/done", {})],
    "orghealth:pulse": [
        ("post", "/org-health/pulse/payments/", {"clarity": "1", "autonomy": "1", "pace": "1"})
    ],
    "api:answer_pulse": [
        (
            "post",
            "/api/v1/health/pulse",
            {"team": "payments", "clarity": 1, "autonomy": 1, "pace": 1},
        )
    ],
    "orghealth:drift": [("post", "/org-health/drift/", {"ritual": "{ritual}"})],
    "api:drift_to_agenda": [("post", "/api/v1/health/drift/agenda", {"ritual": "{ritual}"})],
    "api:acknowledge_concern": [("post", "/api/v1/health/concerns/{concern}/acknowledge", {})],
    "api:act_on_concern": [("post", "/api/v1/health/concerns/{concern}/act", {"action": "mine"})],
    "work:capacity": [("post", "/work/teams/payments/capacity/", {"note": "x"})],
    "work:respond": [("post", "/work/signals/{signal}/respond/", {"response": "resequence"})],
    "work:valve": [("post", "/work/teams/payments/valves/quarter-end/open/", {})],
    "api:add_initiative": [
        ("post", "/api/v1/work/initiatives", {"title": "x", "team": "payments", "dri": "yuki"})
    ],
    "api:move_initiative": [("post", "/api/v1/work/initiatives/{initiative}/start", {})],
    "api:assign_person": [
        ("post", "/api/v1/work/initiatives/{initiative}/people", {"person": "yuki"})
    ],
    "api:settle_criterion": [("post", "/api/v1/work/initiatives/{initiative}/criteria/1", {})],
    "api:move_target": [
        ("post", "/api/v1/work/initiatives/{initiative}/target", {"target": "2027-06-01"})
    ],
    "api:set_progress": [
        (
            "post",
            "/api/v1/work/initiatives/{initiative}/progress",
            {"team": "mobile", "state": "done"},
        )
    ],
    "api:raise_capacity_signal": [
        ("post", "/api/v1/work/signals", {"team": "payments", "note": "x"})
    ],
    "api:respond_to_signal": [
        ("post", "/api/v1/work/signals/{signal}/respond", {"response": "resequence"})
    ],
    "api:move_valve": [("post", "/api/v1/work/teams/payments/valves/quarter-end/open", {})],
    "knowledge:refresh": [("post", "/knowledge/components/ledger/refresh", {})],
    "access:request": [
        (
            "post",
            "/access/request/",
            {
                "system": "prod-db",
                "role": "read-replica",
                "person": "mia",
                "reason": "x",
                "days": "1",
            },
        )
    ],
    "access:approve": [("post", "/access/grants/{grant}/approve/", {})],
    "access:deny": [("post", "/access/grants/{grant}/deny/", {"reason": "no"})],
    "access:revoke": [("post", "/access/grants/{active}/revoke/", {"reason": "x"})],
    "api:request_grant": [
        (
            "post",
            "/api/v1/access/grants",
            {
                "system": "prod-db",
                "role": "read-replica",
                "person": "mia",
                "reason": "x",
                "days": 1,
            },
        )
    ],
    "api:approve_grant": [("post", "/api/v1/access/grants/{grant}/approve", {})],
    "api:deny_grant": [("post", "/api/v1/access/grants/{grant}/deny", {"reason": "no"})],
    "api:revoke_grant": [("post", "/api/v1/access/grants/{active}/revoke", {})],
    "onboarding:start": [("post", "/onboarding/start/", {"person": "zoe"})],
    "onboarding:tick": [("post", "/onboarding/zoe/tick/", {"item": "{step}"})],
    "onboarding:buddies": [
        ("post", "/onboarding/zoe/buddies/", {"tech": "mia", "culture": "bruno"})
    ],
    "onboarding:review": [("post", "/onboarding/zoe/review/", {"note": "x"})],
    "api:start_programme": [("post", "/api/v1/onboarding/programmes", {"person": "zoe"})],
    "api:confirm_buddies": [
        ("post", "/api/v1/onboarding/programmes/zoe/buddies", {"tech": "mia", "culture": "bruno"})
    ],
    "api:tick_item": [("post", "/api/v1/onboarding/items/{step}/tick", {})],
    "api:review_programme": [("post", "/api/v1/onboarding/programmes/zoe/reviews", {"note": "x"})],
    "api:record_rotation": [
        ("post", "/api/v1/access/systems/prod-db/credentials/migration-user/rotated", {})
    ],
    "api:refresh_truck_factor": [("post", "/api/v1/knowledge/components/ledger/refresh", {})],
}

# writes anyone signed in may make, and why
OPEN = {
    "login": "signing in (throttled: tests/people/test_views.py)",
    "logout": "signing out",
    "invite": "choosing a password: the one-time invitation link is the credential",
    "decisions:new": "anyone may write a record and becomes its DRI",
    "decisions:preview": "renders Markdown, writes nothing",
    "api:create_record": "anyone may write a record and becomes its DRI",
    "api:comment": "anyone may comment on a record",
    "cadence:write": "one's own weekly update",
    "api:post_update": "one's own weekly update (cadence) / incidents: see REFUSED",
    "cadence:follow": "whom one follows",
    "api:follow": "whom one follows",
    "api:unfollow": "whom one follows",
    "cadence:handoffs": "one's own hand-off to the next region",
    "api:write_handoff": "one's own hand-off to the next region",
    "cadence:handoff": "acknowledging: only a receiver (cadence.handoffs.acknowledge)",
    "api:acknowledge": "a hand-off's receiver; a page: anyone who picks it up",
    "cadence:one_on_ones": "a 1:1 one attends (tests/cadence/test_permissions.py)",
    "notify:inbox": "marking one's own notifications read",
    "notify:preferences": "one's own channels",
    "api:mark_read": "marking one's own notifications read",
    "api:set_preferences": "one's own channels",
    "oncall:schedule": "adding an override: covering is a favour anyone may do (ADR 11)",
    "api:add_override": "adding an override: covering is a favour anyone may do (ADR 11)",
    "oncall:alert": "acknowledging or resolving a page: whoever picks it up",
    "api:resolve": "acknowledging or resolving a page: whoever picks it up",
    "oncall:link": "a signed one-time link acts for the person it was sent to",
    "api:intake": "alert intake: the integration's secret URL is the credential",
    "api:github_webhook": "GitHub's webhook: the secret URL and the delivery's signature",
    "incidents:list": "anyone may declare an incident",
    "api:declare": "anyone may declare an incident",
    "api:add_entry": "anyone may add to an incident's timeline",
    "api:promote": "a decision on the timeline becomes a draft ADR its promoter owns",
    "api:business_hours_batch": "a calculation, writes nothing",
    "orghealth:concerns": "anyone may raise a concern (a safety net; docs/health.md)",
    "api:raise_concern": "anyone may raise a concern (a safety net; docs/health.md)",
}


def _hub_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if p.namespace not in ("admin", "api"):
                    walk(p, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver(), None)
    return names


def _api_writes() -> set[str]:
    return {
        f"api:{op.view_func.__name__}"
        for _, router in api._routers
        for view in router.path_operations.values()
        for op in view.operations
        if set(op.methods) - {"GET"}
    }


READ_ONLY = {
    "preview",
    "delivery:health",
    "delivery:team",
    "delivery:deployments",
    "delivery:pulls",
    "metrics",
    "cadence:recurrence",
    "people:search",
    "people:home",
    "people:directory",
    "people:person",
    "people:team",
    "people:components",
    "decisions:log",
    "decisions:waiting",
    "decisions:record",
    "cadence:status",
    "cadence:team",
    "cadence:risks",
    "cadence:team_week",
    "cadence:burden",
    "cadence:feed",
    "notify:dead_letters",
    "oncall:now",
    "oncall:setup",
    "oncall:alerts",
    "incidents:postmortems",
    "incidents:status",
    "work:portfolio",
    "work:board",
    "work:initiative",
    "work:signal",
    "work:migrations",
    "work:export",
    "orghealth:heat_map",
    "orghealth:diagnose",
    "orghealth:team",
    "orghealth:trace",
    "orghealth:maturity",
    "knowledge:overview",
    "orghealth:single_points",
    "access:register",
    "access:grant",
    "onboarding:overview",
    "onboarding:programme",
    "knowledge:component",
}


def test_every_write_is_in_the_matrix():
    """A new hub page or API write must say who may not use it, or why everyone may."""
    known = set(REFUSED) | set(OPEN) | READ_ONLY
    unlisted = sorted((_hub_names() | _api_writes()) - known)
    assert not unlisted, f"add these to the permission matrix: {unlisted}"


def _snapshot() -> str:
    tables = {}
    for model in apps.get_models():
        if model.__module__.startswith("sunrelay."):
            rows = model.objects.order_by("pk").values()
            tables[model._meta.label] = [{k: str(v) for k, v in r.items()} for r in rows]
    return json.dumps(tables, sort_keys=True)


@pytest.fixture
def world(demo) -> dict[str, Any]:
    with clock.frozen(NOW):
        record = decisions.create_record({"title": "Use Kafka", "team": "payments"}, "bruno")
        other = decisions.create_record({"title": "Use Pulsar", "team": "payments"}, "bruno")
        review.request_review(other.pk, "bruno", reviewers=["mia"])
        incident = incidents.declare("Ledger down", "SEV2", person("ana"), component="ledger")
        action = followups.add_action_item(
            incident.pk, "Alert on lag", "mia", date(2026, 12, 1), person("ana")
        )
        update = status.post_update(
            person("chloe"), team="payments", risks="- Cut-over may slip @bruno"
        )
        initiative = work.add_initiative(
            work.Draft(
                "Ledger v2", "payments", "bruno", criteria=["read-only"], progress_teams=["mobile"]
            ),
            "ana",
        )
        signal = capacity.raise_signal("payments", "bruno", "too much")
        concern = concerns.raise_concern("payments", "bruno", "technical", "low", "no runbook")
        retro = rituals.save_ritual(RETRO, by="ana")
        card = retros.add_input(retro.pk, utc(2026, 11, 27, 15), "bruno", kind="idea", text="x")
        asked = access.request_grant("prod-db", "read-replica", "mia", "lag", 3, by=Actor("mia"))
        active = access.request_grant("grafana", "editor", "mia", "boards", 3, by=Actor("mia"))
        access.approve(active.pk, Actor("ana"))
        people.create_person(
            {"id": "zoe", "name": "Zoe", "timezone": "UTC", "start_date": "2026-12-07"},
            team="payments",
        )
        newcomer = onboarding.start("zoe", by=Actor("ana"))
        retros.make_action(card.pk, "ana", owner="bruno", due=date(2026, 12, 4))
        note = notify.send("ana", "test", "Hello", "")
        note.state = "dead"
        note.save()
        return {
            "record": record.pk,
            "other": other.pk,
            "incident": incident.pk,
            "action": action.pk,
            "item": update.items.get().pk,
            "pair": rituals.save_ritual(ONE_ON_ONE, by="ana").pk,
            "ritual": rituals.save_ritual(DEMO_HOUR, by="chloe").pk,
            "absence": people.add_absence("bruno", date(2027, 3, 1), date(2027, 3, 2)).pk,
            "override": oncall.add_override(
                "payments-primary", "bruno", utc(2026, 12, 1, 9), utc(2026, 12, 1, 17), by="mia"
            ).pk,
            "policy": EscalationPolicy.objects.filter(team__slug="payments").first().slug,
            "note": note.pk,
            "source": delivery.create_source("github-matrix").source.slug,
            "initiative": initiative.pk,
            "signal": signal.pk,
            "concern": concern.pk,
            "retro": retro.pk,
            "card": card.pk,
            "grant": asked.pk,
            "active": active.pk,
            "step": newcomer.items.first().pk,
        }


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


CASES = [(name, *req) for name, reqs in REFUSED.items() for req in reqs]


@pytest.mark.parametrize(
    ("name", "method", "path", "body"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_a_colleague_from_another_team_changes_nothing(world, name, method, path, body):
    yuki = sign_in("yuki")
    url, data = _fill(path, world), _fill(body, world)
    before = _snapshot()
    with clock.frozen(NOW):
        if name.startswith("api:"):
            answer = getattr(yuki, method)(url, json.dumps(data), content_type="application/json")
            assert answer.status_code in (403, 404), (answer.status_code, answer.content[:300])
        else:
            answer = getattr(yuki, method)(url, data)
            assert answer.status_code < 500
    assert _snapshot() == before, f"{method.upper()} {url} changed something as yuki"


HOSTILE = ["\x00", "x" * 10_001, "-1", "9" * 20, "", " ", "2026-02-30", "nan", "1e309", "<b>",
           "../../etc/passwd"]  # fmt: skip


def test_hostile_values_in_any_hub_write_get_an_answer_not_a_500(world):
    """Every hub write of the matrix, each of its fields replaced in turn by each hostile
    value, by staff and by the team's lead (who may make most of them): an answer naming the
    problem, a refusal or a redirect, never a 500. The writes run one after another, so later
    ones also meet what earlier ones did (a team removed, say)."""
    failed = []
    for who in (sign_in("boss", staff=True), sign_in("ana")):
        for name, requests in REFUSED.items():
            if name.startswith("api:"):  # API bodies meet their schemas before any view
                continue
            for method, path, body in requests:
                url, data = _fill(path, world), _fill(body, world)
                for field in list(data) or ["x"]:
                    for value in HOSTILE:
                        with clock.frozen(NOW):
                            answer = getattr(who, method)(url, {**data, field: value})
                        if answer.status_code >= 500:
                            failed.append((url, field, value[:20], answer.status_code))
    assert not failed
