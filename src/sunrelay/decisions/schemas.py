"""Shapes of decisions in the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema


class LogQuery(Schema):
    """Filters of the decision log, for the API, the pages and ``queries.decision_log``."""

    q: str = ""  # full-text search over title, body, tags and components
    status: str = ""
    kind: str = ""
    team: str = ""
    component: str = ""
    tag: str = ""
    log: str = ""


class RecordIn(Schema):
    title: str
    kind: str = "adr"
    dri: str | None = None
    team: str | None = None
    components: list[str] = []
    teams: list[str] = []
    tags: list[str] = []
    body: str = ""
    raci: dict[str, list[str]] = {}
    log: str = "main"
    actor: str | None = None


class RecordPatch(Schema):
    title: str | None = None
    kind: str | None = None
    dri: str | None = None
    team: str | None = None
    components: list[str] | None = None
    teams: list[str] | None = None
    tags: list[str] | None = None
    body: str | None = None
    raci: dict[str, list[str]] | None = None
    actor: str | None = None


class ReviewRequestIn(Schema):
    reviewers: list[str] = []
    teams: list[str] = []
    actor: str | None = None


class VerdictIn(Schema):
    verdict: str  # "approved" or "changes_requested" (or the verbs approve, request_changes)
    body: str = ""
    actor: str | None = None


class CommentIn(Schema):
    body: str
    section: str = ""
    reply_to: int | None = None
    actor: str | None = None


class TransitionIn(Schema):
    status: str
    note: str = ""
    actor: str | None = None


class LinkIn(Schema):
    kind: str
    target: int
    actor: str | None = None


class LinkOut(Schema):
    kind: str
    target: int | None
    target_number: int | None


class ReviewerOut(Schema):
    person: str | None  # None: someone who has left (their verdict stays)
    via_team: str | None
    consulted: bool
    state: str
    due_at: datetime | None
    answered_at: datetime | None
    overdue: bool


class EventOut(Schema):
    id: int
    at: datetime
    actor: str | None
    kind: str
    body: str
    section: str
    reply_to: int | None
    data: dict[str, Any]


class RecordSummary(Schema):
    id: int
    log: str
    number: int
    label: str
    title: str
    kind: str
    status: str
    status_text: str
    dri: str | None
    team: str | None
    tags: list[str]
    date: date | None
    review_due_at: datetime | None
    rung: str


class RecordOut(RecordSummary):
    body: str
    components: list[str]
    teams: list[str]
    raci: dict[str, list[str]]
    review_requested_at: datetime | None
    decided_at: datetime | None
    decision_note: str
    file: str
    links: list[LinkOut]
    reviewers: list[ReviewerOut]
    events: list[EventOut]


class MetricsOut(Schema):
    decided: int
    cycle_hours_median: float | None
    reviews: int
    answered_in_time: float | None
    cross_team: int
    cross_team_adrs: float | None
