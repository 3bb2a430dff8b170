"""Facts derived from the stored pushes and pull requests, kept current as deliveries arrive,
in whatever order they arrive (ADR 25):

- ``Landing``: where each commit first reached its repository's default branch. The earliest
  arrival wins whenever it is stored, so the order of deliveries does not matter.
- ``PullRequest.first_commit_at``: each pull request's first commit, worked out again for
  every pull request of a branch whenever a push to that branch or one of its pull requests
  arrives, so a late delivery corrects it.
- ``Landing.started_at``: the first commit of the pull request merged as a landed commit,
  set when either of them arrives or changes.

- The review facts of each pull request (``flow.facts``: review asked for once ready, the
  first review by someone other than its author, the first approval since) and the answer
  to each review request (``flow.answered_at``), worked out again for every pull request a
  delivery touches (ADR 26). Who counts as a bot is part of them: they are kept with the
  ``SUNRELAY_BOTS`` they were worked out with (``Derivation``), and worked out again for all
  when it changes.

The DORA and pull-request figures read these instead of working them out from every push on
each read. ``derive_all`` works all of them out for everything stored (a migration, a bulk
load).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Max, Min, Q

from sunrelay.delivery.metrics import flow
from sunrelay.delivery.models import (
    Deployment,
    Derivation,
    PullRequest,
    Review,
    ReviewRequest,
)

# A pull request's first commit for the pull request aliased {pr}: the earliest among pushes to
# its head branch before it merged (or at all, while open) and after the merge of the pull
# request opened before it from the same branch (ties broken by id). Its one parameter is the
# time before everything.
FIRST_COMMIT_SQL = """(SELECT MIN(b.first_at) FROM delivery_push b
    WHERE b.repo = {pr}.repo AND b.ref = 'refs/heads/' || {pr}.head_ref AND NOT b.main
      AND b.first_at IS NOT NULL AND ({pr}.merged_at IS NULL OR b.pushed_at <= {pr}.merged_at)
      AND b.pushed_at > COALESCE((
        SELECT q.merged_at FROM delivery_pullrequest q
        WHERE q.repo = {pr}.repo AND q.head_ref = {pr}.head_ref AND q.merged_at IS NOT NULL
          AND (q.created_at < {pr}.created_at
               OR (q.created_at = {pr}.created_at AND q.id < {pr}.id))
        ORDER BY q.created_at DESC, q.id DESC LIMIT 1), %s))"""
NEVER = datetime(1, 1, 2, tzinfo=UTC)

_REFRESH = (
    "UPDATE delivery_pullrequest SET first_commit_at = COALESCE("
    + FIRST_COMMIT_SQL.format(pr="delivery_pullrequest")
    + ", created_at)"
)
# The start of the change merged as each landing's commit (its pull request's first commit);
# several pull requests merged as one commit: the lowest number's. (``pr.repo || ''`` keeps
# SQLite on the merge_sha index: it would otherwise walk the repository's pull requests in
# number order for each landing.)
_STARTED = """UPDATE delivery_landing SET started_at = (
  SELECT COALESCE(pr.first_commit_at, pr.created_at) FROM delivery_pullrequest pr
  WHERE pr.merge_sha = delivery_landing.sha AND pr.repo || '' = delivery_landing.repo
    AND pr.merged_at IS NOT NULL AND pr.base_is_default
  ORDER BY pr.number LIMIT 1)"""
_LAND = """INSERT INTO delivery_landing (repo, sha, pushed_at, push_id, position) VALUES {rows}
ON CONFLICT (repo, sha) DO UPDATE SET
  pushed_at = excluded.pushed_at, push_id = excluded.push_id, position = excluded.position
WHERE (excluded.pushed_at, excluded.push_id, excluded.position)
    < (delivery_landing.pushed_at, delivery_landing.push_id, delivery_landing.position)"""
_LAND_ALL = """INSERT INTO delivery_landing (repo, sha, pushed_at, push_id, position)
SELECT repo, sha, pushed_at, push_id, position FROM (
  SELECT p.repo, c.sha, p.pushed_at, c.push_id, c.position, ROW_NUMBER() OVER (
    PARTITION BY p.repo, c.sha ORDER BY p.pushed_at, c.push_id, c.position) AS n
  FROM delivery_pushcommit c JOIN delivery_push p ON p.event_id = c.push_id WHERE p.main) x
