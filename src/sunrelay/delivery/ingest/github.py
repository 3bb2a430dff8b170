"""GitHub deliveries read into facts. Pure: no Django, no I/O.

A delivery is ``(event, payload)`` as GitHub sends it (``X-GitHub-Event`` and the JSON body).
``parse`` returns the facts it states, or raises PayloadError naming the field at fault. The
Four Keys fields of a delivery (``fourkeys_time``) follow that project's GitHub parser: a
push is timed by its head commit, a deployment status and an issue by their ``updated_at``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sunrelay.worktime import parse_instant

EVENTS = (
    "push",
    "pull_request",
    "pull_request_review",
    "deployment",
    "deployment_status",
    "issues",
)
NO_SHA = "0" * 40
ROOT_CAUSE = re.compile(r"root cause: ([0-9A-Za-z]*)")  # as Four Keys reads it, whole payload
INCIDENT_LABEL = "Incident"
TERMINAL = ("success", "failure", "error")


class PayloadError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature-256``: ``sha256=`` and the HMAC-SHA256 of the raw body, compared in
    constant time. A missing or malformed header fails."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :].strip().lower())


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# -- facts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitFact:
    sha: str
    at: datetime
    email: str
    login: str


@dataclass(frozen=True)
class PushFact:
    repo: str
    ref: str
    head: str  # "" for a push with no head commit (a deleted branch, an empty push)
    head_at: datetime | None
    pushed_at: datetime
    main: bool
    forced: bool
    commits: tuple[CommitFact, ...]


@dataclass(frozen=True)
class PullFact:
    repo: str
    number: int
    github_id: int
    title: str
    author: str
    author_type: str
    draft: bool
    state: str
    created_at: datetime
    updated_at: datetime
    merged_at: datetime | None
    closed_at: datetime | None
    merge_sha: str
    head_ref: str
    base_ref: str
    base_is_default: bool
    additions: int | None
    deletions: int | None
    links: tuple[str, ...]
    ready_at: datetime | None  # when this delivery says it became ready for review
    requested: str = ""  # review_requested: the login asked
    unrequested: str = ""  # review_request_removed


@dataclass(frozen=True)
class ReviewFact:
    pull: PullFact
    github_id: int
    reviewer: str
    reviewer_type: str
    state: str
    submitted_at: datetime


@dataclass(frozen=True)
class DeploymentFact:
    repo: str
    github_id: int
    sha: str
    ref: str
    environment: str
    production: bool
    created_at: datetime
    creator: str


@dataclass(frozen=True)
class StatusFact:
    deployment: DeploymentFact
    github_id: int
    state: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class IssueFact:
    repo: str
    number: int
    incident: bool
    root_cause: str | None
    created_at: datetime
    closed_at: datetime | None
    updated_at: datetime


Fact = PushFact | PullFact | ReviewFact | DeploymentFact | StatusFact | IssueFact


@dataclass(frozen=True)
class Parsed:
    event: str
    action: str
    repo: str
    fourkeys_time: datetime | None
    fact: Fact | None = None


# -- reading -------------------------------------------------------------------------------------


def _get(data: Any, key: str, where: str) -> Any:
    if not isinstance(data, dict):
        raise PayloadError("must be an object", where)
    if key not in data:
        raise PayloadError("is required", f"{where}.{key}" if where else key)
    return data[key]


def _obj(data: Any, key: str, where: str) -> dict[str, Any]:
    value = _get(data, key, where)
    if not isinstance(value, dict):
        raise PayloadError("must be an object", f"{where}.{key}" if where else key)
    return value


def _str(data: Any, key: str, where: str, *, empty: bool = False) -> str:
    value = _get(data, key, where)
    if value is None and empty:
        return ""
    if not isinstance(value, str) or (not value and not empty):
        raise PayloadError("must be a non-empty string", f"{where}.{key}" if where else key)
    return value.replace("\x00", "")


def _int(data: Any, key: str, where: str) -> int:
    value = _get(data, key, where)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise PayloadError("must be a whole number", f"{where}.{key}" if where else key)
    return value


def _count(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _time(value: Any, where: str) -> datetime:
    """An ISO 8601 instant, or Unix seconds (a push's ``repository.pushed_at``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str):
        raise PayloadError("must be a time", where)
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise PayloadError(str(exc), where) from None


def _at(data: Any, key: str, where: str) -> datetime:
    return _time(_get(data, key, where), f"{where}.{key}" if where else key)


def _maybe_at(data: dict[str, Any], key: str, where: str) -> datetime | None:
    value = data.get(key)
    return None if value is None else _time(value, f"{where}.{key}")


def _login(user: Any, where: str) -> tuple[str, str]:
    if user is None:  # a deleted ("ghost") account
        return "ghost", "User"
    return _str(user, "login", where), str(user.get("type") or "")


def _repository(payload: dict[str, Any]) -> dict[str, Any]:
    repo = _obj(payload, "repository", "")
    _str(repo, "full_name", "repository")
    return repo


def parse(event: str, payload: Any) -> Parsed:
    """The facts one delivery states. Raises PayloadError naming the field."""
    if not isinstance(payload, dict):
        raise PayloadError("the payload must be a JSON object", "payload")
    if event not in EVENTS:
        raise PayloadError(f"{event!r} is not one of {', '.join(EVENTS)}", "event")
    action = str(payload["action"]) if isinstance(payload.get("action"), str) else ""
    repo = _repository(payload)
    name = repo["full_name"]
    if event == "push":
        push = _push(payload, repo)
        return Parsed(event, action, name, push.head_at if push.head else None, push)
    if event in ("pull_request", "pull_request_review"):
        pull = _pull(payload, repo, action if event == "pull_request" else "")
        if event == "pull_request":
            return Parsed(event, action, name, pull.updated_at, pull)
        review = _obj(payload, "review", "")
        who, kind = _login(review.get("user"), "review.user")
        found = ReviewFact(
            pull,
            _int(review, "id", "review"),
            who,
            kind,
            _str(review, "state", "review").lower(),
            _at(review, "submitted_at", "review"),
        )
        return Parsed(event, action, name, found.submitted_at, found)
    if event == "deployment":
        return Parsed(event, action, name, None, _deployment(payload, name))
    if event == "deployment_status":
        status = _obj(payload, "deployment_status", "")
        fact = StatusFact(
            _deployment(payload, name),
            _int(status, "id", "deployment_status"),
            _str(status, "state", "deployment_status").lower(),
            _at(status, "created_at", "deployment_status"),
            _at(status, "updated_at", "deployment_status"),
        )
        return Parsed(event, action, name, fact.updated_at, fact)
    issue = _issue(payload, name)
    return Parsed(event, action, name, issue.updated_at, issue)


def _push(payload: dict[str, Any], repo: dict[str, Any]) -> PushFact:
    ref = _str(payload, "ref", "")
    head = payload.get("head_commit")
    raw = payload.get("commits") or []
    if not isinstance(raw, list):
        raise PayloadError("must be a list", "commits")
    commits = []
    for i, item in enumerate(raw):
        where = f"commits.{i}"
        author = item.get("author") if isinstance(item, dict) else None
        author = author if isinstance(author, dict) else {}
        commits.append(
            CommitFact(
                _str(item, "id", where),
                _at(item, "timestamp", where),
                str(author.get("email") or "")[:254],
                str(author.get("username") or "")[:100],
            )
        )
    if head is not None and not isinstance(head, dict):
        raise PayloadError("must be an object or null", "head_commit")
    head_sha = _str(head, "id", "head_commit") if head else ""
    head_at = _at(head, "timestamp", "head_commit") if head else None
    pushed = repo.get("pushed_at")
    pushed_at = _time(pushed, "repository.pushed_at") if pushed is not None else head_at
    if pushed_at is None:
        raise PayloadError("is required when there is no head commit", "repository.pushed_at")
    default = repo.get("default_branch") or repo.get("master_branch") or ""
    return PushFact(
        repo["full_name"],
        ref,
        head_sha,
        head_at,
        pushed_at,
        bool(default) and ref == f"refs/heads/{default}",
        payload.get("forced") is True,
        tuple(commits),
    )


LINK = re.compile(r"https?://\S+?(?:adr|decisions?|rfcs?)/\S+", re.IGNORECASE)


def _pull(payload: dict[str, Any], repo: dict[str, Any], action: str) -> PullFact:
    pr = _obj(payload, "pull_request", "")
    who, kind = _login(pr.get("user"), "pull_request.user")
    head, base = _obj(pr, "head", "pull_request"), _obj(pr, "base", "pull_request")
    base_ref = _str(base, "ref", "pull_request.base")
    merged_at = _maybe_at(pr, "merged_at", "pull_request")
    draft = pr.get("draft") is True
    requested = unrequested = ""
    if action in ("review_requested", "review_request_removed"):
        reviewer = payload.get("requested_reviewer")
        if isinstance(reviewer, dict):  # a team request names a team, not a person
            login = _login(reviewer, "requested_reviewer")[0]
            requested, unrequested = (login, "") if action == "review_requested" else ("", login)
    body = str(pr["body"]) if isinstance(pr.get("body"), str) else ""
    return PullFact(
        repo["full_name"],
        _int(pr, "number", "pull_request"),
        _int(pr, "id", "pull_request"),
        str(pr.get("title") or "")[:300],
        who,
        kind,
        draft,
        _str(pr, "state", "pull_request"),
        _at(pr, "created_at", "pull_request"),
        _at(pr, "updated_at", "pull_request"),
        merged_at,
        _maybe_at(pr, "closed_at", "pull_request"),
        str(pr.get("merge_commit_sha") or "") if merged_at else "",
        _str(head, "ref", "pull_request.head"),
        base_ref,
        base_ref == repo.get("default_branch"),
        _count(pr, "additions"),
        _count(pr, "deletions"),
        tuple(dict.fromkeys(LINK.findall(body)))[:20],
        _ready_at(action, draft, pr),
        requested,
        unrequested,
    )


def _ready_at(action: str, draft: bool, pr: dict[str, Any]) -> datetime | None:
    if action == "opened" and not draft:
        return _at(pr, "created_at", "pull_request")
    if action == "ready_for_review":
        return _at(pr, "updated_at", "pull_request")
    return None


def _deployment(payload: dict[str, Any], repo: str) -> DeploymentFact:
    dep = _obj(payload, "deployment", "")
    environment = _str(dep, "environment", "deployment")
    production = dep.get("production_environment")
    creator = dep.get("creator")
    return DeploymentFact(
        repo,
        _int(dep, "id", "deployment"),
        _str(dep, "sha", "deployment"),
        str(dep.get("ref") or ""),
        environment,
        production is True or (production is None and is_production(environment)),
        _at(dep, "created_at", "deployment"),
        _login(creator, "deployment.creator")[0] if isinstance(creator, dict) else "",
    )


def is_production(environment: str) -> bool:
    return environment.strip().lower() in ("production", "prod")


def _issue(payload: dict[str, Any], repo: str) -> IssueFact:
    issue = _obj(payload, "issue", "")
    labels = issue.get("labels") or []
    if not isinstance(labels, list):
        raise PayloadError("must be a list", "issue.labels")
    found = ROOT_CAUSE.search(json.dumps(payload))
    return IssueFact(
        repo,
        _int(issue, "number", "issue"),
        any(isinstance(x, dict) and x.get("name") == INCIDENT_LABEL for x in labels),
        found.group(1)[:64] if found else None,
        _at(issue, "created_at", "issue"),
        _maybe_at(issue, "closed_at", "issue"),
        _at(issue, "updated_at", "issue"),
    )
