"""Initiatives through the service: the team's WIP limit queues a start and the queue starts
by itself; a person's third active initiative is refused; exit criteria gate done; a
dependency's slip tells the dependent DRI and lets the dependent team de-scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sunrelay.core import clock
from sunrelay.core.errors import PermissionDenied, ValidationFailed
from sunrelay.notify.models import Notification
from sunrelay.work import logic, service
from sunrelay.work.errors import NotDone, OverLimit, StateNotAllowed
from sunrelay.work.models import Initiative
from tests.work.conftest import T0, who


def add(
    title: str, klass: str = "customer", *, team: str = "core", dri: str = "ana", **more
) -> Initiative:
    draft = service.Draft(title=title, team=team, dri=dri, klass=klass, **more)
    return service.add_initiative(draft, who("lena") if team == "core" else who("omar"))


def state(initiative: Initiative) -> str:
    initiative.refresh_from_db()
    return initiative.state


def test_a_third_start_queues_and_starts_by_itself_when_one_finishes(org):
    with clock.frozen(T0):
        one, two = add("Ledger v2"), add("Audit log", "internal-tooling")
        third = add("Dark mode", "speculative")
        for initiative in (one, two):
            service.start(initiative.pk, who("lena"))
        queued = service.start(third.pk, who("lena"), reason="next up")
    assert (state(one), state(two), queued.state) == ("active", "active", "queued")
    waits = third.events.get(kind="queued").text
    assert waits == f"queued; waits for a free slot: #{one.pk}, #{two.pk}"
    with clock.frozen(T0 + timedelta(days=1)):
        service.finish(one.pk, who("ana"))
    assert state(third) == "active"
    assert third.events.last().text == "started from the queue: a slot freed"
    told = Notification.objects.get(kind="work.started")
    assert told.recipient.slug == "ana" and "Dark mode" in told.subject


def test_the_queue_starts_the_most_sacred_class_first_then_who_asked_first(org):
    with clock.frozen(T0):
        for title in ("A", "B"):
            service.start(add(title).pk, who("lena"))
        late = add("Speculative first asked", "speculative")
        service.start(late.pk, who("lena"))
    with clock.frozen(T0 + timedelta(hours=1)):
        sacred = add("Customer promise", "customer-committed")
        service.start(sacred.pk, who("lena"))
        same_class_later = add("Another promise", "customer-committed")
        service.start(same_class_later.pk, who("lena"))
        service.drop(Initiative.objects.get(title="A").pk, who("lena"), reason="not needed")
    assert (state(sacred), state(same_class_later), state(late)) == ("active", "queued", "queued")


def test_a_persons_third_active_assignment_is_refused_naming_their_two(org):
    with clock.frozen(T0):
        a = add("Ledger v2", people=["bruno"])
        b = add("Audit log", people=["bruno"])
        c = add("Payouts", team="app", dri="pia")
        service.start(a.pk, who("lena"))
        service.start(b.pk, who("lena"))
        service.start(c.pk, who("omar"))
        with pytest.raises(OverLimit) as caught:
            service.assign(c.pk, "bruno", who("omar"))
    assert caught.value.field == "people"
    assert (
        f"#{a.pk} Ledger v2" in caught.value.message
        and f"#{b.pk} Audit log" in caught.value.message
    )
    assert "the limit is 2" in caught.value.message
    assert not c.people.filter(slug="bruno").exists()
    # assigning someone to work not yet active is fine; starting it is then refused
    with clock.frozen(T0):
        d = add("Reports", team="app", dri="pia", people=["bruno"])
        with pytest.raises(OverLimit):
            service.start(d.pk, who("omar"))
    assert state(d) == "proposed"


def test_a_start_beyond_the_limit_needs_the_lead_and_a_reason_and_counts_as_an_exception(org):
    with clock.frozen(T0):
        for title in ("A", "B"):
            service.start(add(title).pk, who("lena"))
        urgent = add("Hotfix programme", "incident-response", dri="ana")
        with pytest.raises(ValidationFailed) as no_reason:
            service.start(urgent.pk, who("lena"), force=True)
        assert no_reason.value.field == "reason"
        with pytest.raises(PermissionDenied):
            service.start(urgent.pk, who("ana"), force=True, reason="I want it")
        started = service.start(urgent.pk, who("lena"), force=True, reason="SEV1 follow-up")
    assert started.state == "active" and started.exception == "SEV1 follow-up"
    assert started.events.filter(kind="exception").count() == 1


def test_done_needs_every_exit_criterion_met_or_waived_with_a_reason(org):
    with clock.frozen(T0):
        initiative = add("Ledger v2", criteria=["Old ledger read-only", "Runbook updated"])
        service.start(initiative.pk, who("ana"))
        with pytest.raises(NotDone) as caught:
            service.finish(initiative.pk, who("ana"))
        assert "1. Old ledger read-only; 2. Runbook updated" in caught.value.message
        service.settle_criterion(initiative.pk, 1, who("ana"))
        with pytest.raises(ValidationFailed):
            service.settle_criterion(initiative.pk, 2, who("ana"), waive="  ")
        service.settle_criterion(initiative.pk, 2, who("ana"), waive="runbooks move to the wiki")
        done = service.finish(initiative.pk, who("ana"))
    assert done.state == "done" and done.finished_at == T0
    kinds = list(done.events.values_list("kind", flat=True))
    assert kinds == ["proposed", "started", "met", "waived", "done"]


def test_only_the_dri_the_lead_or_staff_change_an_initiative(org):
    with clock.frozen(T0):
        initiative = add("Ledger v2", dri="ana")
        with pytest.raises(PermissionDenied):
            service.start(initiative.pk, who("bruno"))
        with pytest.raises(PermissionDenied):
            service.add_initiative(service.Draft("x", "core", "pia"), who("pia"))
        with pytest.raises(StateNotAllowed):
            service.finish(initiative.pk, who("ana"))
    assert state(initiative) == "proposed"


def test_a_class_outside_the_teams_list_is_refused_naming_the_field(org):
    with pytest.raises(ValidationFailed) as caught:
        add("x", "whenever")
    assert caught.value.field == "class" and "customer-committed" in caught.value.message
    assert not Initiative.objects.exists()


def test_a_dependency_slipping_eight_days_tells_the_dependent_dri_and_grants_descope(org):
    with clock.frozen(T0):
        base = add("Ledger API v2", target=date(2026, 12, 14))
        dependent = add("Payouts on ledger v2", team="app", dri="omar", depends_on=[base.pk])
        service.start(base.pk, who("ana"))
        with pytest.raises(PermissionDenied):  # pia is neither its DRI nor app's lead
            service.move_target(dependent.pk, date(2027, 1, 15), "pia")
        service.move_target(base.pk, date(2026, 12, 18), who("ana"), reason="4 days: within")
    assert not Notification.objects.filter(kind="work.dependency").exists()
    with clock.frozen(T0 + timedelta(hours=1)):
        service.move_target(base.pk, date(2026, 12, 26), who("ana"), reason="vendor late")
    told = Notification.objects.filter(kind="work.dependency")
    assert [n.recipient.slug for n in told] == ["omar"]
    assert told[0].subject == (
        f"#{base.pk} Ledger API v2 slipped from 2026-12-18 to 2026-12-26; "
        f"you may de-scope #{dependent.pk}"
    )
    dependent.refresh_from_db()
    assert dependent.descope_granted_at == T0 + timedelta(hours=1)
    grant = dependent.events.get(kind="may_descope")
    assert "may de-scope or re-sequence this without escalating" in grant.text
    assert grant.reason == "vendor late"
    # the dependent team's members now de-scope without their lead
    with clock.frozen(T0 + timedelta(hours=2)):
        service.move_target(dependent.pk, date(2027, 1, 15), "pia")
        service.add_criterion(dependent.pk, "Payouts behind a flag", "pia")


def test_a_dependency_cycle_is_refused(org):
    a = add("A")
    b = add("B", depends_on=[a.pk])
    with pytest.raises(ValidationFailed) as caught:
        service.link(a.pk, who("lena"), depends_on=[b.pk])
    assert caught.value.field == "depends_on"


def test_rules_come_from_the_team_then_above_then_the_organisation(org):
    from sunrelay.people.models import Team

    core = service.rules_for(Team.objects.get(slug="core"))
    app = service.rules_for(Team.objects.get(slug="app"))
    assert core.product == "kenji" and core.per_person == 2
    assert app.classes == logic.DEFAULT_CLASSES and app.valves == ()
