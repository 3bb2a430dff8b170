"""Reading pull-request flow: stages in working and calendar time, review requests against
each team's agreement, work in progress per engineer, and overdue-review reminders."""

from __future__ import annotations

import contextlib
from collections import defaultdict, namedtuple
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings

from sunrelay.core import clock
from sunrelay.delivery.ingest import derived
from sunrelay.delivery.metrics import columns, flow
from sunrelay.delivery.metrics.queries import (
    Scope,
    _raw,
    first_commits_of,
    rows_of,
    shipped_since,
    window,
)
from sunrelay.delivery.models import PullRequest, Review, ReviewRequest
from sunrelay.people.logic import Directory
from sunrelay.people.models import Component, Team
from sunrelay.people.queries import load_directory
from sunrelay.worktime import (
    NoWorkingTime,
    Schedule,
    business_seconds_coded,
    deadline,
    parse_period,
    usual_day,
)

DEFAULT_REVIEW, DEFAULT_WIP = "8h", 2  # seed 001: a pull request reviewed within 8 working hours


def is_bot(login: str, kind: str = "", named: frozenset[str] | None = None) -> bool:
    """GitHub Apps end in ``[bot]`` and are ``type: Bot``; ``SUNRELAY_BOTS`` names the rest
    (a machine user that reviews, say). ``named``: those names casefolded, when a caller
    asks for many logins."""
    return (
        login.endswith("[bot]")
        or kind == "Bot"
        or login.casefold() in (named if named is not None else bot_names())
    )


def bot_names() -> frozenset[str]:
    return frozenset(b.casefold() for b in settings.SUNRELAY_BOTS)


@dataclass
class Identities:
    """GitHub logins to people, as the directory maps them (never guessed)."""

    directory: Directory
    logins: dict[str, str]
    unmapped: set[str]

    @classmethod
    def load(cls) -> Identities:
        directory = load_directory()
        logins = {p.github.casefold(): p.id for p in directory.people.values() if p.github}
        return cls(directory, logins, set())

    def person(self, login: str) -> str | None:
        found = self.logins.get(login.casefold())
        if found is None and not is_bot(login):
            self.unmapped.add(login)
        return found


def _owners() -> dict[str, str]:
    """Repository → the slug of the team that owns its component."""
    return {
        repo: owner
        for repos, owner in Component.objects.filter(owner__isnull=False).values_list(
            "repos", "owner__slug"
        )
        for repo in repos
    }


def _agreements() -> dict[str, dict[str, Any]]:
    return dict(Team.objects.values_list("slug", "agreement"))


def review_limit(agreement: dict[str, Any] | None) -> str:
    return str(((agreement or {}).get("review") or {}).get("pr") or DEFAULT_REVIEW)


def wip_limit(agreement: dict[str, Any] | None) -> int:
    return int(((agreement or {}).get("wip") or {}).get("person") or DEFAULT_WIP)


PULL_COLUMNS = (
    "repo", "number", "title", "author", "draft", "state", "created_at", "ready_at",
    "merged_at", "merge_sha", "additions", "deletions",
)  # fmt: skip
Pull = namedtuple("Pull", ("pk", *PULL_COLUMNS))  # type: ignore[misc]


