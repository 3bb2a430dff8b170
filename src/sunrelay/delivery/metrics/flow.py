"""Pull-request flow: stages, review requests against the agreement, work in progress. Pure.

Each stage is an interval; whose working time it is measured in is the point (seed 001):
pickup and review in the reviewer's, coding and merge in the author's. ``measure`` turns
intervals into working seconds in one pass of the engine's bulk kernel
(``worktime.business_seconds_coded``), people coded by schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from sunrelay.delivery.metrics.stats import percentile
from sunrelay.worktime import Schedule, business_seconds_coded, epoch

STAGES = ("coding", "pickup", "review", "merge", "deploy")
SIZE_TARGET = (200, 400)  # lines changed a reviewer can take in (seed 001)
APPROVED = "approved"


@dataclass(frozen=True)
class ReviewRow:
    reviewer: str  # GitHub login
    bot: bool
    state: str
    at: datetime


@dataclass(frozen=True)
class RequestRow:
    id: int
    reviewer: str
    at: datetime
    removed_at: datetime | None


@dataclass(frozen=True)
class PullRow:
    repo: str
    number: int
    title: str
    author: str
    draft: bool
    state: str
    created_at: datetime
    ready_at: datetime | None  # None: never ready (still a draft)
    merged_at: datetime | None
    first_commit_at: datetime
    deployed_at: datetime | None
    size: int | None
    team: str | None  # the owner team of its repository
    requests: tuple[RequestRow, ...] = ()
    reviews: tuple[ReviewRow, ...] = ()


@dataclass
class Interval:
    pull: PullRow
    stage: str
    who: str | None  # whose working time: a person's id, or None when unmapped
    start: datetime
    end: datetime
    working: float | None = None  # seconds, filled by ``measure``

    @property
    def calendar(self) -> float:
        return max(0.0, (self.end - self.start).total_seconds())


def _human_reviews(pull: PullRow) -> list[ReviewRow]:
    return sorted(
        (r for r in pull.reviews if not r.bot and r.reviewer.casefold() != pull.author.casefold()),
        key=lambda r: r.at,
    )


def stages(pull: PullRow, person: Callable[[str], str | None]) -> list[Interval]:
    """The stages this pull request has been through; drafts have none until ready."""
    if pull.ready_at is None:
        return []
    found = [Interval(pull, "coding", person(pull.author), pull.first_commit_at, pull.ready_at)]
    asked = [r.at for r in pull.requests if r.at >= pull.ready_at]
    start = min(asked) if asked and not _requested_before(pull) else pull.ready_at
    reviews = _human_reviews(pull)
    first = next((r for r in reviews if r.at >= pull.created_at), None)
    if first is not None:
        found.append(Interval(pull, "pickup", person(first.reviewer), start, max(start, first.at)))
        approval = next((r for r in reviews if r.state == APPROVED and r.at >= first.at), None)
        if approval is not None:
            found.append(Interval(pull, "review", person(approval.reviewer), first.at, approval.at))
    if pull.merged_at is not None:
        since = max((i.end for i in found), default=pull.ready_at)
        found.append(Interval(pull, "merge", person(pull.author), since, pull.merged_at))
        if pull.deployed_at is not None:
            found.append(Interval(pull, "deploy", None, pull.merged_at, pull.deployed_at))
    return found


def _requested_before(pull: PullRow) -> bool:
    """Asked while it was still a draft: the reviewer is expected from the moment it is
    ready."""
    assert pull.ready_at is not None
    return any(r.at < pull.ready_at for r in pull.requests)


def measure(intervals: list[Interval], schedules: Mapping[str, Schedule]) -> None:
    """Working seconds of each interval, in its person's working time (None for nobody)."""
    rows = [i for i in intervals if i.who is not None and i.who in schedules]
    if not rows:
        return
    people = list(dict.fromkeys(i.who for i in rows if i.who is not None))
    code = {p: n for n, p in enumerate(people)}
    starts = np.array([epoch(i.start) for i in rows], dtype=np.int64)
    ends = np.maximum(np.array([epoch(i.end) for i in rows], dtype=np.int64), starts)
    codes = np.array([code[i.who] for i in rows if i.who is not None], dtype=np.int64)
    seconds = business_seconds_coded([schedules[p] for p in people], codes, starts, ends)
    for interval, value in zip(rows, seconds.tolist(), strict=True):
        interval.working = float(value)


def _hours(values: list[float]) -> dict[str, float | None]:
    median, p90 = percentile(values, 0.5), percentile(values, 0.9)
    return {
        "median": None if median is None else median / 3600,
        "p90": None if p90 is None else p90 / 3600,
    }


