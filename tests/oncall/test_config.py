"""The on-call set-up's read model: the same answers as the ORM, a delivery that reads it once,
and every committed change (in this process or another) seen by the next question, a rolled
back one never."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sunrelay.core import clock, revisions
from sunrelay.core.models import Revision
from sunrelay.oncall import alerts, config, policies, queries, service
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Team
from tests.oncall.test_alerts import T0, payload

pytestmark = pytest.mark.django_db(transaction=True)

LABELS = [
    {"service": "ledger"},
    {"service": "checkout-eu"},
    {"job": "kube-state"},
    {"component": "mobile-app"},  # no route: the component label names it
    {"service": "nothing-here"},
    {},
]
POSTGRES = int(connection.vendor == "postgresql")


@pytest.fixture(autouse=True)
def fresh():
    for model in (config.SETUP, people_queries.DIRECTORY):
        model.forget()
    yield
    for model in (config.SETUP, people_queries.DIRECTORY):
        model.forget()


@pytest.fixture
def secret(demo) -> str:
    _, found = alerts.create_integration("prometheus", "Prometheus", "alertmanager")
    return found


def answers() -> list[object]:
    """Routing, policies and who is on call, hour by hour across a week with overrides."""
    out: list[object] = [getattr(policies.route(labels), "slug", None) for labels in LABELS]
    out += [getattr(policies.policy_for(t), "slug", None) for t in Team.objects.order_by("slug")]
    for hours in range(0, 24 * 8, 5):
        at = T0 + timedelta(hours=hours)
        out += [queries.who(s, at) for s in ("payments-primary", "platform-sun")]
    return out


def test_the_read_model_answers_exactly_as_the_orm(demo):
    with clock.frozen(T0):
        service.add_override("payments-primary", "mia", T0 + timedelta(days=1),
                             T0 + timedelta(days=2))  # fmt: skip
        service.add_override("platform-sun", "priya", T0 + timedelta(hours=30),
                             T0 + timedelta(hours=40), replaces="tomas")  # fmt: skip
        with transaction.atomic():  # nothing held yet: every answer from the ORM
            expected = answers()
        assert config.SETUP.get() is not None
        with CaptureQueriesContext(connection) as asked:
            assert answers() == expected
    assert not any("oncall_route" in q["sql"] or "oncall_override" in q["sql"] for q in asked)


def test_a_new_group_reads_the_set_up_once(secret):
    """With the read model built, a storm's delivery pays one short revision query for the
    whole set-up (integration, route, policy, schedule, overrides, absences)."""
    with clock.frozen(T0):
        with config.steady():
            pass  # built, as the first delivery to a process does
        with CaptureQueriesContext(connection) as asked:
            assert alerts.receive(secret, payload("firing")).created
    sql = [q["sql"] for q in asked.captured_queries]
    assert sum("core_revision" in q for q in sql) == 1
    for table in ("oncall_integration\".\"id", "oncall_route", "oncall_escalationpolicy",
                  "oncall_oncallschedule", "oncall_override", "people_absence"):  # fmt: skip
        assert not any(table in q and q.startswith("SELECT") for q in sql), table
    assert len(sql) <= 13 + POSTGRES


def test_committed_changes_are_seen_by_the_next_delivery_and_rolled_back_ones_never(secret):
    with clock.frozen(T0):
        group = alerts.receive(secret, payload("firing")).group
        assert [p.person.slug for p in group.pages.all()] == ["chloe"]
        alerts.resolve(group.pk, None)
        # an override: mia covers chloe's week
        service.add_override("payments-primary", "mia", T0 - timedelta(hours=1),
                             T0 + timedelta(days=1), replaces="chloe")  # fmt: skip
        group = alerts.receive(secret, payload("firing")).group
        assert [p.person.slug for p in group.pages.all()] == ["mia"]
        alerts.resolve(group.pk, None)
        # the route now goes to a component of another team
        policies.set_routes([{"match": {"service": "ledger"}, "component": "api-gateway"}])
        group = alerts.receive(secret, payload("firing")).group
        assert (group.component.slug, group.team.slug, group.policy.slug) == (
            "api-gateway", "platform", "platform")  # fmt: skip
        alerts.resolve(group.pk, None)
        # a rolled-back change of the component's owner is never seen
        with pytest.raises(RuntimeError), transaction.atomic():
            people.update_component("api-gateway", {"owner": "mobile"})
            raise RuntimeError("the write fails halfway")
        group = alerts.receive(secret, payload("firing")).group
        assert group.team.slug == "platform"
        alerts.resolve(group.pk, None)
        # a committed one is
        people.update_component("api-gateway", {"owner": "payments"})
        group = alerts.receive(secret, payload("firing")).group
        assert (group.team.slug, group.policy.slug) == ("payments", "payments")
        # a rotated secret: the old address is refused at once
        fresh_secret = alerts.rotate_secret("prometheus")
        with pytest.raises(alerts.IntegrationNotFound):
            alerts.receive(secret, payload("resolved"))
        assert alerts.receive(fresh_secret, payload("resolved")).resolved


def test_another_processs_write_is_seen_through_the_revision_alone(secret):
    with clock.frozen(T0):
        assert config.SETUP.get().schedules["payments-primary"].name == "Payments primary"
        # written by another process: only the database's token says so
        type(config.SETUP.get().schedules["payments-primary"]).objects.filter(
            slug="payments-primary"
        ).update(name="Payments (renamed elsewhere)")
        assert config.SETUP.get().schedules["payments-primary"].name == "Payments primary"
        Revision.objects.filter(name=config.NAME).update(token="written-by-another-process")
        assert config.SETUP.get().schedules["payments-primary"].name == (
            "Payments (renamed elsewhere)"
        )


def test_a_write_inside_a_steady_block_stops_its_use_there(secret):
    """An alert delivery writes nothing the set-up is built from; were something to, the rest
    of the block would read the ORM (and see its own write)."""
    with clock.frozen(T0):
        with config.steady():
            assert config.setup() is not None
            with transaction.atomic():
                service.add_override("payments-primary", "mia", T0, T0 + timedelta(hours=2),
                                     replaces="chloe")  # fmt: skip
                assert config.setup() is None  # its own write: the ORM answers
                assert queries.who("payments-primary", T0) == ["mia"]
        assert queries.who("payments-primary", T0) == ["mia"]  # rebuilt after the commit


def test_questions_before_the_models_reach_read_the_orm(demo):
    """Overrides that ended long before the model was built are not in it."""
    old_start = T0 - timedelta(days=10)
    with clock.frozen(T0 - timedelta(days=11)):
        service.add_override("payments-primary", "mia", old_start, old_start + timedelta(hours=5),
                             replaces="ana")  # fmt: skip
    with clock.frozen(T0):
        config.SETUP.get()
        assert queries.who("payments-primary", old_start + timedelta(hours=1)) == ["mia"]


def test_every_kind_of_write_the_set_up_is_built_from_moves_its_revision(secret):
    names = (config.NAME, "catalog", "directory")
    with clock.frozen(T0):
        writes = [
            lambda: alerts.create_integration("grafana", "Grafana", "generic"),
            lambda: alerts.rotate_secret("grafana"),
            lambda: policies.set_routes([{"match": {"service": "x"}, "component": "ledger"}]),
            lambda: policies.save_policy(
                {
                    "id": "p2",
                    "name": "P2",
                    "team": "mobile",
                    "steps": [{"notify": {"person": "olivia"}}],
                }
            ),
            lambda: policies.delete_policy("p2"),
            lambda: service.add_override("payments-primary", "mia", T0, T0 + timedelta(hours=1)),
            lambda: service.delete_override(service.overrides("payments-primary")[0].pk),
            lambda: people.update_component("ledger", {"dri": "bruno"}),
            lambda: people.update_team("payments", {"lead": "bruno"}),
            lambda: policies.delete_policy("platform"),
            lambda: service.delete_schedule("platform-sun"),
        ]
        for write in writes:
            before = revisions.current(*names)
            write()
            assert revisions.current(*names) != before, write


def test_rosters_kept_for_the_day_are_cut_to_the_same_answers_as_computed_directly(demo):
    """A month of each schedule is computed once a day and kept; every window inside it is the
    roster computed for that window alone: rotations, follow-the-sun, overrides, absences."""
    with clock.frozen(T0):
        service.add_override("payments-primary", "mia", T0 + timedelta(days=3, hours=5),
                             T0 + timedelta(days=4))  # fmt: skip
        service.add_override("platform-sun", "priya", T0 + timedelta(hours=30),
                             T0 + timedelta(hours=40), replaces="tomas")  # fmt: skip
        people.add_absence("chloe", (T0 + timedelta(days=1)).date(),
                           (T0 + timedelta(days=2)).date(), "sick")  # fmt: skip
        schedules = list(service.schedules())
        windows = [(T0 + timedelta(hours=h), timedelta(hours=span))
                   for h in (0, 7, 29, 95, 24 * 20) for span in (1, 13, 24 * 7)]  # fmt: skip
        windows += [(T0, timedelta(days=14)), (T0 + timedelta(minutes=17), timedelta(days=30))]
        with CaptureQueriesContext(connection) as asked:
            kept = [queries.compute_many(schedules, s, s + span) for s, span in windows]
        assert sum("oncall_override" in q["sql"] for q in asked) <= 1  # the month, once
        direct = [queries._compute_many(schedules, s, s + span) for s, span in windows]
        assert kept == direct
        assert any(r.away for found in kept for r in found.values())  # chloe's day is in it
        # an override added now is in the next answer
        service.add_override("payments-primary", "ana", T0 + timedelta(hours=1),
                             T0 + timedelta(hours=2))  # fmt: skip
        assert queries.who("payments-primary", T0 + timedelta(hours=1, minutes=30)) == ["ana"]


class _PrunedAtOnce(dict):
    """The memo as one thread sees it while another, asking about a later day, prunes every
    roster as soon as it is stored."""

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.pop(key)


def test_a_roster_pruned_by_another_thread_right_after_it_is_stored_is_still_answered(demo):
    schedules = list(service.schedules())
    with clock.frozen(T0):
        kept = config.SETUP.get()
        object.__setattr__(kept, "rosters", _PrunedAtOnce())
        got = queries.compute_many(schedules, T0, T0 + timedelta(hours=6))
        with transaction.atomic():
            assert got == queries._compute_many(schedules, T0, T0 + timedelta(hours=6))
