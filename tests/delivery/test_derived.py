"""The derived facts stay right whatever order deliveries arrive in (ADR 25).

Where each commit first reached the default branch (``Landing``) and each pull request's first
commit (``PullRequest.first_commit_at``) are kept as deliveries are stored. GitHub does not
promise order, and a backfill may come after the live webhooks: random histories of real
payloads, delivered shuffled in chunks of random sizes, must leave the same facts as the
whole-history rules (``queries.first_commits`` and the first arrival of each commit), and the
same DORA keys.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from sunrelay.delivery import service
from sunrelay.delivery.ingest import derived
from sunrelay.delivery.metrics import dora, queries
from sunrelay.delivery.models import Landing, PullRequest, PushCommit
from sunrelay.demo import webhooks as P
from tests.delivery.test_dora_window import history, windows

pytestmark = pytest.mark.django_db
ANA = "ana@acme.test"


def landings() -> dict[tuple[str, str], tuple[datetime, int, int]]:
    return {
        (repo, sha): (at, push, position)
        for repo, sha, at, push, position in Landing.objects.values_list(
            "repo", "sha", "pushed_at", "push_id", "position"
        )
    }


def first_arrivals() -> dict[tuple[str, str], tuple[datetime, int, int]]:
    """Every default-branch commit's first arrival, from every push."""
    found: dict[tuple[str, str], tuple[datetime, int, int]] = {}
    for repo, sha, at, push, position in PushCommit.objects.filter(push__main=True).values_list(
        "push__repo", "sha", "push__pushed_at", "push_id", "position"
    ):
        key = (at, push, position)
        found[(repo, sha)] = min(found.get((repo, sha), key), key)
    return found


def derived_firsts() -> dict[tuple[str, int], datetime | None]:
    return {
        (repo, number): first
        for repo, number, first in PullRequest.objects.values_list(
            "repo", "number", "first_commit_at"
        )
    }


def starts() -> dict[tuple[str, str], datetime | None]:
    return {(r, sha): at for r, sha, at in Landing.objects.values_list("repo", "sha", "started_at")}


def changes_started(where: queries.Scope) -> dict[tuple[str, str], datetime | None]:
    """Each landed commit's change start by the whole-history rule: the first commit of the
    pull request merged as it, None for a direct push."""
    merged = {(c.repo, c.merge_sha): c.first_commit_at for c in queries._changes(where)}
    return {key: merged.get(key) for key in first_arrivals()}


def deliver_shuffled(seed: int) -> None:
    rng = random.Random(1000 + seed)
    lines = [P.line(e, f"d-{seed}-{i}", p) for i, (e, p) in enumerate(history(seed))]
    rng.shuffle(lines)
    while lines:
        size = rng.choice([1, 1, 2, 5, 20])
        report = service.ingest(lines[:size])
        assert report.rejected == []
        lines = lines[size:]


@pytest.mark.parametrize("seed", range(5))
def test_facts_derived_from_shuffled_deliveries_are_the_whole_history_s(seed):
    deliver_shuffled(seed)
    where = queries.scope(None)
    assert landings() == first_arrivals()
    assert len(landings()) > 40
    oracle = queries.first_commits.__wrapped__(where)  # type: ignore[attr-defined]
    assert derived_firsts() == oracle
    assert starts() == changes_started(where)
    assert sum(at is not None for at in starts().values()) > 10
    whole = queries.dora_rows.__wrapped__(where)  # type: ignore[attr-defined]
    for start, end in windows():
        expected = dora.compute(*whole, start, end)
        assert queries.window_keys(where, start, end) == expected


def test_deriving_everything_again_gives_what_ingestion_kept():
    deliver_shuffled(9)
    kept, firsts, started = landings(), derived_firsts(), starts()
    Landing.objects.all().delete()
    PullRequest.objects.update(first_commit_at=None)
    derived.derive_all()
    assert landings() == kept
    assert derived_firsts() == firsts
    assert starts() == started
    assert any(at is not None for at in firsts.values())


T = datetime(2026, 3, 2, 10, tzinfo=UTC)  # a Monday


def push(ref: str, commits: list[tuple[str, datetime]], at: datetime) -> dict:
    made = [P.commit(sha, when, ANA, "analima") for sha, when in commits]
    return P.push("acme/ledger", ref, made, at)


def pull(number: int, head: str, merged: datetime, merge_sha: str) -> dict:
    return P.pull_request(
        "closed", "acme/ledger", number, author="analima", created=merged - timedelta(hours=1),
        updated=merged, head_ref=head, merged_at=merged, merge_sha=merge_sha, closed_at=merged,
    )  # fmt: skip


def one(event: str, delivery: str, payload: dict) -> None:
    assert service.ingest([P.line(event, delivery, payload)]).rejected == []


def test_a_late_branch_push_moves_a_pull_request_s_first_commit_earlier():
    sha_a, sha_b, merge = "a" * 40, "b" * 40, "c" * 40
    one("push", "p2", push("refs/heads/feat", [(sha_b, T - timedelta(hours=3))], T))
    one("pull_request", "pr", pull(1, "feat", T + timedelta(hours=2), merge))
    assert PullRequest.objects.get().first_commit_at == T - timedelta(hours=3)
    # the branch's first push, delivered last: its commit is a day older
    older = [(sha_a, T - timedelta(days=1))]
    one("push", "p1", push("refs/heads/feat", older, T - timedelta(hours=5)))
    assert PullRequest.objects.get().first_commit_at == T - timedelta(days=1)


def test_a_late_earlier_push_to_main_moves_where_a_commit_landed():
    sha = "d" * 40
    both = [("e" * 40, T), (sha, T)]
    one("push", "late", push("refs/heads/main", both, T + timedelta(hours=4)))
    first = Landing.objects.get(sha=sha)
    assert (first.pushed_at, first.position) == (T + timedelta(hours=4), 1)
    one("push", "early", push("refs/heads/main", [(sha, T)], T + timedelta(hours=1)))
    moved = Landing.objects.get(sha=sha)
    assert (moved.pushed_at, moved.position) == (T + timedelta(hours=1), 0)
    # and a later arrival of the same commit changes nothing
    one("push", "again", push("refs/heads/main", [(sha, T)], T + timedelta(days=2)))
    assert Landing.objects.get(sha=sha).pushed_at == T + timedelta(hours=1)
    assert Landing.objects.count() == 2


def test_rebuilding_the_facts_from_the_stored_deliveries_derives_them_again():
    """``sunrelay delivery rebuild`` deletes every fact and applies the deliveries again."""
    deliver_shuffled(4)
    kept, firsts, started = landings(), derived_firsts(), starts()
    shipped = dict(PullRequest.objects.values_list("number", "deployed_at"))
    assert sum(at is not None for at in shipped.values()) > 5
    service.rebuild()
    assert starts() == started and len(started) > 40
    assert derived_firsts() == firsts
    assert dict(PullRequest.objects.values_list("number", "deployed_at")) == shipped
    assert landings() == kept  # a push is keyed by its delivery, which a rebuild keeps
