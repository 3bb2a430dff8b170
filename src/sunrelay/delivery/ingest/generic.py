"""Deliveries that are not GitHub's, read into the same facts. Pure.

- A deployment from another CI system (``sunrelay.deployment``): ``{"repo", "sha",
  "environment", "status", "time", "id"}``; ``id`` names the deployment across its statuses
  (default: the sha and environment), ``status`` is success, failure, error or in_progress.
- Commits from a local git repository (``sunrelay.git``): ``{"repo", "ref", "default",
  "pushed_at", "commits": [{"id", "timestamp", "email"}]}``, oldest first, as ``git log
  --reverse`` lists them: a push of those commits to ``ref`` (the default branch when
  ``default``).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sunrelay.delivery.ingest.github import (
    CommitFact,
    DeploymentFact,
    Parsed,
    PayloadError,
    PushFact,
    StatusFact,
    _at,
    _str,
    is_production,
)

DEPLOYMENT, GIT = "sunrelay.deployment", "sunrelay.git"
STATES = ("success", "failure", "error", "in_progress", "queued", "pending")
REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")
SHA = re.compile(r"^[0-9a-f]{7,64}$")


def deployment_id(repo: str, environment: str, key: str) -> int:
    """A stable id for a deployment GitHub never numbered: negative, so it never meets one of
    GitHub's."""
    digest = hashlib.blake2b(f"{repo}\0{environment}\0{key}".encode(), digest_size=7).digest()
    return -int.from_bytes(digest, "big") - 1


def deployment(payload: Any) -> Parsed:
    """Raises PayloadError naming the field."""
    if not isinstance(payload, dict):
        raise PayloadError("must be a JSON object", "body")
    repo = _str(payload, "repo", "")
    if not REPO.match(repo):
        raise PayloadError(f"{repo!r} is not a repository like 'owner/name'", "repo")
    sha = _str(payload, "sha", "").lower()
    if not SHA.match(sha):
        raise PayloadError(f"{sha!r} is not a commit sha", "sha")
    environment = _str(payload, "environment", "")[:200]
    state = _str(payload, "status", "").lower()
    if state not in STATES:
        raise PayloadError(f"{state!r} is not one of {', '.join(STATES)}", "status")
    at = _at(payload, "time", "")
    key = str(payload.get("id") or sha)[:100]
    fact = DeploymentFact(
        repo, deployment_id(repo, environment, key), sha, "", environment,
        is_production(environment), at, "",
    )  # fmt: skip
    status = StatusFact(fact, deployment_id(repo, state, f"{key}@{at.isoformat()}"), state, at, at)
    return Parsed(DEPLOYMENT, state, repo, None, status)


def git(payload: Any) -> Parsed:
    if not isinstance(payload, dict):
        raise PayloadError("must be a JSON object", "body")
    repo, ref = _str(payload, "repo", ""), _str(payload, "ref", "")
    raw = payload.get("commits")
    if not isinstance(raw, list) or not raw:
        raise PayloadError("must be a non-empty list", "commits")
    commits = tuple(
        CommitFact(
            _str(c, "id", f"commits.{i}"),
            _at(c, "timestamp", f"commits.{i}"),
            str(c.get("email") or "")[:254],
            "",
        )
        for i, c in enumerate(raw)
    )
    head = commits[-1]
    default = payload.get("default") is True
    pushed = _at(payload, "pushed_at", "") if "pushed_at" in payload else head.at
    push = PushFact(repo, ref, head.sha, head.at, pushed, default, False, commits)
    return Parsed(GIT, "", repo, None, push)
