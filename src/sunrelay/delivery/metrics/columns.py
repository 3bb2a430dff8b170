"""Reading a window's pull requests as columns (ADR 26): one read of their kept facts, instants
as epoch microseconds. What ``prs.pull_rows`` gives row by row, for the figures of a large
organisation; the tests hold the two to the same answers. And the deployment that shipped
each merge, worked out on arrays (``ship_columns``) when deliveries arrive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection

from sunrelay.delivery.metrics import flow
from sunrelay.delivery.metrics.queries import Scope, _in, _raw

Ints = npt.NDArray[np.int64]
Strings = Any  # an array of str objects: indexed as a list is
NAT = flow.NAT
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(values: Sequence[Any]) -> Ints:
    """Instants as the database gives them (SQLite: its UTC text; PostgreSQL: aware times)
    as epoch microseconds, NAT for none."""
    if connection.vendor != "sqlite":
        values = [None if v is None else v.astimezone(UTC).replace(tzinfo=None) for v in values]
    return np.array(values, dtype="datetime64[us]").view(np.int64)


def transpose(rows: list[tuple[Any, ...]], width: int) -> list[Any]:
    """A read's columns, each an array of objects (faster than zipping the rows)."""
    table = np.array(rows, dtype=object).reshape(len(rows), width)
    return [table[:, i] for i in range(width)]