def summary(intervals: list[Interval]) -> dict[str, dict[str, object]]:
    """Per stage: how many, and the median and p90 in working and in calendar hours."""
    out: dict[str, dict[str, object]] = {}
    for stage in STAGES:
        mine = [i for i in intervals if i.stage == stage]
        out[stage] = {
            "count": len(mine),
            "working_hours": _hours([i.working for i in mine if i.working is not None]),
            "calendar_hours": _hours([i.calendar for i in mine]),
        }
    return out


def sizes(pulls: list[PullRow]) -> dict[str, object]:
    known = [p.size for p in pulls if p.size is not None and p.ready_at is not None]
    low, high = SIZE_TARGET
    buckets = {
        f"under {low}": sum(1 for s in known if s < low),
        f"{low}-{high}": sum(1 for s in known if low <= s <= high),
        f"over {high}": sum(1 for s in known if s > high),
    }
    return {
        "median": percentile(known, 0.5),
        "within_target": buckets[f"{low}-{high}"] / len(known) if known else None,
        "at_most_target": sum(1 for s in known if s <= high) / len(known) if known else None,
        "buckets": buckets,
    }


# -- review requests against the agreement -----------------------------------------------------


@dataclass
class Asked:
    """A review request and its answer: the reviewer's first review after being asked."""

    pull: PullRow
    request: RequestRow
    person: str | None
    answered_at: datetime | None
    limit: str = ""  # the agreement, "8h"
    allowed: float | None = None  # the agreement in the reviewer's working seconds
    waited: float | None = None  # working seconds from the request to the answer (or now)
    due_at: datetime | None = None  # when the allowance ran out: worked out for late ones

    def in_time(self) -> bool | None:
        """True or False once it can be judged; None while it is open and not yet due (or
        the reviewer is not in the directory)."""
        if self.allowed is None or self.waited is None:
            return None
        if self.answered_at is not None:
            return self.waited <= self.allowed
        return False if self.waited > self.allowed else None


def asked(pull: PullRow, person: Callable[[str], str | None]) -> list[Asked]:
    """Each request with its answer; requests withdrawn before an answer are left out, and a
    request of the author or of a bot is no request for a review."""
    reviews = [r for r in pull.reviews if not r.bot]
    found = []
    for request in pull.requests:
        if request.reviewer.casefold() == pull.author.casefold():
            continue
        answer = next(
            (
                r.at
                for r in sorted(reviews, key=lambda r: r.at)
                if r.reviewer.casefold() == request.reviewer.casefold() and r.at >= request.at
            ),
            None,
        )
        if request.removed_at is not None and (answer is None or answer > request.removed_at):
            continue
        found.append(Asked(pull, request, person(request.reviewer), answer))
    return found


@dataclass
class Compliance:
    total: int = 0
    in_time: int = 0
    late: list[Asked] = field(default_factory=list)

    def json(self) -> dict[str, object]:
        return {
            "requests": self.total,
            "in_time": self.in_time,
            "share": self.in_time / self.total if self.total else None,
        }


def waited(found: list[Asked], schedules: Mapping[str, Schedule], now: datetime) -> None:
    """Each request's wait in its reviewer's working time, to the answer or to ``now``, in
    one pass of the bulk kernel."""
    rows = [a for a in found if a.person is not None and a.person in schedules]
    if not rows:
        return
    people = list(dict.fromkeys(a.person for a in rows if a.person is not None))
    code = {p: n for n, p in enumerate(people)}
    starts = np.array([epoch(a.request.at) for a in rows], dtype=np.int64)
    ends = np.array([epoch(a.answered_at or now) for a in rows], dtype=np.int64)
    ends = np.maximum(ends, starts)
    codes = np.array([code[a.person] for a in rows if a.person is not None], dtype=np.int64)
    seconds = business_seconds_coded([schedules[p] for p in people], codes, starts, ends)
    for item, value in zip(rows, seconds.tolist(), strict=True):
        item.waited = float(value)


def comply(found: list[Asked]) -> tuple[Compliance, dict[str, Compliance]]:
    """Requests that can be judged (answered, or open past due), overall and per reviewer."""
    overall = Compliance()
    per: dict[str, Compliance] = {}
    for item in found:
        verdict = item.in_time()
        if verdict is None:
            continue
        for bucket in (overall, per.setdefault(item.person or item.request.reviewer, Compliance())):
            bucket.total += 1
            bucket.in_time += int(verdict)
            if not verdict:
                bucket.late.append(item)
    return overall, per


def late_json(item: Asked) -> dict[str, object]:
    return {
        "repo": item.pull.repo,
        "number": item.pull.number,
        "reviewer": item.person or item.request.reviewer,
        "requested_at": item.request.at.isoformat(),
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "answered_at": item.answered_at.isoformat() if item.answered_at else None,
        "agreement": item.limit,
    }
