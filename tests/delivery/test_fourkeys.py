"""The ``fourkeys`` mode against answers worked out by hand from the Four Keys SQL: its
deployments, changes and incidents tables and its dashboard's four tiles.

The window is March 2026, four Sunday-start weeks: [2026-03-01, 2026-03-29).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sunrelay.delivery import service
from sunrelay.delivery.metrics import queries
from sunrelay.demo import webhooks as P

pytestmark = pytest.mark.django_db
REPO = "acme/ledger"
C1, C2, C3, C9 = ("1" * 40, "2" * 40, "3" * 40, "9" * 40)
START, END = date(2026, 3, 1), date(2026, 3, 29)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def ingest(*items: tuple[str, dict]) -> None:
    lines = [P.line(event, f"d-{i}", payload) for i, (event, payload) in enumerate(items)]
    report = service.ingest(lines)
    assert report.rejected == [] and report.new == len(items)


def keys(**kw) -> dict:
    return queries.dora_keys(START, END, queries.scope(**kw), "fourkeys")


def status(did: int, sha: str, env: str, state: str, t: datetime) -> tuple[str, dict]:
    return ("deployment_status", P.deployment_status(REPO, did, sha, env, state, t))


def history() -> list[tuple[str, dict]]:
    email = "ana@acme.test"
    return [
        ("push", P.push(REPO, "refs/heads/main",
                        [P.commit(C1, at(2, 8), email, "analima"),
                         P.commit(C2, at(2, 9), email, "analima")], at(2, 10))),
        # a success, the same deployment's success again, and staging: three deployments
        status(11, C2, "production", "success", at(2, 12)),
        status(11, C2, "production", "success", at(3, 12)),
        status(12, C2, "staging", "success", at(2, 11)),
        ("push", P.push(REPO, "refs/heads/main", [P.commit(C3, at(10, 9, 30), email, None)],
                        at(10, 10))),
        # a failure is no deployment; a success whose sha heads no push is none either
        status(13, C3, "production", "failure", at(10, 11)),
        status(14, C3, "production", "success", at(10, 12)),
        status(15, C9, "production", "success", at(11, 9)),
        # one incident, edited once: each delivery adds its root cause to the incident again
        ("issues", P.issue("opened", REPO, 5, created=at(10, 13), updated=at(10, 13),
                           labels=("Incident",), body=f"Checkout fails.\nroot cause: {C3}")),
        ("issues", P.issue("edited", REPO, 5, created=at(10, 13), updated=at(10, 14),
                           labels=("Incident",), body=f"Checkout fails!\nroot cause: {C3}")),
        ("issues", P.issue("closed", REPO, 5, created=at(10, 13), updated=at(10, 16, 30),
                           closed=at(10, 16, 30), labels=("Incident",),
                           body=f"Checkout fails!\nroot cause: {C3}")),
    ]  # fmt: skip


def test_the_four_tiles_worked_out_by_hand():
    """Deployments: the three successes of C2 (changes C1, C2) and the one of C3 (change C3).

    Lead time, minutes from each change to each deployment: 240, 180 (Mar 2 12:00); 1680,
    1620 (Mar 3 12:00); 180, 120 (staging, Mar 2 11:00); 150 (Mar 10 12:00). Interpolated
    median of the seven: 180 min = 3 h; p90: 1620 + 0.4 x 60 = 1644 min = 27.4 h.

    Incident 5 starts at its root cause's deployment (Mar 10 12:00, before the issue) and is
    resolved at 16:30: 4 whole hours. Its three deliveries make three incident rows for C3,
    so the failure rate is 3 rows ÷ 4 deployments = 0.75.

    Frequency: the first stored event is the push's head commit (Mar 2 09:00), so the days
    counted are Mar 3 to 28. Deploy days per week: 1 (Mar 3), 1 (Mar 10), 0, 0: median 0.5,
    not daily; weeks deployed 1, 1, 0, 0: median 0.5, not weekly; March's weeks deployed 2,
    median 2 ≥ 1: monthly.
    """
    ingest(*history())
    assert keys() == {
        "mode": "fourkeys",
        "from": "2026-03-01",
        "to": "2026-03-29",
        "deployments": 4,
        "deployment_frequency": {"per_week": 0.5, "bucket": "Monthly"},
        "lead_time_hours": {"median": 3.0, "p90": pytest.approx(27.4), "bucket": "One day"},
        "change_failure_rate": {"value": 0.75, "bucket": "46-60%"},
        "time_to_restore_hours": {"median": 4.0, "bucket": "One day"},
    }


def test_repeated_incident_edits_push_its_failure_rate_past_one():
    """The quirk the ``dora`` mode fixes: one deployment, one incident edited twice, three
    incident rows: a failure rate of 3."""
    ingest(
        ("push", P.push(REPO, "refs/heads/main", [P.commit(C1, at(2, 8), "a@acme.test", None)],
                        at(2, 8))),
        status(11, C1, "production", "success", at(2, 9)),
        *[
            ("issues", P.issue(action, REPO, 1, created=at(2, 10), updated=at(2, 10 + i),
                               labels=("Incident",), body=f"root cause: {C1}"))
            for i, action in enumerate(("opened", "edited", "edited"))
        ],
    )  # fmt: skip
    assert keys()["change_failure_rate"] == {"value": 3.0, "bucket": "46-60%"}
    dora = queries.dora_keys(START, END, queries.scope(), "dora")
    assert dora["change_failure_rate"] == {"value": 1.0, "bucket": "low"}


def test_a_deploy_is_timed_by_the_status_updated_at_a_later_edit_moves():
    ingest(
        ("push", P.push(REPO, "refs/heads/main", [P.commit(C1, at(2, 8), "a@acme.test", None)],
                        at(2, 8))),
        ("deployment_status", P.deployment_status(REPO, 11, C1, "production", "success", at(2, 9),
                                                  updated=at(20, 9))),
    )  # fmt: skip
    assert keys()["lead_time_hours"]["median"] == pytest.approx(18 * 24 + 1)  # Mar 20 09:00
    dora = queries.dora_keys(START, END, queries.scope(), "dora")
    assert dora["deployments"] == 1  # dated Mar 2 09:00 by its creation, never moved


def test_nothing_stored_answers_with_empty_tiles():
    assert keys() == {
        "mode": "fourkeys",
        "from": "2026-03-01",
        "to": "2026-03-29",
        "deployments": 0,
        "deployment_frequency": {"per_week": 0.0, "bucket": "No data"},
        "lead_time_hours": {"median": None, "p90": None, "bucket": "One day"},
        "change_failure_rate": {"value": 0.0, "bucket": "0-15%"},
        "time_to_restore_hours": {"median": None, "bucket": "No data"},
    }


def test_an_unresolved_incident_reads_one_year_as_its_case_does():
    ingest(
        ("issues", P.issue("opened", REPO, 9, created=at(4, 10), updated=at(4, 10),
                           labels=("Incident",), body="root cause: unknown")),
    )  # fmt: skip
    assert keys()["time_to_restore_hours"] == {"median": None, "bucket": "One year"}
