"""The ``dora`` mode: Sunrelay's definitions, each complaint about other tools as a test.

Window: March 2026, four weeks, [2026-03-01, 2026-03-29); production deployments of
acme/ledger. Answers are worked out by hand in each docstring.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sunrelay.core import clock
from sunrelay.delivery import service
from sunrelay.delivery.metrics import queries
from sunrelay.demo import webhooks as P

pytestmark = pytest.mark.django_db
REPO = "acme/ledger"
START, END = date(2026, 3, 1), date(2026, 3, 29)
M0, B1, B2, S1, X1, B3, MC2 = ("a0" * 20, "b1" * 20, "b2" * 20, "51" * 20, "e1" * 20,
                               "b3" * 20, "ac" * 20)  # fmt: skip
ANA = "ana@acme.test"


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def ingest(*items: tuple[str, dict]) -> None:
    lines = [P.line(event, f"d-{i}", payload) for i, (event, payload) in enumerate(items)]
    report = service.ingest(lines)
    assert report.rejected == [] and report.new == len(items)


def keys(bands: str = "2024", **kw) -> dict:
    return queries.dora_keys(START, END, queries.scope(**kw), "dora", bands)


def main(*commits: tuple[str, datetime], pushed: datetime) -> tuple[str, dict]:
    made = [P.commit(sha, t, ANA, "analima") for sha, t in commits]
    return ("push", P.push(REPO, "refs/heads/main", made, pushed))


def branch(name: str, sha: str, t: datetime) -> tuple[str, dict]:
    return ("push", P.push(REPO, f"refs/heads/{name}", [P.commit(sha, t, ANA, "analima")], t))


def merged(number: int, head: str, opened: datetime, merged_at: datetime, sha: str):
    return ("pull_request", P.pull_request(
        "closed", REPO, number, author="analima", created=opened, updated=merged_at,
        head_ref=head, merged_at=merged_at, merge_sha=sha, closed_at=merged_at))  # fmt: skip


def status(did: int, sha: str, state: str, t: datetime, env: str = "production"):
    return ("deployment_status", P.deployment_status(REPO, did, sha, env, state, t))


def baseline() -> list[tuple[str, dict]]:
    return [main((M0, at(2, 20, 9)), pushed=at(2, 20, 9)), status(10, M0, "success", at(2, 20, 12))]


def month() -> list[tuple[str, dict]]:
    return [
        *baseline(),
        # PR 1, squash-merged: its branch commits never reach main, its squash commit S1 does
        branch("feat-1", B1, at(3, 2, 9)),
        branch("feat-1", B2, at(3, 2, 15)),
        merged(1, "feat-1", at(3, 2, 10), at(3, 3, 10), S1),
        main((S1, at(3, 3, 10)), pushed=at(3, 3, 10)),
        main((X1, at(3, 3, 11)), pushed=at(3, 3, 11)),  # a direct push: not a change
        ("deployment_status", P.deployment_status(REPO, 20, X1, "production", "in_progress",
                                                  at(3, 3, 12), created=at(3, 3, 12))),
        status(20, X1, "success", at(3, 3, 12, 10)),
        status(20, X1, "inactive", at(3, 5, 9)),  # GitHub retires it when the next one lands
        status(21, X1, "success", at(3, 5, 9)),  # a redeploy of the same sha
        # PR 2, merged with a merge commit that brings its branch commit along
        branch("feat-2", B3, at(3, 9, 9)),
        merged(2, "feat-2", at(3, 9, 10), at(3, 9, 17), MC2),
        main((B3, at(3, 9, 9)), (MC2, at(3, 9, 17)), pushed=at(3, 9, 17)),
        status(22, MC2, "failure", at(3, 10, 8, 5)),
        status(23, MC2, "success", at(3, 10, 9, 10)),
        status(24, MC2, "success", at(3, 10, 9, 30), env="staging"),
        *[
            ("issues", P.issue(action, REPO, 7, created=at(3, 10, 10), updated=at(3, 10, 10 + i),
                               closed=at(3, 10, 11) if action == "closed" else None,
                               labels=("Incident",), body=f"root cause: {MC2[:7]}"))
            for i, action in enumerate(("opened", "edited", "closed"))
        ],
        status(25, X1, "success", at(3, 12, 9)),  # a rollback to X1
    ]  # fmt: skip


def test_a_month_worked_out_by_hand():
    """Deployments dated in March: 20 (Mar 3 12:10, its first success), 21, 22 (a failure,
    dated by it), 23, 25: five, 1.25 a week (high). Staging's 24 and February's baseline 10
    are not counted.

    Shipped: 20 ships S1 and X1 (after the baseline's M0); 21 redeploys X1 and 25 rolls back
    to it: nothing; 22 never succeeded: nothing; 23 ships B3 and MC2.
    Changes: PR 1 (squash S1, shipped by 20): from B1 (Mar 2 09:00) to Mar 3 12:10 = 27 h
    10 min; PR 2 (merge commit MC2, shipped by 23): from B3 (Mar 9 09:00) to Mar 10 09:10 =
    24 h 10 min. Median 25.667 h, p90 24.1667 + 0.9 x 3 = 26.867 h: high.
    Failed: 22 (a failure status) and 23 (incident 7 names MC2 by its short sha; its three
    deliveries are one issue): 2 of 5 = 0.40, not below 0.40: low.
    Restored: 22 by 23's success at 09:10 (1 h 05 min), 23 by the incident's close at 11:00
    (1 h 50 min): median 1.4583 h: high.
    """
    ingest(*month())
    assert keys() == {
        "mode": "dora",
        "from": "2026-03-01",
        "to": "2026-03-29",
        "deployments": 5,
        "deployment_frequency": {"per_week": 1.25, "bucket": "high"},
        "lead_time_hours": {
            "median": pytest.approx(25 + 2 / 3),
            "p90": pytest.approx(24 + 1 / 6 + 2.7),
            "bucket": "high",
        },
        "change_failure_rate": {"value": 0.4, "bucket": "low"},
        "time_to_restore_hours": {"median": pytest.approx((65 + 110) / 2 / 60), "bucket": "high"},
    }


def test_older_band_tables_read_the_same_figures_their_way():
    ingest(*month())
    assert keys("2023")["change_failure_rate"]["bucket"] == "low"  # above 15 %
    assert keys("2021")["lead_time_hours"]["bucket"] == "high"  # under a week
    assert keys("2019")["change_failure_rate"]["bucket"] == "medium"  # under 46 %


def test_a_backfilled_first_deployment_is_a_baseline_not_years_of_changes():
    """Years of history merged long ago, then the first deployment Sunrelay sees: it ships
    nothing, so the lead time is not years."""
    old = datetime(2021, 5, 1, 9, tzinfo=UTC)
    ingest(
        branch("legacy", B1, old),
        merged(1, "legacy", old, old, S1),
        main((B1, old), (S1, old), pushed=old),
        status(30, S1, "success", at(3, 2, 9)),
    )
    found = keys()
    assert found["deployments"] == 1
    assert found["lead_time_hours"] == {"median": None, "p90": None, "bucket": "no data"}


def test_a_status_marked_inactive_later_changes_nothing():
    ingest(*baseline(), main((X1, at(3, 3, 11)), pushed=at(3, 3, 11)),
           status(20, X1, "success", at(3, 3, 12)))  # fmt: skip
    before = keys()
    ingest_more = [status(20, X1, "inactive", at(3, 20, 9))]
    service.ingest([P.line(e, "late", p) for e, p in ingest_more])
    assert keys() == before
    assert before["deployments"] == 1 and before["change_failure_rate"]["value"] == 0.0


def test_a_team_sees_its_components_repositories_only(demo):
    ingest(*month())
    assert keys(team="payments")["deployments"] == 5  # acme/ledger is the ledger's
    assert keys(team="mobile")["deployments"] == 0
    assert keys(repo="acme/other")["deployments"] == 0


def test_a_sunrelay_incident_naming_a_deployment_or_a_commit_fails_it(demo):
    from sunrelay.incidents import service as incidents
    from sunrelay.people.models import Person

    ingest(*baseline(), main((X1, at(3, 3, 11)), pushed=at(3, 3, 11)),
           status(20, X1, "success", at(3, 3, 12)))  # fmt: skip
    assert keys()["change_failure_rate"]["value"] == 0.0
    ana = Person.objects.get(slug="ana")
    with clock.frozen(at(3, 3, 13)):
        found = incidents.declare("Ledger errors", "SEV3", ana, component="ledger")
        incidents.name_cause(found.pk, ana, deployment=20)
    assert keys()["change_failure_rate"]["value"] == 1.0
    assert keys()["time_to_restore_hours"]["median"] is None  # not restored yet
    with clock.frozen(at(3, 3, 15)):
        incidents.move(found.pk, "resolved", ana)
    assert keys()["time_to_restore_hours"]["median"] == pytest.approx(3.0)  # 12:00 → 15:00
    with clock.frozen(at(3, 3, 16)):
        incidents.name_cause(found.pk, ana, sha=X1[:10])  # the commit it shipped
    assert keys()["change_failure_rate"]["value"] == 1.0
    fourkeys = queries.dora_keys(START, END, queries.scope(), "fourkeys")
    assert fourkeys["change_failure_rate"]["value"] == 0.0  # it joins whole shas only
    with clock.frozen(at(3, 3, 16)):
        incidents.name_cause(found.pk, ana, sha=X1)
    fourkeys = queries.dora_keys(START, END, queries.scope(), "fourkeys")
    assert fourkeys["change_failure_rate"]["value"] == 1.0
    # from its root cause's deployment (12:00, before the declaration) to resolution: 3 h
    assert fourkeys["time_to_restore_hours"]["median"] == 3.0
