"""Delivery use cases: sources, taking deliveries (webhook, file), deriving facts again.

Every delivery, whichever way it comes, goes through ``_take``: parsed, checked for a repeat
of its delivery id, and stored with its facts in one transaction. Writes are serialised (one
writer at a time, ``core.locks``) so that two deliveries about the same pull request never
race to create it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson
from django.conf import settings
from django.db import IntegrityError, transaction

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.locks import serialise
from sunrelay.core.permissions import Actor, require
from sunrelay.delivery.errors import BadPayload, BadSignature, SourceNotFound
from sunrelay.delivery.ingest import generic, github, store
from sunrelay.delivery.models import (
    Deployment,
    Event,
    IssueEvent,
    PullRequest,
    Push,
    Source,
)
from sunrelay.people.orgfile import ID

ID_LIMIT = 100  # X-GitHub-Delivery is a GUID; leave room for other senders' keys
CHUNK = 1000
WRITES = "delivery.write"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# -- sources ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewSource:
    source: Source
    url: str  # shown once: only its hash is kept
    signing_secret: str  # shown once: GitHub's "Secret" field


def create_source(slug: str, name: str = "", by: Actor | None = None) -> NewSource:
    """A GitHub webhook source with its secret URL and signing secret. Staff only (no actor:
    an operator at the command line). Raises ValidationFailed, PermissionDenied."""
    require(by is None or by.staff, "staff", "add a delivery source")
    if not isinstance(slug, str) or not ID.match(slug):
        raise ValidationFailed(f"{slug!r} is not an id", field="id")
    with transaction.atomic():
        if Source.objects.filter(slug=slug).exists():
            raise ValidationFailed(f"a source {slug!r} exists already", field="id")
        url_secret, signing = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
        found = Source.objects.create(
            slug=slug,
            name=(name or "").strip()[:200] or slug,
            url_hash=_hash(url_secret),
            signing_secret=signing,
            created_at=clock.now(),
        )
    return NewSource(found, webhook_url(url_secret), signing)


def rotate_source(slug: str, by: Actor | None = None) -> NewSource:
    """A new payload URL and signing secret for a source (after a leak, say): the old ones
    stop working at once. Staff only. Raises SourceNotFound, PermissionDenied."""
    require(by is None or by.staff, "staff", "rotate a delivery source's secrets")
    with transaction.atomic():
        found = Source.objects.select_for_update().filter(slug=slug).first()
        if found is None:
            raise SourceNotFound(f"no delivery source {slug!r}", field="id")
        url_secret, signing = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
        found.url_hash, found.signing_secret = _hash(url_secret), signing
        found.save(update_fields=["url_hash", "signing_secret"])
    return NewSource(found, webhook_url(url_secret), signing)


def sources() -> list[Source]:
    return list(Source.objects.order_by("slug"))


def webhook_url(secret: str) -> str:
    return f"{settings.SUNRELAY_URL}/api/v1/delivery/github/{secret}"


# -- taking deliveries -----------------------------------------------------------------------------


@dataclass
class Taken:
    stored: bool
    duplicate: bool = False
    ignored: str = ""  # why a delivery was not kept (a ping, an event Sunrelay does not read)


def receive_webhook(secret: str, headers: Mapping[str, str], body: bytes) -> Taken:
    """One GitHub webhook delivery. Raises SourceNotFound for an unknown URL, BadSignature
    when ``X-Hub-Signature-256`` is missing or wrong, BadPayload naming the field."""
    source = Source.objects.filter(url_hash=_hash(secret)).first()
    if source is None:
        raise SourceNotFound("no delivery source has this address", field="secret")
    if not github.signature_ok(source.signing_secret, body, headers.get("X-Hub-Signature-256")):
        raise BadSignature(
            "X-Hub-Signature-256 is missing or does not match this source's secret",
            field="X-Hub-Signature-256",
        )
    event = headers.get("X-GitHub-Event") or ""
    if event == "ping":
        return Taken(False, ignored="ping")
    if event not in github.EVENTS:
        return Taken(False, ignored=f"{event or 'no'} event is not read")
    try:
        payload, text = orjson.loads(body), body.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise BadPayload("the body is not JSON", field="body") from None
    delivery = _delivery_id(headers.get("X-GitHub-Delivery"), "X-GitHub-Delivery")
    incoming = _parse(event, delivery, payload, source.pk, text)
    with transaction.atomic():
        serialise(WRITES)
        if Event.objects.filter(delivery=delivery).exists():
            return Taken(False, duplicate=True)
        store.write([incoming], clock.now())
        Source.objects.filter(pk=source.pk).update(last_received_at=clock.now())
    return Taken(True)


def _delivery_id(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadPayload("is required", field=where)
    if len(value) > ID_LIMIT or "\x00" in value:
        raise BadPayload(f"must be at most {ID_LIMIT} characters", field=where)
    return value.strip()


def _parse(
    event: str, delivery: str, payload: Any, source: int | None, text: str | None = None
) -> store.Incoming:
    """``text``: the payload's JSON as received (default: ``payload`` written out)."""
    readers = {generic.DEPLOYMENT: generic.deployment, generic.GIT: generic.git}
    try:
        parsed = readers[event](payload) if event in readers else github.parse(event, payload)
    except github.PayloadError as exc:
        raise BadPayload(str(exc), field=exc.field) from None
    except RecursionError:
        raise BadPayload("the payload nests too deep", field="payload") from None
    if text is None:
        text = orjson.dumps(payload).decode()
    return store.Incoming(delivery, parsed, text, source)