def pull_rows(where: Scope, pulls: Any) -> list[flow.PullRow]:
    """``pulls`` (a queryset of PullRequest) as flow rows, with their requests, reviews,
    first commits and the deployment that shipped each."""
    chosen = pulls.values("pk")  # a subquery: no list of ids, however many
    firsts = first_commits_of(pulls)
    times = ("created_at", "ready_at", "merged_at")
    pulls = [Pull(*row) for row in rows_of(pulls, "pk", *PULL_COLUMNS, times=times)]
    requests: dict[int, list[flow.RequestRow]] = defaultdict(list)
    for pk, pull, login, at, removed in rows_of(
        ReviewRequest.objects.filter(pull__in=chosen).order_by("requested_at", "pk"),
        "pk", "pull_id", "reviewer", "requested_at", "removed_at",
        times=("requested_at", "removed_at"),
    ):  # fmt: skip
        requests[pull].append(flow.RequestRow(pk, login, at, removed))
    reviews: dict[int, list[flow.ReviewRow]] = defaultdict(list)
    named = bot_names()
    for pull, login, kind, state, at in rows_of(
        Review.objects.filter(pull__in=chosen).order_by("submitted_at", "pk"),  # ties: as kept
        "pull_id", "reviewer", "reviewer_type", "state", "submitted_at",
        times=("submitted_at",),
    ):  # fmt: skip
        reviews[pull].append(flow.ReviewRow(login, is_bot(login, kind, named), state, at))
    shipped = _shipped(where, pulls)
    owners = _owners()
    return [
        flow.PullRow(
            p.repo,
            p.number,
            p.title,
            p.author,
            bool(p.draft),
            p.state,
            p.created_at,
            p.ready_at or (None if p.draft else p.created_at),
            p.merged_at,
            firsts.get(p.pk, p.created_at),
            shipped.get((p.repo, p.merge_sha)) if p.merge_sha else None,
            None if p.additions is None else p.additions + (p.deletions or 0),
            owners.get(p.repo),
            tuple(requests.get(p.pk, ())),
            tuple(reviews.get(p.pk, ())),
        )
        for p in pulls
    ]


def _shipped(where: Scope, pulls: list[Any]) -> dict[tuple[str, str], datetime]:
    """When each merged pull request's commit shipped: a deployment after its merge, so the
    deployments from the earliest merge on are all that is read."""
    merged = [p.merged_at or p.created_at for p in pulls if p.merge_sha]
    if not merged:
        return {}
    return shipped_since(where, min(merged).date())


# -- the figures -----------------------------------------------------------------------------------


def pr_flow(start: date, end: date, where: Scope, team: str | None = None) -> dict[str, Any]:
    """Pull requests that became ready for review in [start, end): each stage in working and
    calendar time, sizes against 200-400 lines, and the review requests made in the window
    against each team's agreement (``review.pr``, default 8 working hours). Read as columns
    from the kept review facts (ADR 26), or pull request by pull request while those were
    kept with another list of bots."""
    window(start, end)
    if not derived.reviews_current():
        return pr_flow_by_pull(start, end, where, team)
    lo, hi = _midnight(start), _midnight(end)
    who = Identities.load()
    people = PeopleCodes(who)
    read = columns.read_pulls(where, lo, hi)
    ready = read.ready_in(lo, hi)
    table = read.columns(ready, people, deployed=columns.shipped(read))
    found = flow.stage_columns(table)
    working = flow.working_columns(found, people.schedules())
    sizes = read.sizes[ready]
    sla, unmapped = _window_requests(read, lo, hi, who)
    for login in read.logins_used(ready):
        who.person(login)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "team": team,
        "pulls": int(ready.sum()),
        "stages": flow.summary_columns(found, working),
        "size": flow.size_figures(sizes[sizes >= 0].tolist()),
        "review_sla": sla,
        "wip": wip(where, team),
        "unmapped": sorted(who.unmapped | unmapped),
    }


def pr_flow_by_pull(
    start: date, end: date, where: Scope, team: str | None = None
) -> dict[str, Any]:
    """``pr_flow`` worked out pull request by pull request from the stored requests and
    reviews: what the columns are held to, and the answer while the kept review facts are
    being worked out again."""
    window(start, end)
    now = clock.now()
    lo, hi = _midnight(start), _midnight(end)
    who = Identities.load()
    pulls = pull_rows(
        where,
        where.filter(PullRequest.objects).filter(created_at__lt=hi, updated_at__gte=lo),
    )
    ready = [p for p in pulls if p.ready_at is not None and lo <= p.ready_at < hi]
    intervals = [i for p in ready for i in flow.stages(p, who.person)]
    schedules = who.directory.schedules()
    flow.measure(intervals, schedules)

    def quiet(login: str) -> str | None:  # only the window's requests name the unmapped
        return who.logins.get(login.casefold())

    requests = [a for p in pulls for a in flow.asked(p, quiet) if lo <= a.request.at < hi]
    for item in requests:
        who.person(item.request.reviewer)
    _allow(requests, who.directory, _agreements())
    flow.waited(requests, schedules, now)
    overall, per = flow.comply(requests)
    overall.late.sort(  # the longest waiting first
        key=lambda a: (a.request.at, a.pull.repo, a.pull.number, a.request.reviewer)
    )
    _set_due(overall.late[:LATE_SHOWN], who.directory)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "team": team,
        "pulls": len(ready),
        "stages": flow.summary(intervals),
        "size": flow.sizes(ready),
        "review_sla": {
            **overall.json(),
            "late": [flow.late_json(a) for a in overall.late[:LATE_SHOWN]],
            "reviewers": {name: c.json() for name, c in sorted(per.items())},
        },
        "wip": wip(where, team),
        "unmapped": sorted(who.unmapped),
    }


