"""Pressure-release valves: a trigger proposes, an engineering and a product role must both
confirm, the least sacred work pauses first, and it all resumes in reverse order when the
return-to-normal condition holds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sunrelay.core import clock
from sunrelay.core.errors import PermissionDenied
from sunrelay.incidents import service as incidents
from sunrelay.notify.models import Notification
from sunrelay.work import service, valves
from sunrelay.work.errors import StateNotAllowed
from sunrelay.work.models import Event, Initiative, ValveOpening
from tests.work.conftest import T0, who


def started(title: str, klass: str) -> Initiative:
    initiative = service.add_initiative(
        service.Draft(title, "core", "ana", klass=klass), who("lena")
    )
    return service.start(initiative.pk, who("lena"), force=True, reason="set-up")


def states() -> dict[str, str]:
    return dict(Initiative.objects.values_list("title", "state"))


def test_a_valve_needs_engineering_and_product_pauses_least_sacred_first_and_resumes_in_reverse(
    org,
):
    with clock.frozen(T0):
        started("Customer promise", "customer-committed")
        started("Build cache", "internal-tooling")
        spec_old = started("Dark mode", "speculative")
    with clock.frozen(T0 + timedelta(minutes=5)):
        spec_new = started("Voice UI", "speculative")
        waiting = service.add_initiative(service.Draft("Waiting", "core", "ana"), who("lena"))
        assert service.start(waiting.pk, who("lena")).state == "queued"
        incident = incidents.declare("Ledger down", "SEV2", who("ana"), team="core")
        assert valves.check() == (1, 0)
    opening = ValveOpening.objects.get()
    assert opening.state == "proposed" and opening.why == "1 open SEV1/SEV2 incidents"
    asked = Notification.objects.filter(kind="work.valve_proposed")
    assert sorted(n.recipient.slug for n in asked) == ["ana", "bruno", "carla", "kenji", "lena"]
    with clock.frozen(T0 + timedelta(minutes=10)):
        valves.confirm("core", "incident-load", "lena")
        with pytest.raises(PermissionDenied):  # a second engineer adds nothing the rule needs
            valves.confirm("core", "incident-load", "bruno")
        assert states()["Voice UI"] == "active"
        valves.confirm("core", "incident-load", "kenji")
    opening.refresh_from_db()
    assert opening.state == "open" and [c["person"] for c in opening.confirmations] == [
        "lena",
        "kenji",
    ]
    # up_to 2: the two speculative ones, the newest first; tooling and the promise carry on
    assert opening.paused == [spec_new.pk, spec_old.pk]
    # the slots the valve freed stay free while it is open: the queue waits
    assert states() == {
        "Customer promise": "active",
        "Build cache": "active",
        "Dark mode": "paused",
        "Voice UI": "paused",
        "Waiting": "queued",
    }
    announced = Notification.objects.filter(kind="work.valve_opened")
    assert {"lena", "ana", "kenji"} <= {n.recipient.slug for n in announced}
    assert valves.check() == (0, 0)  # still open: no second proposal, not calm yet
    with clock.frozen(T0 + timedelta(hours=3)):
        incidents.move(incident.pk, "resolved", who("ana"))
        assert valves.check() == (0, 1)
    opening.refresh_from_db()
    assert opening.state == "closed" and opening.closed_why == "the incidents were resolved"
    resumed = [e.initiative_id for e in Event.objects.filter(kind="resumed").order_by("pk")]
    assert resumed == [spec_old.pk, spec_new.pk]
    assert states()["Voice UI"] == "active" and states()["Build cache"] == "active"


def test_a_valve_without_its_roles_cannot_be_opened_and_a_hand_valve_freezes_starts(org):
    with pytest.raises(PermissionDenied):
        valves.propose("core", "by-hand", "ana")  # an engineer, not the engineering manager
    with clock.frozen(T0):
        opening = valves.propose("core", "by-hand", "lena", why="year-end freeze")
        assert opening.state == "open"
        with pytest.raises(StateNotAllowed):
            valves.propose("core", "by-hand", "lena")
        queued = service.add_initiative(service.Draft("New thing", "core", "ana"), who("lena"))
        after = service.start(queued.pk, who("lena"))
    assert after.state == "queued"
    assert after.events.get(kind="queued").text == "queued; waits for valve by-hand to close"
    with clock.frozen(T0 + timedelta(days=1)):
        valves.close("core", "by-hand", "lena")
    queued.refresh_from_db()
    assert queued.state == "active"


def test_an_open_valve_lets_the_most_sacred_class_start_and_routes_new_asks(org):
    from sunrelay.cadence import status
    from sunrelay.cadence.models import Item

    with clock.frozen(T0):
        started("Customer promise", "customer-committed")
        started("Big customer", "customer")
        valves.propose("core", "incident-load", "lena", why="two SEV2s")
        valves.confirm("core", "incident-load", "kenji")
        # nothing speculative to shed: still full, yet incident response starts through it
        urgent = service.add_initiative(
            service.Draft("Fix the pager", "core", "ana", klass="incident-response"), who("lena")
        )
        assert service.start(urgent.pk, who("lena")).state == "active"
        routine = service.add_initiative(service.Draft("Reports", "core", "ana"), who("lena"))
        assert service.start(routine.pk, who("lena")).state == "queued"
        status.post_update(who("bruno"), asks="- A reviewer for the ledger RFC")
    urgent.refresh_from_db()
    assert urgent.exception == "through valve incident-load"
    # the valve in this test org routes nothing: the ask stays with its author
    assert Item.objects.get(kind="ask").owner.slug == "bruno"


def test_a_valve_that_routes_asks_gives_new_asks_and_signals_to_its_person(org):
    from sunrelay.cadence import status
    from sunrelay.cadence.models import Item
    from sunrelay.people.models import Team
    from sunrelay.work import capacity

    core = Team.objects.get(slug="core")
    core.agreement["work"]["valves"][1]["route_asks_to"] = "grace"
    core.save()
    with clock.frozen(T0):
        valves.propose("core", "by-hand", "lena")
        status.post_update(who("bruno"), asks="- A reviewer for the ledger RFC\n- Budget @lena")
        signal = capacity.raise_signal("core", "carla", "too much")
    owners = dict(Item.objects.values_list("text", "owner__slug"))
    assert owners == {"A reviewer for the ledger RFC": "grace", "Budget @lena": "lena"}
    assert sorted(a.person.slug for a in signal.asks.all()) == ["grace", "kenji"]