@dataclass
class Report:
    new: int = 0
    duplicate: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)

    def json(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "duplicate": self.duplicate,
            "rejected": [{"line": n, "reason": r} for n, r in self.rejected],
        }


def ingest(
    lines: Iterable[str],
    progress: Callable[[int], None] | None = None,
    events: tuple[str, ...] = github.EVENTS,
) -> Report:
    """Deliveries from a JSONL file, one per line:
    ``{"event": "<X-GitHub-Event>", "delivery": "<X-GitHub-Delivery>", "payload": {…}}``.
    The same checks and the same writing as the webhook (less the signature: whoever runs
    the command has the file). A bad line is reported with its number and reason and does
    not stop the others; a repeated delivery id, in the file or already stored, is counted
    as a duplicate. ``progress`` is told how many lines each chunk held."""
    report = Report()
    chunk: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        chunk.append((number, line))
        if len(chunk) >= CHUNK:
            _ingest_chunk(chunk, report, events)
            if progress:
                progress(len(chunk))
            chunk = []
    if chunk:
        _ingest_chunk(chunk, report, events)
        if progress:
            progress(len(chunk))
    return report


def _line(text: str, events: tuple[str, ...]) -> tuple[str, str, Any]:
    try:
        item = orjson.loads(text)
    except ValueError:
        raise BadPayload("the line is not JSON", field="line") from None
    if not isinstance(item, dict) or set(item) != {"event", "delivery", "payload"}:
        raise BadPayload('must be exactly {"event", "delivery", "payload"}', field="line") from None
    event = item["event"]
    if not isinstance(event, str) or event not in events:
        raise BadPayload(f"{event!r} is not one of {', '.join(events)}", field="event")
    return event, _delivery_id(item["delivery"], "delivery"), item["payload"]


def _ingest_chunk(chunk: list[tuple[int, str]], report: Report, events: tuple[str, ...]) -> None:
    parsed: list[store.Incoming] = []
    seen: set[str] = set()
    for number, text in chunk:
        if not text.strip():
            continue
        try:
            event, delivery, payload = _line(text, events)
            if delivery in seen:
                report.duplicate += 1
                continue
            seen.add(delivery)
            parsed.append(_parse(event, delivery, payload, None))
        except ValidationFailed as exc:
            where = f"{exc.field}: " if exc.field and exc.field != "line" else ""
            report.rejected.append((number, f"{where}{exc.message}"))
    with transaction.atomic():
        serialise(WRITES)
        stored = set(
            Event.objects.filter(delivery__in=[p.delivery for p in parsed]).values_list(
                "delivery", flat=True
            )
        )
        new = [p for p in parsed if p.delivery not in stored]
        store.write(new, clock.now())
    report.new += len(new)
    report.duplicate += len(parsed) - len(new)


# -- deriving facts again -------------------------------------------------------------------------


@dataclass
class Rebuilt:
    events: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (delivery, reason)


def rebuild(progress: Callable[[int], None] | None = None) -> Rebuilt:
    """Every fact derived again from the stored deliveries, in the order they arrived, all or
    nothing: after a parser is fixed. A delivery the parser now refuses is reported and kept."""
    done = Rebuilt()
    with transaction.atomic():
        serialise(WRITES)
        for model in (Push, IssueEvent, Deployment, PullRequest):  # the rest cascade
            model.objects.all().delete()
        last = 0
        while True:
            batch = list(Event.objects.filter(pk__gt=last).order_by("pk")[:CHUNK])
            if not batch:
                break
            last = batch[-1].pk
            pairs, items = [], []
            for event in batch:
                try:
                    payload = orjson.loads(event.payload)
                    incoming = _parse(event.event, event.delivery, payload, None, event.payload)
                except ValidationFailed as exc:
                    done.unreadable.append((event.delivery, f"{exc.field}: {exc.message}"))
                    continue
                event.occurred_at = incoming.parsed.fourkeys_time
                pairs.append((event, incoming.parsed.fact))
                items.append(incoming)
            Event.objects.bulk_update([e for e, _ in pairs], ["occurred_at"])
            store.derive(pairs, items)
            done.events += len(batch)
            if progress:
                progress(len(batch))
    return done