def instant(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def text(column: str) -> str:
    """A time column as ``micros`` reads it fastest: SQLite's own text (Django would parse
    each value into a datetime on the way), PostgreSQL's time."""
    return f"CAST({column} AS TEXT)" if connection.vendor == "sqlite" else column


PULLS_SQL = """
SELECT p.id, p.repo, p.number, p.author, {t[p.created_at]},
  {t[COALESCE(p.ready_at, CASE WHEN p.draft THEN NULL ELSE p.created_at END)]},
  {t[p.merged_at]}, p.merge_sha <> '', {t[COALESCE(p.first_commit_at, p.created_at)]},
  {t[p.asked_at]}, {t[p.first_review_at]}, p.first_reviewer, {t[p.approved_at]}, p.approver,
  CASE WHEN p.additions IS NULL THEN -1 ELSE p.additions + COALESCE(p.deletions, 0) END,
  {t[p.deployed_at]}
FROM delivery_pullrequest p
WHERE p.created_at < %s AND p.updated_at >= %s{scoped}
"""


class _Texts:
    def __getitem__(self, column: str) -> str:
        return text(column)


def sql(template: str, scoped: str = "") -> str:
    return template.format(t=_Texts(), scoped=scoped)


@dataclass
class PullTable:
    """The pull requests created before a window's end and updated since its start."""

    ids: Ints
    repo: Strings
    number: Any
    author: Strings
    first_reviewer: Strings
    approver: Strings
    merges: npt.NDArray[np.bool_]  # has a merge commit
    created: Ints
    ready: Ints  # when it became ready for review; NAT: still a draft
    merged: Ints
    first_commit: Ints
    asked: Ints
    first_review: Ints
    approved: Ints
    sizes: Ints  # lines changed, -1 unknown
    deployed: Ints  # when its merge commit shipped (kept as deliveries arrive)

    def rows_of(self, pulls: Ints) -> Ints:
        """The row of each pull request id (-1: not among them)."""
        order = np.argsort(self.ids, kind="stable")
        at = np.minimum(np.searchsorted(self.ids[order], pulls), max(len(order) - 1, 0))
        if not len(order):
            return np.full(len(pulls), -1, dtype=np.int64)
        found = order[at]
        return np.where(self.ids[found] == pulls, found, -1)

    def ready_in(self, lo: datetime, hi: datetime) -> npt.NDArray[np.bool_]:
        a, b = micros_of(lo), micros_of(hi)
        return (self.ready != NAT) & (self.ready >= a) & (self.ready < b)

    def logins_used(self, ready: npt.NDArray[np.bool_]) -> set[str]:
        """Whose working time the stages of the ready ones are measured in."""
        chosen = np.flatnonzero(ready).tolist()
        found = {self.author[i] for i in chosen}
        found |= {self.first_reviewer[i] for i in chosen if self.first_review[i] != NAT}
        found |= {self.approver[i] for i in chosen if self.approved[i] != NAT}
        return found - {""}

    def columns(
        self, ready: npt.NDArray[np.bool_], people: Any, deployed: Ints
    ) -> flow.PullColumns:
        chosen = np.flatnonzero(ready)

        def codes(logins: Strings) -> Ints:
            return people.codes(logins[chosen])

        return flow.PullColumns(
            author=codes(self.author),
            first_commit=self.first_commit[chosen],
            ready=self.ready[chosen],
            merged=self.merged[chosen],
            deployed=deployed[chosen],
            asked=self.asked[chosen],
            first_review=self.first_review[chosen],
            first_reviewer=codes(self.first_reviewer),
            approved=self.approved[chosen],
            approver=codes(self.approver),
        )


def micros_of(at: datetime) -> int:
    return (at - EPOCH) // timedelta(microseconds=1)


def read_pulls(where: Scope, lo: datetime, hi: datetime) -> PullTable:
    scoped, repos = _in(where, "p.repo")
    rows = _raw(sql(PULLS_SQL, scoped), [hi, lo, *repos])
    (ids, repo, number, author, created, ready, merged, merges, first, asked, review,
     reviewer, approved, approver, sizes, deployed) = transpose(rows, 16)  # fmt: skip
    return PullTable(
        ids=ids.astype(np.int64),
        repo=repo,
        number=number,
        author=author,
        first_reviewer=reviewer,
        approver=approver,
        merges=merges.astype(bool),
        created=micros(created),
        ready=micros(ready),
        merged=micros(merged),
        first_commit=micros(first),
        asked=micros(asked),
        first_review=micros(review),
        approved=micros(approved),
        sizes=sizes.astype(np.int64),
        deployed=micros(deployed),
    )


def shipped(table: PullTable) -> Ints:
    """When each pull request's merge commit was shipped (NAT: not yet, or not known), as
    ``queries.shipped_since`` gives it for the deployments from the day of the earliest merge
    among them (``deployed_at``, kept as deliveries arrive)."""
    out = table.deployed.copy()
    if not table.merges.any():
        return out
    when = np.where(table.merged != NAT, table.merged, table.created)[table.merges]
    day = instant(int(when.min())).date()
    out[out < micros_of(datetime.combine(day, datetime.min.time(), tzinfo=UTC))] = NAT
    return out


def ship_columns(
    d_repo: Ints,
    d_at: Ints,
    d_gid: Ints,
    d_key: tuple[Ints, Ints, Ints],
    c_repo: Ints,
    c_key: tuple[Ints, Ints, Ints],
) -> Ints:
    """For each landed commit (its repository and landing key), when the deployment that
    shipped it was dated (NAT: none), among successful deployments of landed commits: the
    first in order of time (then id) whose key reaches it, unless that is its repository's
    first. Keys are ranked together, repository first, so one running maximum over the
    deployments in (repository, time, id) order is ordered as a whole and one search finds
    each commit's."""
    n = len(d_repo)
    out = np.full(len(c_repo), NAT, dtype=np.int64)
    if not n or not len(c_repo):
        return out
    repo = np.concatenate([d_repo, c_repo])
    pushed, push, position = (np.concatenate([a, b]) for a, b in zip(d_key, c_key, strict=True))
    order = np.lexsort((position, push, pushed, repo))
    parts = [a[order] for a in (repo, pushed, push, position)]
    new = np.ones(len(repo), dtype=bool)
    new[1:] = np.any([p[1:] != p[:-1] for p in parts], axis=0)
    rank = np.empty(len(repo), dtype=np.int64)
    rank[order] = np.cumsum(new)
    by_time = np.lexsort((d_gid, d_at, d_repo))
    reach = np.maximum.accumulate(rank[:n][by_time])
    repos, ats = d_repo[by_time], d_at[by_time]
    first = np.ones(n, dtype=bool)
    first[1:] = repos[1:] != repos[:-1]
    at = np.minimum(np.searchsorted(reach, rank[n:], side="left"), n - 1)
    found = (reach[at] >= rank[n:]) & (repos[at] == c_repo) & ~first[at]
    out[found] = ats[at[found]]
    return out