LATE_SHOWN = 200


class PeopleCodes:
    """People as codes for columns: each login's person (the directory's mapping), numbered
    as first met; ``flow.NOBODY`` for a login that maps to no one."""

    def __init__(self, who: Identities):
        self.who = who
        self.ids: list[str] = []
        self.numbers: dict[str, int] = {}

    def code(self, login: str) -> int:
        person = self.who.logins.get(login.casefold())
        if person is None:
            return flow.NOBODY
        if person not in self.numbers:
            self.numbers[person] = len(self.ids)
            self.ids.append(person)
        return self.numbers[person]

    def codes(self, logins: Any) -> Any:
        """``code`` of each login (a list or an array of str)."""
        known = {login: self.code(login) for login in set(logins)}
        return np.fromiter((known[x] for x in logins), dtype=np.int64, count=len(logins))

    def schedules(self) -> list[Schedule]:
        return [self.who.directory.schedule(p) for p in self.ids]


@dataclass
class _Requests:
    """The review requests that count, one row each, as columns."""

    rows: Any  # each one's row among the pull requests read
    logins: Any  # str objects
    requested: Any
    answered: Any
    codes: Any  # their reviewers as ``PeopleCodes``


def _window_requests(
    read: columns.PullTable, lo: datetime, hi: datetime, who: Identities
) -> tuple[dict[str, Any], set[str]]:
    """The review requests made in the window on the pull requests read, against each
    team's agreement: ``comply``'s answer from columns, and the logins they name."""
    people = PeopleCodes(who)
    asked = _counted(read, lo, hi, people)
    schedules = people.schedules()
    limits, agreed = _limits(read, asked)
    allowed = _allowed(asked, people, limits, agreed)
    waited = np.full(len(asked.logins), np.nan)
    timed = np.flatnonzero(asked.codes != flow.NOBODY)
    if len(timed):  # each wait in its reviewer's working time, to the answer or to now
        starts = asked.requested[timed] // 1_000_000
        now = columns.micros_of(clock.now())
        answered = asked.answered[timed]
        ends = np.where(answered != flow.NAT, answered, now) // 1_000_000
        waited[timed] = business_seconds_coded(
            schedules, asked.codes[timed], starts, np.maximum(ends, starts)
        )
    is_answered = asked.answered != flow.NAT
    judged = ~np.isnan(allowed) & ~np.isnan(waited) & (is_answered | (waited > allowed))
    in_time = judged & is_answered & (waited <= allowed)
    total, kept = int(judged.sum()), int(in_time.sum())
    n = np.bincount(asked.codes[judged], minlength=len(people.ids))
    ok = np.bincount(asked.codes[in_time], minlength=len(people.ids))
    per = {people.ids[c]: (int(n[c]), int(ok[c])) for c in np.flatnonzero(n).tolist()}
    overdue = np.flatnonzero(judged & ~in_time)
    if len(overdue) > LATE_SHOWN:  # those asked by the time the first shown were asked
        times = asked.requested[overdue]
        overdue = overdue[times <= np.partition(times, LATE_SHOWN - 1)[LATE_SHOWN - 1]]
    shown = sorted(  # the longest waiting first
        overdue.tolist(),
        key=lambda i: (
            asked.requested[i], read.repo[asked.rows[i]], read.number[asked.rows[i]],
            asked.logins[i],
        ),
    )[:LATE_SHOWN]  # fmt: skip
    late = [
        _late(
            read,
            asked,
            i,
            people.ids[asked.codes[i]],
            schedules,
            limits[agreed[i]],
            float(allowed[i]),
        )
        for i in shown
    ]
    return {
        "requests": total,
        "in_time": kept,
        "share": kept / total if total else None,
        "late": late,
        "reviewers": {
            name: {"requests": n, "in_time": ok, "share": ok / n if n else None}
            for name, (n, ok) in sorted(per.items())
        },
    }, _unmapped(who, set(asked.logins))


