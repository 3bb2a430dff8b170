"""SQLite: this process's write transactions take turns in a queue before they ask SQLite.

Without the queue a waiting transaction sleeps in SQLite's busy handler and wakes late; four
threads taking alert deliveries were slower than one, with a 1.2 s p99 (benchmarks/intake.py).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from sunrelay.core.sqlite import base
from sunrelay.people.models import Team

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own backend"),
]


def test_a_transaction_holds_the_turn_until_it_commits_or_rolls_back(demo):
    assert not base._writers.locked()
    with transaction.atomic():
        Team.objects.filter(slug="payments").update(name="Payments")
        assert base._writers.locked()
        with transaction.atomic():  # a savepoint inside: the same turn
            assert base._writers.locked()
    assert not base._writers.locked()
    with pytest.raises(RuntimeError), transaction.atomic():
        Team.objects.filter(slug="payments").update(name="Lost")
        raise RuntimeError("the write fails halfway")
    assert not base._writers.locked()
    assert Team.objects.get(slug="payments").name == "Payments"


def test_a_closed_connection_gives_its_turn_back(demo):
    with transaction.atomic():
        assert base._writers.locked()
        connection.close()  # e.g. it broke in the middle of the transaction
        assert not base._writers.locked()
    assert Team.objects.filter(slug="payments").exists()  # and the next connection works


def test_a_second_thread_writes_after_the_first_commits(demo):
    order: list[str] = []
    asking = threading.Event()

    def second() -> None:
        try:
            asking.set()
            with transaction.atomic():
                order.append("second")
                Team.objects.filter(slug="payments").update(name="Second")
        finally:
            connections.close_all()

    with transaction.atomic():
        Team.objects.filter(slug="payments").update(name="First")
        thread = threading.Thread(target=second)
        thread.start()
        asking.wait()
        order.append("first")  # the second thread cannot be inside its transaction yet
    thread.join()
    assert order == ["first", "second"]
    assert Team.objects.get(slug="payments").name == "Second"