WHERE n = 1"""
BATCH = 2000  # rows per statement: well under every database's limit on parameters

Arrival = tuple[str, str, datetime, int, int]  # repo, sha, pushed_at, push, position


def _run(sql: str, params: list[Any]) -> None:
    adapt = connection.ops.adapt_datetimefield_value  # SQLite compares its own UTC text
    with connection.cursor() as cursor:
        cursor.execute(sql, [adapt(p) if isinstance(p, datetime) else p for p in params])


def land(arrivals: Iterable[Arrival]) -> None:
    """Record commits that reached a default branch; each keeps its earliest arrival."""
    earliest: dict[tuple[str, str], Arrival] = {}
    for row in arrivals:  # one row per commit per statement (PostgreSQL requires it)
        key = row[:2]
        if key not in earliest or row[2:] < earliest[key][2:]:
            earliest[key] = row
    rows = list(earliest.values())
    for i in range(0, len(rows), BATCH):
        part = rows[i : i + BATCH]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(part))
        _run(_LAND.format(rows=values), [v for row in part for v in row])
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(f"{_STARTED} WHERE repo = %s AND sha = %s", [r[:2] for r in rows])


def refresh_first_commits(branches: Iterable[tuple[str, str]]) -> None:
    """Work out again the first commit of every pull request from these (repo, head branch)
    pairs: one indexed statement per pair (a list of pairs in one statement makes SQLite
    scan every pull request)."""
    never = connection.ops.adapt_datetimefield_value(NEVER)
    pairs = [[never, repo, ref] for repo, ref in sorted(set(branches))]
    if pairs:
        with connection.cursor() as cursor:
            cursor.executemany(f"{_REFRESH} WHERE repo = %s AND head_ref = %s", pairs)
            cursor.executemany(
                f"{_STARTED} WHERE (repo, sha) IN (SELECT q.repo, q.merge_sha"
                " FROM delivery_pullrequest q WHERE q.repo = %s AND q.head_ref = %s)",
                [pair[1:] for pair in pairs],
            )


_FACTS = (
    "UPDATE delivery_pullrequest SET asked_at = %s, first_review_at = %s, first_reviewer = %s,"
    " approved_at = %s, approver = %s WHERE id = %s"
)
_ANSWER = "UPDATE delivery_reviewrequest SET answered_at = %s WHERE id = %s"
REVIEWS = "reviews"  # the Derivation that names who counted as a bot
PULLS_AT_ONCE = 20_000


def review_basis() -> str:
    """Who counts as a bot beyond GitHub's own marks: what the review facts depend on."""
    from sunrelay.delivery.metrics.prs import bot_names

    return json.dumps(sorted(bot_names()))


def reviews_current() -> bool:
    """The kept review facts were worked out with today's ``SUNRELAY_BOTS``."""
    kept = Derivation.objects.filter(name=REVIEWS).values_list("basis", flat=True).first()
    return kept == review_basis()


def refresh_reviews(pulls: Iterable[int] | None = None) -> None:
    """Work out again the review facts of these pull requests (by id) and the answers to
    their review requests; ``None``: of every pull request, and record the basis."""
    if pulls is None:
        bounds = PullRequest.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
        if bounds["lo"] is not None:
            for lo in range(bounds["lo"], bounds["hi"] + 1, PULLS_AT_ONCE):
                _review_facts(Q(pk__gte=lo, pk__lt=lo + PULLS_AT_ONCE))
        Derivation.objects.update_or_create(name=REVIEWS, defaults={"basis": review_basis()})
        return
    chosen = sorted(set(pulls))
    for i in range(0, len(chosen), PULLS_AT_ONCE):
        _review_facts(Q(pk__in=chosen[i : i + PULLS_AT_ONCE]))


def refresh_touched_reviews(pulls: Iterable[int]) -> None:
    """After deliveries: the pull requests they touched, or all of them when who counts as
    a bot changed since the facts were kept."""
    refresh_reviews(pulls if reviews_current() else None)