def _counted(read: columns.PullTable, lo: datetime, hi: datetime, people: PeopleCodes) -> _Requests:
    """``flow.counts`` on columns: requests of the pull requests read, not of their authors,
    not withdrawn before they were answered."""
    found = _raw(columns.sql(REQUESTS_SQL), [lo, hi])
    pulls, logins, at, gone, answer = columns.transpose(found, 5)
    rows = read.rows_of(pulls.astype(np.int64))
    fold: dict[str, int] = {}
    folded = {s: fold.setdefault(s.casefold(), len(fold)) for s in {*logins, *read.author}}
    by_author = np.array([folded[a] for a in read.author] + [-1], dtype=np.int64)
    asking = np.array([folded[x] for x in logins], dtype=np.int64)
    own = (rows < 0) | (asking == by_author[rows])  # the author's own, or not read
    requested, removed, answered = (columns.micros(c) for c in (at, gone, answer))
    counted = ~own & ((removed == flow.NAT) | ((answered != flow.NAT) & (answered <= removed)))
    keep = np.flatnonzero(counted)
    chosen = logins[keep]
    return _Requests(rows[keep], chosen, requested[keep], answered[keep], people.codes(chosen))


def _limits(read: columns.PullTable, asked: _Requests) -> tuple[list[str], Any]:
    """The agreements in force, and which one each request is held to: its repository's
    owner team's."""
    owners, agreements = _owners(), _agreements()
    limits = sorted({review_limit(a) for a in agreements.values()} | {DEFAULT_REVIEW})
    by_repo = {
        repo: limits.index(review_limit(agreements.get(owners.get(repo, ""))))
        for repo in set(read.repo)
    }
    agreed = np.array([by_repo[read.repo[r]] for r in asked.rows.tolist()], dtype=np.int64)
    return limits, agreed


def _allowed(asked: _Requests, people: PeopleCodes, limits: list[str], agreed: Any) -> Any:
    """Each request's allowance in its reviewer's working seconds (NaN: no reviewer known),
    worked out once per reviewer and agreement."""
    allowed = np.full(len(asked.logins), np.nan)
    known = np.flatnonzero(asked.codes != flow.NOBODY)
    pairs, back = np.unique(asked.codes[known] * len(limits) + agreed[known], return_inverse=True)
    seconds = []
    for pair in pairs.tolist():
        person, limit = divmod(pair, len(limits))
        day = usual_day(people.who.directory.person(people.ids[person]).working_hours)
        seconds.append(parse_period(limits[limit]).working_time(day).total_seconds())
    if seconds:
        allowed[known] = np.array(seconds, dtype=np.float64)[back]
    return allowed


def _late(
    read: columns.PullTable,
    asked: _Requests,
    i: int,
    reviewer: str,
    schedules: list[Schedule],
    limit: str,
    allowed: float,
) -> dict[str, Any]:
    """``flow.late_json`` of request ``i``, with when its allowance ran out."""
    at = columns.instant(int(asked.requested[i]))
    due = None
    with contextlib.suppress(NoWorkingTime):
        due = deadline(schedules[asked.codes[i]], at, timedelta(seconds=allowed))
    answered = int(asked.answered[i])
    return {
        "repo": read.repo[asked.rows[i]],
        "number": read.number[asked.rows[i]],
        "reviewer": reviewer,
        "requested_at": at.isoformat(),
        "due_at": due.isoformat() if due else None,
        "answered_at": columns.instant(answered).isoformat() if answered != flow.NAT else None,
        "agreement": limit,
    }


