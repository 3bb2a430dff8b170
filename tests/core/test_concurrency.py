"""Twenty writers at once: no "database is locked", no lost write, no duplicate row.

SQLite used to fail read-then-write transactions on lock upgrade well inside the busy timeout;
PostgreSQL failed first status updates on a check-then-insert race.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connections

from sunrelay.cadence import status
from sunrelay.cadence.models import StatusUpdate
from sunrelay.core import clock
from sunrelay.decisions import service as decisions
from sunrelay.decisions.models import Record
from sunrelay.oncall import service as oncall
from sunrelay.oncall.models import Override
from tests.cadence.helpers import person, utc

pytestmark = pytest.mark.django_db(transaction=True)
WRITERS = 20


def _together(work: Callable[[int], None]) -> list[BaseException]:
    """Run ``work(i)`` for i in 0..WRITERS-1 in threads released at the same instant."""
    start, failures = threading.Barrier(WRITERS), []

    def run(i: int) -> None:
        try:
            start.wait()
            work(i)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    close_old_connections()
    return failures


def test_twenty_edits_of_one_decision_all_land(demo):
    record = decisions.create_record({"title": "Use Kafka", "team": "payments"}, "bruno")

    def edit(i: int) -> None:
        for n in range(3):
            decisions.update_record(record.pk, {"body": f"edit {i}.{n}"}, "bruno")

    assert _together(edit) == []
    assert Record.objects.get(pk=record.pk).events.filter(kind="edited").count() == 60


def test_twenty_first_updates_of_one_person_make_one_update(demo):
    chloe = person("chloe")

    def post(i: int) -> None:
        with clock.frozen(utc(2026, 11, 23, 10)):
            status.post_update(chloe, team="payments", done=f"take {i}")

    assert _together(post) == []
    assert StatusUpdate.objects.filter(author=chloe).count() == 1


def test_twenty_overrides_at_once(demo):
    def cover(i: int) -> None:
        start = utc(2026, 12, 1 + i % 10, 9 + i // 10)
        oncall.add_override("payments-primary", "bruno", start, start.replace(hour=20), by="mia")

    assert _together(cover) == []
    assert Override.objects.count() == WRITERS


def test_twenty_new_records_get_twenty_numbers(demo):
    def write(i: int) -> None:
        decisions.create_record({"title": f"Record {i}", "team": "payments"}, "bruno")

    assert _together(write) == []
    numbers = sorted(Record.objects.values_list("number", flat=True))
    assert numbers == list(range(1, WRITERS + 1))


def test_twenty_deliveries_of_one_new_alert_group_make_one_group(demo):
    """Alertmanager in HA mode sends each notification from every replica at once."""
    import json

    from sunrelay.oncall import alerts
    from sunrelay.oncall.models import Alert, AlertGroup
    from tests.conftest import FIXTURES

    _, secret = alerts.create_integration("prometheus", "Prometheus", "alertmanager")
    payload = json.loads((FIXTURES / "alertmanager" / "firing.json").read_text())

    def deliver(i: int) -> None:
        with clock.frozen(utc(2026, 11, 23, 12)):
            alerts.receive(secret, payload)

    assert _together(deliver) == []
    assert AlertGroup.objects.count() == 1
    assert sorted(Alert.objects.values_list("received", flat=True)) == [WRITERS, WRITERS]