def _review_facts(chosen: Q) -> None:
    from sunrelay.delivery.metrics.prs import bot_names, is_bot
    from sunrelay.delivery.metrics.queries import rows_of

    named = bot_names()
    ids = PullRequest.objects.filter(chosen).values("pk")
    requests: dict[int, list[flow.RequestRow]] = defaultdict(list)
    for pk, pull, login, at, removed in rows_of(
        ReviewRequest.objects.filter(pull__in=ids).order_by("pull_id", "requested_at", "pk"),
        "pk", "pull_id", "reviewer", "requested_at", "removed_at",
        times=("requested_at", "removed_at"),
    ):  # fmt: skip
        requests[pull].append(flow.RequestRow(pk, login, at, removed))
    reviews: dict[int, list[flow.ReviewRow]] = defaultdict(list)
    for pull, login, kind, state, at in rows_of(
        Review.objects.filter(pull__in=ids).order_by("pull_id", "submitted_at", "pk"),
        "pull_id", "reviewer", "reviewer_type", "state", "submitted_at",
        times=("submitted_at",),
    ):  # fmt: skip
        reviews[pull].append(flow.ReviewRow(login, is_bot(login, kind, named), state, at))
    adapt = connection.ops.adapt_datetimefield_value
    kept: list[list[Any]] = []
    answers: list[list[Any]] = []
    for pk, author, draft, created, ready in rows_of(
        PullRequest.objects.filter(chosen),
        "pk", "author", "draft", "created_at", "ready_at", times=("created_at", "ready_at"),
    ):  # fmt: skip
        mine, said = requests.get(pk, []), reviews.get(pk, [])
        f = flow.facts(author, created, ready or (None if draft else created), mine, said)
        kept.append([adapt(f.asked_at), adapt(f.first_review_at), f.first_reviewer,
                     adapt(f.approved_at), f.approver, pk])  # fmt: skip
        answers.extend([adapt(flow.answered_at(r, said)), r.id] for r in mine)
    with connection.cursor() as cursor:
        cursor.executemany(_FACTS, kept)
        cursor.executemany(_ANSWER, answers)


def derive_all() -> None:
    """Every derived fact for everything stored, from scratch."""
    derive_landings()
    refresh_reviews()
    refresh_shipped()


_SHIPPED = "UPDATE delivery_pullrequest SET deployed_at = %s WHERE id = %s"
# The pull requests of a repository merged as a commit that landed after a key, with where it
# landed (the key's first part repeated so that the index's range applies).
_LANDED_AFTER = """SELECT p.id, l.pushed_at, l.push_id, l.position
FROM delivery_landing l JOIN delivery_pullrequest p ON p.merge_sha = l.sha AND p.repo = l.repo
WHERE l.repo = %s AND l.pushed_at >= %s AND (l.pushed_at, l.push_id, l.position) > (%s, %s, %s)"""
_LANDED_ALL = """SELECT p.id, l.pushed_at, l.push_id, l.position
FROM delivery_landing l JOIN delivery_pullrequest p ON p.merge_sha = l.sha AND p.repo = l.repo
WHERE l.repo = %s"""
_LANDED_OF = """SELECT p.id, l.pushed_at, l.push_id, l.position
FROM delivery_pullrequest p JOIN delivery_landing l ON l.repo = p.repo AND l.sha = p.merge_sha
WHERE p.repo = %s AND p.merge_sha IN ({shas})"""
_PULL_LANDED = """SELECT p.id, p.repo, l.pushed_at, l.push_id, l.position
FROM delivery_pullrequest p LEFT JOIN delivery_landing l
  ON l.repo = p.repo AND l.sha = p.merge_sha AND p.merge_sha <> ''
WHERE p.id IN ({ids})"""


