"""Pull-request flow: stages, review requests against the agreement, work in progress. Pure.

Each stage is an interval; whose working time it is measured in is the point (seed 001):
pickup and review in the reviewer's, coding and merge in the author's. ``measure`` turns
intervals into working seconds in one pass of the engine's bulk kernel
(``worktime.business_seconds_coded``), people coded by schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt

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


@dataclass(frozen=True)
class Facts:
    """What a pull request's review stages turn on, beyond its own times: kept with it as
    its deliveries arrive (``ingest.derived``, ADR 26) and worked out here from its requests
    and reviews."""

    asked_at: datetime | None  # review asked for once ready, never before: pickup starts here
    first_review_at: datetime | None  # the first review by a person other than its author
    first_reviewer: str
    approved_at: datetime | None  # the first approval by such a person from then on
    approver: str


def facts(
    author: str,
    created_at: datetime,
    ready_at: datetime | None,
    requests: Iterable[RequestRow],
    reviews: Iterable[ReviewRow],
) -> Facts:
    """``reviews`` in the order they were given (ties in time keep it)."""
    asked_at = None
    if ready_at is not None:
        times = [r.at for r in requests]
        if times and min(times) >= ready_at:  # asked while a draft: expected from ready on
            asked_at = min(times)
    human = sorted(
        (r for r in reviews if not r.bot and r.reviewer.casefold() != author.casefold()),
        key=lambda r: r.at,
    )
    first = next((r for r in human if r.at >= created_at), None)
    if first is None:
        return Facts(asked_at, None, "", None, "")
    approval = next((r for r in human if r.state == APPROVED and r.at >= first.at), None)
    if approval is None:
        return Facts(asked_at, first.at, first.reviewer, None, "")
    return Facts(asked_at, first.at, first.reviewer, approval.at, approval.reviewer)


def facts_of(pull: PullRow) -> Facts:
    return facts(pull.author, pull.created_at, pull.ready_at, pull.requests, pull.reviews)


def stages(
    pull: PullRow, person: Callable[[str], str | None], known: Facts | None = None
) -> list[Interval]:
    """The stages this pull request has been through; drafts have none until ready."""
    if pull.ready_at is None:
        return []
    f = known or facts_of(pull)
    found = [Interval(pull, "coding", person(pull.author), pull.first_commit_at, pull.ready_at)]
    start = f.asked_at or pull.ready_at
    if f.first_review_at is not None:
        picked = max(start, f.first_review_at)
        found.append(Interval(pull, "pickup", person(f.first_reviewer), start, picked))
        if f.approved_at is not None:
            found.append(
                Interval(pull, "review", person(f.approver), f.first_review_at, f.approved_at)
            )
    if pull.merged_at is not None:
        since = max((i.end for i in found), default=pull.ready_at)
        found.append(Interval(pull, "merge", person(pull.author), since, pull.merged_at))
        if pull.deployed_at is not None:
            found.append(Interval(pull, "deploy", None, pull.merged_at, pull.deployed_at))
    return found


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


def _hours(values: Sequence[float] | npt.NDArray[np.float64]) -> dict[str, float | None]:
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
    return size_figures([p.size for p in pulls if p.size is not None and p.ready_at is not None])


def size_figures(known: Sequence[int]) -> dict[str, object]:
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


# -- the same stages on columns ----------------------------------------------------------------
# For a window of a large organisation (ADR 26): each pull request one row of arrays read
# from its kept facts, instants in epoch microseconds with NAT for none, people as codes
# (NOBODY for none). ``stage_columns`` is ``stages`` row by row; the tests hold it to it.

NAT = np.iinfo(np.int64).min
NOBODY = -1


@dataclass
class PullColumns:
    author: npt.NDArray[np.int64]  # codes of people (or NOBODY)
    first_commit: npt.NDArray[np.int64]
    ready: npt.NDArray[np.int64]
    merged: npt.NDArray[np.int64]
    deployed: npt.NDArray[np.int64]
    asked: npt.NDArray[np.int64]
    first_review: npt.NDArray[np.int64]
    first_reviewer: npt.NDArray[np.int64]
    approved: npt.NDArray[np.int64]
    approver: npt.NDArray[np.int64]


@dataclass
class StageColumns:
    who: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]

    def calendar(self) -> npt.NDArray[np.float64]:
        """Seconds, as ``Interval.calendar``: exact to the microsecond, never negative."""
        return np.maximum(self.end - self.start, 0) / 1_000_000


def stage_columns(p: PullColumns) -> dict[str, StageColumns]:
    """Every stage of every row (all ready), as ``stages`` gives them."""
    start = np.where(p.asked != NAT, p.asked, p.ready)
    picked = p.first_review != NAT
    approved = picked & (p.approved != NAT)
    pickup_end = np.maximum(start, p.first_review)
    since = np.maximum(p.ready, np.where(picked, pickup_end, p.ready))
    since = np.maximum(since, np.where(approved, p.approved, p.ready))
    merged = p.merged != NAT
    deployed = merged & (p.deployed != NAT)
    return {
        "coding": StageColumns(p.author, p.first_commit, p.ready),
        "pickup": StageColumns(p.first_reviewer[picked], start[picked], pickup_end[picked]),
        "review": StageColumns(
            p.approver[approved], p.first_review[approved], p.approved[approved]
        ),
        "merge": StageColumns(p.author[merged], since[merged], p.merged[merged]),
        "deploy": StageColumns(
            np.full(int(deployed.sum()), NOBODY, dtype=np.int64),
            p.merged[deployed],
            p.deployed[deployed],
        ),
    }


def working_columns(
    found: dict[str, StageColumns], schedules: Sequence[Schedule]
) -> dict[str, npt.NDArray[np.float64]]:
    """Each stage's working seconds for the rows with a person (``schedules[code]``), in one
    pass of the bulk kernel, as ``measure`` gives them."""
    parts = {stage: c.who != NOBODY for stage, c in found.items()}
    codes = np.concatenate([c.who[parts[s]] for s, c in found.items()])
    starts = np.concatenate([c.start[parts[s]] for s, c in found.items()]) // 1_000_000
    ends = np.concatenate([c.end[parts[s]] for s, c in found.items()]) // 1_000_000
    seconds = business_seconds_coded(schedules, codes, starts, np.maximum(ends, starts))
    out, at = {}, 0
    for stage, mask in parts.items():
        n = int(mask.sum())
        out[stage] = seconds[at : at + n].astype(np.float64)
        at += n
    return out


def summary_columns(
    found: dict[str, StageColumns], working: dict[str, npt.NDArray[np.float64]]
) -> dict[str, dict[str, object]]:
    """``summary`` of the same stages."""
    return {
        stage: {
            "count": len(found[stage].start),
            "working_hours": _hours(working[stage]),
            "calendar_hours": _hours(found[stage].calendar()),
        }
        for stage in STAGES
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


def answered_at(request: RequestRow, reviews: Iterable[ReviewRow]) -> datetime | None:
    """The answer to a review request: the reviewer's first review (not as a bot) since."""
    login = request.reviewer.casefold()
    return min(
        (r.at for r in reviews
         if not r.bot and r.reviewer.casefold() == login and r.at >= request.at),
        default=None,
    )  # fmt: skip


def counts(request: RequestRow, author: str, answer: datetime | None) -> bool:
    """A request of the author is no request for a review, and one withdrawn before it was
    answered is left out."""
    if request.reviewer.casefold() == author.casefold():
        return False
    return request.removed_at is None or (answer is not None and answer <= request.removed_at)


def asked(pull: PullRow, person: Callable[[str], str | None]) -> list[Asked]:
    """Each request that counts (``counts``), with its answer."""
    found = []
    for request in pull.requests:
        answer = answered_at(request, pull.reviews)
        if counts(request, pull.author, answer):
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
