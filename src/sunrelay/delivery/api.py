"""/api/v1/delivery and /api/v1/metrics: webhook sources, the GitHub webhook itself (its
secret URL and signature are the credentials, no bearer token), and the DORA keys."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Query, Router, Schema, Status

from sunrelay.api.auth import actor, require_write
from sunrelay.delivery import service
from sunrelay.delivery.metrics import queries

router = Router(tags=["delivery"])
webhook_router = Router(tags=["delivery"], auth=None)
metrics_router = Router(tags=["metrics"])
Json = dict[str, Any]


class SourceIn(Schema):
    id: str
    name: str = ""


def _source(found: Any) -> Json:
    return {"id": found.slug, "name": found.name, "last_received_at": found.last_received_at}


@router.get("/sources", response=list[Json])
def list_sources(request: HttpRequest) -> list[Json]:
    return [_source(s) for s in service.sources()]


@router.post("/sources", response={201: Json})
def create_source(request: HttpRequest, payload: SourceIn) -> Status[Json]:
    """Staff only. Returns the payload ``url`` and the signing ``secret`` this once."""
    made = service.create_source(payload.id, payload.name, actor(request))
    return Status(201, _source(made.source) | {"url": made.url, "secret": made.signing_secret})


@router.post("/sources/{slug}/rotate", response=Json)
def rotate_source(request: HttpRequest, slug: str) -> Json:
    """Staff only. A new ``url`` and ``secret``, shown this once; the old ones stop working."""
    made = service.rotate_source(slug, actor(request))
    return _source(made.source) | {"url": made.url, "secret": made.signing_secret}


@router.post("/deployments", response={202: Json})
def record_deployment(request: HttpRequest, payload: Json = Body(...)) -> Status[Json]:
    """A deployment from a CI system other than GitHub (write scope): ``{"repo", "sha",
    "environment", "status", "time", "id"}``."""
    require_write(request)
    taken = service.record_deployment(payload)
    return Status(202, {"stored": taken.stored, "duplicate": taken.duplicate})


@webhook_router.post("/github/{secret}", response={202: Json})
def github_webhook(request: HttpRequest, secret: str) -> Status[Json]:
    """GitHub's webhook: ``X-GitHub-Event``, ``X-GitHub-Delivery`` and
    ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body with the source's secret)."""
    taken = service.receive_webhook(secret, request.headers, request.body)
    return Status(
        202, {"stored": taken.stored, "duplicate": taken.duplicate, "ignored": taken.ignored}
    )


@metrics_router.get("/prs", response=Json)
def pull_requests(
    request: HttpRequest,
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
    team: str = "",
    repo: str = "",
) -> Json:
    """Pull-request flow, as ``sunrelay metrics prs --json`` prints."""
    from sunrelay.delivery.metrics import prs

    return prs.pr_flow(*queries.asked(start, end, team or None, repo or None), team or None)


@metrics_router.get("/wip", response=list[Json])
def work_in_progress(request: HttpRequest, team: str = "") -> list[Json]:
    """Pull requests in flight per engineer now, against their team's agreement."""
    from sunrelay.delivery.metrics import prs

    return prs.wip(queries.scope(team or None), team or None)


@metrics_router.get("/dora", response=Json)
def dora_keys(
    request: HttpRequest,
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
    team: str = "",
    repo: str = "",
    mode: str = "dora",
    bands: str = "2024",
) -> Json:
    """The four keys over [from, to) (dates), as ``sunrelay metrics dora --json`` prints."""
    return queries.dora_keys(*queries.asked(start, end, team or None, repo or None), mode, bands)