def refresh_shipped(
    deployments: Iterable[int] | None = None,
    landed: Iterable[tuple[str, str]] = (),
    pulls: Iterable[int] = (),
) -> None:
    """Work out again when each pull request's merge commit was shipped (``deployed_at``):
    the date of the first successful production deployment of its repository, in order of
    time, that reached where the commit landed, unless that was the repository's first
    (``dora.ship`` on landing keys). ``None``: for every pull request. Otherwise after these
    deployments changed (by GitHub id), these commits landed (repository, sha) and these pull
    requests changed: in each repository a changed deployment or landing touches, the pull
    requests merged after the furthest any deployment dated before the earliest change had
    reached, and the pull requests named."""
    from sunrelay.delivery.metrics.queries import DEPLOYMENTS_SQL, _raw

    landed, named = set(landed), sorted(set(pulls))
    changed = None if deployments is None else set(deployments)
    todo: dict[int, tuple[Any, ...]] = {}  # pull id: (repo, pushed, push, position)
    for i in range(0, len(named), BATCH):
        part = named[i : i + BATCH]
        found = _raw(_PULL_LANDED.format(ids=", ".join(["%s"] * len(part))), part)
        todo.update({r[0]: r[1:] for r in found if r[2] is not None})
        _store([(None, r[0]) for r in found if r[2] is None])
    if changed is None:
        _run("UPDATE delivery_pullrequest SET deployed_at = NULL", [])
        repos = None
    else:
        touched = Deployment.objects.filter(github_id__in=changed).values_list("repo", flat=True)
        repos = sorted({r for r, _ in landed} | {r[0] for r in todo.values()} | set(touched))
        if not repos:
            return
    scoped = "" if repos is None else f" AND d.repo IN ({', '.join(['%s'] * len(repos))})"
    ships: dict[str, list[tuple[Any, ...]]] = defaultdict(list)  # keyed successful ones
    for gid, repo, _, sha, ok, _, pushed, push, position in _raw(
        DEPLOYMENTS_SQL.format(scoped=scoped), repos or []
    ):
        if ok is not None and pushed is not None:
            ships[repo].append((ok, gid, sha, (pushed, push, position)))
    if repos is None:
        repos = sorted(
            set(PullRequest.objects.exclude(merge_sha="").values_list("repo", flat=True))
        )
    for repo in repos:
        theirs = ships.get(repo, [])
        shas = {sha for r, sha in landed if r == repo}
        if changed is None:
            found = _raw(_LANDED_ALL, [repo])
        else:
            moved = [d[0] for d in theirs if d[1] in changed or d[2] in shas]
            found = []
            if moved:  # what deployments dated before the change had reached stays shipped
                reached = max((d[3] for d in theirs if d[0] < min(moved)), default=None)
                found = (
                    _raw(_LANDED_AFTER, [repo, reached[0], *reached])
                    if reached is not None
                    else _raw(_LANDED_ALL, [repo])
                )
            ordered = sorted(shas)
            for i in range(0, len(ordered), BATCH):
                few = ordered[i : i + BATCH]
                found += _raw(_LANDED_OF.format(shas=", ".join(["%s"] * len(few))), [repo, *few])
        todo.update({r[0]: (repo, *r[1:]) for r in found})
    _ship(todo, ships)


def _ship(todo: dict[int, tuple[Any, ...]], ships: dict[str, list[tuple[Any, ...]]]) -> None:
    from sunrelay.delivery.metrics import columns

    if not todo:
        return
    pulls = list(todo)
    names = {r: n for n, r in enumerate(sorted({t[0] for t in todo.values()} | set(ships)))}
    deps = [(names[repo], *d) for repo, found in ships.items() for d in found]
    shipped = columns.ship_columns(
        np.array([d[0] for d in deps], dtype=np.int64),
        columns.micros([d[1] for d in deps]),
        np.array([d[2] for d in deps], dtype=np.int64),
        (
            columns.micros([d[4][0] for d in deps]),
            np.array([d[4][1] for d in deps], dtype=np.int64),
            np.array([d[4][2] for d in deps], dtype=np.int64),
        ),
        np.array([names[todo[p][0]] for p in pulls], dtype=np.int64),
        (
            columns.micros([todo[p][1] for p in pulls]),
            np.array([todo[p][2] for p in pulls], dtype=np.int64),
            np.array([todo[p][3] for p in pulls], dtype=np.int64),
        ),
    )
    _store(
        [
            (None if at == columns.NAT else columns.instant(at), pull)
            for pull, at in zip(pulls, shipped.tolist(), strict=True)
        ]
    )


def _store(rows: list[tuple[datetime | None, int]]) -> None:
    adapt = connection.ops.adapt_datetimefield_value
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_SHIPPED, [[adapt(at), pk] for at, pk in rows])


def derive_landings() -> None:
    """Landings, first commits and the starts of the changes landed (ADR 25)."""
    _run("DELETE FROM delivery_landing", [])
    _run(_LAND_ALL, [])
    _run(_REFRESH, [NEVER])
    _run(_STARTED, [])