def _unmapped(who: Identities, logins: set[str]) -> set[str]:
    for login in logins:
        who.person(login)
    return set(who.unmapped)


REQUESTS_SQL = """
SELECT r.pull_id, r.reviewer, {t[r.requested_at]}, {t[r.removed_at]}, {t[r.answered_at]}
FROM delivery_reviewrequest r WHERE r.requested_at >= %s AND r.requested_at < %s
"""


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def _allow(
    found: list[flow.Asked], directory: Directory, agreements: dict[str, dict[str, Any]]
) -> None:
    """Each request's allowance: its team's agreement in its reviewer's working time."""
    seen: dict[tuple[str, str], float] = {}
    for item in found:
        if item.person is None or item.person not in directory.people:
            continue
        item.limit = review_limit(agreements.get(item.pull.team or ""))
        key = (item.person, item.limit)
        if key not in seen:
            day = usual_day(directory.person(item.person).working_hours)
            seen[key] = parse_period(item.limit).working_time(day).total_seconds()
        item.allowed = seen[key]


def _set_due(found: list[flow.Asked], directory: Directory) -> None:
    """When each allowance ran out: for the late ones a page lists."""
    for item in found:
        if item.person is None or item.allowed is None:
            continue
        schedule = directory.schedule(item.person)
        with contextlib.suppress(NoWorkingTime):
            item.due_at = deadline(schedule, item.request.at, timedelta(seconds=item.allowed))


def wip(where: Scope, team: str | None = None) -> list[dict[str, Any]]:
    """Work in progress per engineer now: open pull requests they wrote (drafts aside) and
    reviews they have been asked for and not yet given, against their team's agreement
    (``wip.person``, default 2)."""
    who = Identities.load()
    rows = pull_rows(where, where.filter(PullRequest.objects.filter(state="open")))
    authored: dict[str, list[str]] = defaultdict(list)
    reviewing: dict[str, list[str]] = defaultdict(list)
    for p in rows:
        name = f"{p.repo}#{p.number}"
        person = who.person(p.author)
        if person and not p.draft:
            authored[person].append(name)
        for item in flow.asked(p, who.person):
            if item.answered_at is None and item.person:
                reviewing[item.person].append(name)
    teams = {t.id: t for t in load_directory(team=team).teams.values()} if team else {}
    members = {m for t in teams.values() for m in t.members} if team else None
    agreements = _agreements()
    home = _home_teams()
    out = []
    for person in sorted(set(authored) | set(reviewing)):
        if members is not None and person not in members:
            continue
        limit = wip_limit(agreements.get(home.get(person, "")))
        total = len(authored[person]) + len(reviewing[person])
        out.append(
            {
                "person": person,
                "authored": sorted(authored[person]),
                "reviewing": sorted(reviewing[person]),
                "total": total,
                "limit": limit,
                "over": total > limit,
            }
        )
    return out


def _home_teams() -> dict[str, str]:
    """Each person's first team by id: whose agreement sets their WIP limit."""
    found: dict[str, str] = {}
    for slug, member in Team.objects.order_by("slug").values_list("slug", "members__slug"):
        if member:
            found.setdefault(member, slug)
    return found


def overdue_reviews(now: datetime | None = None) -> list[flow.Asked]:
    """Review requests still open past their due time, on open pull requests."""
    now = now or clock.now()
    where = Scope(None)
    pulls = pull_rows(where, PullRequest.objects.filter(state="open", draft=False))
    who = Identities.load()
    found = [a for p in pulls for a in flow.asked(p, who.person) if a.answered_at is None]
    _allow(found, who.directory, _agreements())
    flow.waited(found, who.directory.schedules(), now)
    late = [a for a in found if a.in_time() is False]
    _set_due(late, who.directory)
    return late
