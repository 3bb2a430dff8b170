"""/api/v1/decisions: records, reviews, comments, transitions, links, search, metrics.

No ``from __future__ import annotations`` here: ninja's paginate wrapper resolves string
annotations in its own module, where ``LogQuery`` does not exist."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from sunrelay.api.auth import acting_actor
from sunrelay.api.parsing import Page
from sunrelay.core.errors import ValidationFailed
from sunrelay.decisions import queries, review, service
from sunrelay.decisions.models import Reviewer
from sunrelay.decisions.schemas import (
    CommentIn,
    EventOut,
    LinkIn,
    LogQuery,
    MetricsOut,
    RecordIn,
    RecordOut,
    RecordPatch,
    RecordSummary,
    ReviewRequestIn,
    TransitionIn,
    VerdictIn,
)

router = Router(tags=["decisions"])


summary, detail, event_out = queries.record_summary, queries.record_detail, queries.event_json


@router.get("/decisions", response=list[RecordSummary])
@paginate(Page)
def list_records(request: HttpRequest, filters: LogQuery = Query(...)) -> Any:
    """The decision log; ``q`` is full-text search over title, body, tags and components."""
    records = queries.decision_log(filters)
    return [summary(r) for r in records]


@router.post("/decisions", response={201: RecordOut})
def create_record(request: HttpRequest, body: RecordIn) -> Status:
    actor = acting_actor(request, body.actor)
    data = body.model_dump(exclude={"actor"})
    return Status(201, detail(service.create_record(data, actor).pk))


@router.get("/decisions/metrics", response=MetricsOut)
def metrics(request: HttpRequest, since: datetime, until: datetime) -> Any:
    """Review cycle time and timeliness for records decided in [since, until)."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ValidationFailed(
            "give instants with a zone, e.g. 2026-01-01T00:00:00Z", field="since"
        )
    return queries.review_metrics(since, until)


@router.get("/decisions/{pk}", response=RecordOut)
def get_record(request: HttpRequest, pk: int) -> Any:
    return detail(pk)


@router.patch("/decisions/{pk}", response=RecordOut)
def update_record(request: HttpRequest, pk: int, body: RecordPatch) -> Any:
    actor = acting_actor(request, body.actor)
    service.update_record(pk, body.model_dump(exclude_unset=True, exclude={"actor"}), actor)
    return detail(pk)


@router.post("/decisions/{pk}/review-requests", response=RecordOut)
def request_review(request: HttpRequest, pk: int, body: ReviewRequestIn) -> Any:
    actor = acting_actor(request, body.actor)
    review.request_review(pk, actor, reviewers=body.reviewers, teams=body.teams)
    return detail(pk)


@router.post("/decisions/{pk}/reviews", response=RecordOut)
def give_verdict(request: HttpRequest, pk: int, body: VerdictIn) -> Any:
    """``verdict``: ``approved``, or ``changes_requested`` (which needs a ``body``): the words
    a review's state is returned in. The verbs ``approve`` and ``request_changes`` are
    accepted too."""
    actor = acting_actor(request, body.actor)
    verdict = VERDICTS.get(body.verdict)
    if verdict == Reviewer.APPROVED:
        review.approve(pk, actor, body.body)
    elif verdict == Reviewer.CHANGES:
        review.request_changes(pk, actor, body.body)
    else:
        raise ValidationFailed("must be approved or changes_requested", field="verdict")
    return detail(pk)


# a verdict in the words reviews are returned in, or as the verb
VERDICTS = {
    Reviewer.APPROVED: Reviewer.APPROVED,
    "approve": Reviewer.APPROVED,
    Reviewer.CHANGES: Reviewer.CHANGES,
    "request_changes": Reviewer.CHANGES,
}


@router.post("/decisions/{pk}/comments", response={201: EventOut})
def comment(request: HttpRequest, pk: int, body: CommentIn) -> Status:
    actor = acting_actor(request, body.actor)
    made = review.comment(pk, actor, body.body, section=body.section, reply_to=body.reply_to)
    return Status(201, event_out(made))


@router.post("/decisions/{pk}/transitions", response=RecordOut)
def transition(request: HttpRequest, pk: int, body: TransitionIn) -> Any:
    """Withdraw (draft), accept or reject (the DRI), deprecate."""
    service.transition(pk, body.status, acting_actor(request, body.actor), body.note)
    return detail(pk)


@router.post("/decisions/{pk}/links", response=RecordOut)
def link(request: HttpRequest, pk: int, body: LinkIn) -> Any:
    service.link(pk, body.kind, body.target, acting_actor(request, body.actor))
    return detail(pk)
