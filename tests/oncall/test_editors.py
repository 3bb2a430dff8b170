"""The hub's on-call editors: schedules with layers, escalation policies, alert routes and
integrations, through the pages, with their permissions; and the pure form conversions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sunrelay.core import clock
from sunrelay.oncall import forms, policies, queries, service, specs
from sunrelay.oncall.models import AlertGroup, EscalationPolicy, OnCallSchedule
from sunrelay.people import orgfile
from tests.conftest import DEMO, FIXTURES

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _signed_in(username: str, *, staff: bool = False) -> Client:
    user = get_user_model().objects.create_user(username, password="pw-long-enough")
    user.is_staff = staff
    user.save()
    client = Client()
    client.force_login(user)
    return client


# -- pure conversions ----------------------------------------------------------------------------


def test_restriction_lines_read_day_ranges_and_write_them_back():
    text = (
        "mon-fri 18:00-24:00\nsat, sun 00:00-24:00\nfri-mon 09:00-12:00, 13:00-17:00\n08:00-09:00"
    )
    rules = forms.restrictions_from_text(text)
    assert rules == [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "hours": "18:00-24:00"},
        {"days": ["sat", "sun"], "hours": "00:00-24:00"},
        {"days": ["fri", "sat", "sun", "mon"], "hours": "09:00-12:00, 13:00-17:00"},
        {"hours": "08:00-09:00"},
    ]
    assert forms.restrictions_text(rules[:2]) == "mon-fri 18:00-24:00\nsat sun 00:00-24:00"
    assert forms.restrictions_from_text("mon-fri 18:00-24:00") == rules[:1]
    # an unknown day passes through, so the parser names it
    assert forms.restrictions_from_text("funday 09:00-10:00") == [
        {"days": ["funday"], "hours": "09:00-10:00"}
    ]


def test_every_demo_schedule_and_policy_survives_the_editor_unchanged():
    org = orgfile.parse(DEMO.read_text(), "org.yaml")
    for item in org.extra["schedules"]:
        spec, problems = specs.parse_schedule(item)
        assert spec is not None, problems
        data = specs.schedule_data(spec)
        again, problems = specs.parse_schedule(forms.schedule_item(forms.schedule_form(data)))
        assert again == spec, problems
    for item in org.extra["escalation_policies"]:
        spec, _ = specs.parse_policy(item)
        assert spec is not None
        data = specs.policy_data(spec) | {"team": spec.team}
        assert specs.parse_policy(forms.policy_item(forms.policy_form(data)))[0] == spec
    routes = [specs.route_data(specs.parse_route(r)[0]) for r in org.extra["alert_routes"]]
    assert forms.route_items(forms.route_form(routes)) == (routes, [])


def test_row_buttons_add_remove_and_reorder():
    values: forms.Values = {"steps": [{"notify": "person:ana"}, {"notify": "person:bruno"}]}
    assert forms.act(values, "steps", "add", forms.BLANK_STEP)
    assert forms.act(values, "steps", "up-1", forms.BLANK_STEP)
    assert [s["notify"] for s in values["steps"]] == ["person:bruno", "person:ana", ""]
    assert forms.act(values, "steps", "down-2", forms.BLANK_STEP)  # already last: unchanged
    assert forms.act(values, "steps", "remove-0", forms.BLANK_STEP)
    assert [s["notify"] for s in values["steps"]] == ["person:ana", ""]
    assert not forms.act(values, "steps", "save", forms.BLANK_STEP)


# -- schedules -----------------------------------------------------------------------------------

NEW_SCHEDULE = {
    "id": "payments-secondary",
    "name": "Payments secondary",
    "team": "payments",
    "timezone": "America/Sao_Paulo",
    "layers.0.name": "days",
    "layers.0.type": "rotation",
    "layers.0.participants": "bruno, mia",
    "layers.0.shift": "1d",
    "layers.0.start": "2026-11-02",
    "layers.0.handoff": "08:00",
    "layers.1.name": "weekend",
    "layers.1.type": "rotation",
    "layers.1.participants": "ana",
    "layers.1.shift": "weekly",
    "layers.1.start": "2026-11-07",
    "layers.1.handoff": "00:00",
    "layers.1.restrictions": "sat-sun 00:00-24:00",
}


def test_a_team_lead_builds_a_schedule_in_the_hub(demo):
    ana = _signed_in("ana")  # leads payments
    form = ana.get("/oncall/schedules/new/").content.decode()
    assert 'name="layers.0.participants"' in form
    # adding a layer posts the form back with everything typed kept, and saves nothing
    more = ana.post("/oncall/schedules/new/", NEW_SCHEDULE | {"action": "add"})
    page = more.content.decode()
    assert more.status_code == 200 and 'name="layers.2.type"' in page
    assert 'value="bruno, mia"' in page and "sat-sun 00:00-24:00" in page
    assert not OnCallSchedule.objects.filter(slug="payments-secondary").exists()

    saved = ana.post("/oncall/schedules/new/", NEW_SCHEDULE | {"action": "save"})
    assert saved.status_code == 302 and saved["Location"] == "/oncall/schedules/payments-secondary/"
    with clock.frozen(T0):  # Monday 2026-11-23, 09:00 in São Paulo
        assert queries.who("payments-secondary", T0) == ["mia"]
        saturday = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
        assert queries.who("payments-secondary", saturday) == ["ana"]
    stored = specs.schedule_data(service.spec_of(service.get_schedule("payments-secondary")))
    assert stored["layers"][1]["restrictions"] == [{"days": ["sat", "sun"], "hours": "00:00-24:00"}]

    shown = ana.get("/oncall/schedules/payments-secondary/?days=many")  # a bad range: 7 days
    assert shown.status_code == 200 and "Shifts of the next 7 days" in shown.content.decode()

    # the same id again is refused rather than silently replaced
    again = ana.post("/oncall/schedules/new/", NEW_SCHEDULE | {"action": "save"})
    assert again.status_code == 409 and "exists already" in again.content.decode()


def test_a_bad_schedule_names_every_field_and_changes_nothing(demo):
    ana = _signed_in("ana")
    before = service.get_schedule("payments-primary").layers
    edit = ana.get("/oncall/schedules/payments-primary/edit/").content.decode()
    assert 'value="ana, bruno, chloe, mia"' in edit and 'value="10:00"' in edit
    bad = {
        "name": "Payments primary",
        "team": "payments",
        "timezone": "Europe/Lisbon",
        "layers.0.name": "weekly",
        "layers.0.type": "rotation",
        "layers.0.participants": "ana, nobody",
        "layers.0.shift": "fortnightly",
        "layers.0.start": "2026-01-05",
        "layers.0.handoff": "10:00",
        "layers.0.restrictions": "funday 09:00-10:00",
        "action": "save",
    }
    response = ana.post("/oncall/schedules/payments-primary/edit/", bad)
    page = response.content.decode()
    assert response.status_code == 422
    assert "&#x27;fortnightly&#x27; is not a shift length" in page
    assert "funday" in page and 'class="field-error"' in page
    assert service.get_schedule("payments-primary").layers == before
    # with the shift fixed, the unknown person is named in turn
    response = ana.post(
        "/oncall/schedules/payments-primary/edit/",
        bad | {"layers.0.shift": "1w", "layers.0.restrictions": ""},
    )
    assert response.status_code == 422 and "no person with id &#x27;nobody&#x27;" in (
        response.content.decode()
    )
    assert service.get_schedule("payments-primary").layers == before


def test_only_staff_or_the_teams_lead_may_change_a_schedule(demo):
    data = {k: v for k, v in NEW_SCHEDULE.items() if not k.startswith("layers.1")}
    bruno = _signed_in("bruno")  # a member of payments, not its lead
    refused = bruno.post("/oncall/schedules/new/", data | {"action": "save"})
    assert refused.status_code == 403
    assert "only the lead of team &#x27;payments&#x27;" in refused.content.decode()
    chloe = _signed_in("chloe")  # leads platform: cannot move a payments schedule to platform
    moved = chloe.post(
        "/oncall/schedules/payments-primary/edit/",
        data | {"team": "platform", "action": "save"},
    )
    assert moved.status_code == 403
    assert service.get_schedule("payments-primary").team.slug == "payments"
    admin = _signed_in("root", staff=True)
    assert admin.post("/oncall/schedules/new/", data | {"action": "save"}).status_code == 302


def test_a_paged_schedule_cannot_be_deleted_until_its_policy_changes(demo):
    ana = _signed_in("ana")
    response = ana.post("/oncall/schedules/payments-primary/delete/", follow=True)
    assert "escalation policy &#x27;payments&#x27; pages this schedule" in (
        response.content.decode()
    )
    assert OnCallSchedule.objects.filter(slug="payments-primary").exists()
    policies.save_policy(
        {"id": "payments", "team": "payments", "steps": [{"notify": {"person": "ana"}}]}
    )
    ana.post("/oncall/schedules/payments-primary/delete/")
    assert not OnCallSchedule.objects.filter(slug="payments-primary").exists()


# -- escalation policies -------------------------------------------------------------------------


def test_a_lead_edits_the_escalation_ladder(demo):
    ana = _signed_in("ana")
    page = ana.get("/oncall/policies/payments/edit/").content.decode()
    assert 'value="schedule:payments-primary" selected' in page and 'value="10m"' in page
    form = {
        "name": "Payments",
        "team": "payments",
        "repeat": "2",
        "steps.0.notify": "schedule:payments-primary",
        "steps.0.wait": "5m",
        "steps.1.notify": "team:payments",
        "steps.1.wait": "20m",
    }
    reordered = ana.post("/oncall/policies/payments/edit/", form | {"action": "up-1"})
    assert reordered.content.decode().index('value="team:payments" selected') < (
        reordered.content.decode().index('value="schedule:payments-primary" selected')
    )
    bad = ana.post(
        "/oncall/policies/payments/edit/",
        form | {"steps.1.wait": "soon", "repeat": "11", "action": "save"},
    )
    text = bad.content.decode()
    assert bad.status_code == 422
    assert "must be a whole number from 0 to 10" in text and "soon" in text
    saved = ana.post("/oncall/policies/payments/edit/", form | {"action": "save"})
    assert saved.status_code == 302
    spec = policies.policy_spec(policies.get_policy("payments"))
    assert [(s.target, s.id, s.wait) for s in spec.steps] == [
        ("schedule", "payments-primary", timedelta(minutes=5)),
        ("team", "payments", timedelta(minutes=20)),
    ]
    assert spec.repeat == 2
    # a new policy for another team is not Ana's to write
    other = ana.post(
        "/oncall/policies/new/",
        {"id": "mobile", "team": "mobile", "steps.0.notify": "person:olivia", "action": "save"},
    )
    assert other.status_code == 403 and not EscalationPolicy.objects.filter(slug="mobile").exists()


# -- routes and integrations ---------------------------------------------------------------------


def test_staff_route_alerts_and_add_an_integration_that_takes_webhooks(demo):
    ana = _signed_in("ana")
    form = {
        "routes.0.match": "service=ledger",
        "routes.0.component": "ledger",
        "routes.1.match": "alertname=~Checkout.*\nseverity=critical",
        "routes.1.component": "checkout-api",
        "action": "save",
    }
    assert ana.post("/oncall/setup/routes/", form).status_code == 403  # routes belong to no team
    admin = _signed_in("root", staff=True)
    bad = admin.post(
        "/oncall/setup/routes/",
        form | {"routes.1.match": "alertname=~(unclosed\njust words", "routes.0.component": ""},
    )
    text = bad.content.decode()
    assert bad.status_code == 422 and "line 2: expected label=value" in text
    assert [specs.route_data(r)["component"] for r in policies.route_specs()] == [
        "ledger",
        "checkout-api",
        "k8s-clusters",
    ]
    assert admin.post("/oncall/setup/routes/", form).status_code == 302
    assert [specs.route_data(r) for r in policies.route_specs()] == [
        {"match": {"service": "ledger"}, "component": "ledger"},
        {
            "match": {"alertname": "~Checkout.*", "severity": "critical"},
            "component": "checkout-api",
        },
    ]
    assert "alertname=~Checkout.*" in admin.get("/oncall/setup/").content.decode()

    refused = ana.post(
        "/oncall/setup/integrations/", {"id": "prom", "kind": "alertmanager"}, follow=True
    )
    assert "only staff may change integrations" in refused.content.decode()
    made = admin.post(
        "/oncall/setup/integrations/", {"id": "prom", "name": "Prometheus", "kind": "alertmanager"}
    )
    url = made.content.decode().split('data-testid="intake-url">')[1].split("<")[0]
    payload = json.loads((FIXTURES / "alertmanager" / "firing.json").read_text())
    payload["commonLabels"] = {"alertname": "CheckoutLatency", "severity": "critical"}
    posted = Client().post("/" + url.split("/", 3)[3], payload, "application/json")
    assert posted.status_code in (200, 202), posted.content
    assert AlertGroup.objects.get().component.slug == "checkout-api"
    assert "Prometheus" in admin.get("/oncall/setup/").content.decode()


@pytest.mark.parametrize(
    "path", ["/oncall/setup/", "/oncall/schedules/new/", "/oncall/policies/new/"]
)
def test_the_editors_render_for_an_empty_organisation(db, path):
    page = _signed_in("someone").get(path)
    assert page.status_code == 200