# -- reminders -------------------------------------------------------------------------------------


def remind_overdue_reviews() -> int:
    """Tell each reviewer of a review request past its agreed time, once per request, in their
    working hours (the outbox holds it until then). Returns how many were queued."""
    from sunrelay.delivery.metrics import prs
    from sunrelay.notify import service as notify

    sent = 0
    for item in prs.overdue_reviews():
        if item.person is None:
            continue
        pull = item.pull
        notify.send(
            item.person,
            "review.overdue",
            f"Review overdue: {pull.repo}#{pull.number} {pull.title}",
            f"You were asked to review this on {item.request.at:%a %d %b %H:%M} UTC; the team "
            f"agreed on {item.limit} of your working time, which ran out.",
            url=f"https://github.com/{pull.repo}/pull/{pull.number}",
            key=f"delivery:review:{item.request.id}",
        )
        sent += 1
    return sent


# -- other CI systems, local repositories ---------------------------------------------------------


def record_deployment(payload: Any) -> Taken:
    """A deployment status from a CI system other than GitHub: ``{"repo", "sha",
    "environment", "status", "time", "id"}`` (``id`` optional: names the deployment across
    its statuses). The same status sent twice is stored once. Raises BadPayload naming the
    field."""
    incoming = _parse(generic.DEPLOYMENT, "pending", payload, None)
    status = incoming.parsed.fact
    assert isinstance(status, github.StatusFact)
    key = f"{status.deployment.github_id}:{status.state}:{status.created_at.isoformat()}"
    delivery = "deploy:" + hashlib.sha256(key.encode()).hexdigest()[:40]
    incoming = store.Incoming(delivery, incoming.parsed, incoming.payload, None)
    with transaction.atomic():
        serialise(WRITES)
        if Event.objects.filter(delivery=delivery).exists():
            return Taken(False, duplicate=True)
        store.write([incoming], clock.now())
    return Taken(True)


def ingest_git(path: str, repo: str | None = None) -> Report:
    """The default branch's commits of a local repository (and the branches its GitHub merge
    commits brought in), taken in like any delivery: what ships when, and where each pull
    request's first commit was, for history the webhooks never saw. Raises ValidationFailed
    for a folder that is not a git repository or a repository that cannot be named."""
    from pathlib import Path

    from sunrelay.delivery.ingest import gitlog

    where = Path(path)
    name = repo or gitlog.repository_name(where)
    if not generic.REPO.match(name):
        raise ValidationFailed(f"{name!r} is not a repository like 'owner/name'", field="repo")
    lines = (
        json.dumps({"event": e, "delivery": d, "payload": p})
        for e, d, p in gitlog.deliveries(where, name)
    )
    return ingest(lines, events=(generic.GIT,))


# -- health figures --------------------------------------------------------------------------------

FRESH_FOR = timedelta(minutes=10)  # the job refreshes every five minutes
ALL = "*"


def current_figures(team: str | None) -> tuple[dict[str, Any], datetime]:
    """A scope's health figures and when they were computed: as kept when fresh, computed
    (and kept) when missing or stale. Raises TeamNotFound."""
    from sunrelay.delivery.models import Figures

    kept = Figures.objects.filter(scope=team or ALL).first()
    if kept is not None and kept.computed_at > clock.now() - FRESH_FOR:
        return kept.data, kept.computed_at
    return refresh_figures(team)


def refresh_figures(team: str | None) -> tuple[dict[str, Any], datetime]:
    """Compute a scope's figures and keep them. Raises TeamNotFound."""
    from sunrelay.delivery.models import Figures
    from sunrelay.delivery.pages import health

    data, now = health.figures(team), clock.now()
    values = {"computed_at": now, "data": data}
    try:
        with transaction.atomic():
            Figures.objects.update_or_create(scope=team or ALL, defaults=values)
    except IntegrityError:  # another view kept the same scope's figures a moment before
        Figures.objects.filter(scope=team or ALL).update(**values)
    return data, now


def refresh_all_figures() -> int:
    """The organisation's figures and each team's that owns a repository (the job). Scopes
    of teams that no longer own one are dropped. Returns how many were computed."""
    from sunrelay.delivery.models import Figures
    from sunrelay.people.models import Team

    teams = list(
        Team.objects.filter(components__isnull=False).distinct().values_list("slug", flat=True)
    )
    for team in [None, *teams]:
        refresh_figures(team)
    Figures.objects.exclude(scope__in=[ALL, *teams]).delete()
    return len(teams) + 1
