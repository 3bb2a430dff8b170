"""GitHub webhook payloads in the exact shape GitHub sends (api.github.com, as documented and
as the octokit/webhooks examples show), with the values the demo history and the tests need.
Every object carries GitHub's keys, URL templates included, so parsers meet what production
meets."""

from __future__ import annotations

import itertools
import json
import zlib
from datetime import UTC, datetime
from typing import Any

API, WEB = "https://api.github.com", "https://github.com"
_ids = itertools.count(1_000_001)


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def user(login: str, kind: str = "User") -> dict[str, Any]:
    uid = zlib.crc32(login.encode()) % 90_000_000 + 1_000
    base = f"{API}/users/{login}"
    return {
        "login": login,
        "id": uid,
        "node_id": f"MDQ6VXNlcj{uid}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "gravatar_id": "",
        "url": base,
        "html_url": f"{WEB}/{login}",
        "followers_url": f"{base}/followers",
        "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions",
        "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events",
        "type": kind,
        "user_view_type": "public",
        "site_admin": False,
    }


def repository(full_name: str, *, push: bool = False, default: str = "main") -> dict[str, Any]:
    """A push payload gives ``created_at`` and ``pushed_at`` as Unix seconds; every other
    event gives ISO times."""
    owner, name = full_name.split("/")
    base = f"{API}/repos/{full_name}"
    created: Any = 1704067200 if push else "2024-01-01T00:00:00Z"
    repo: dict[str, Any] = {
        "id": zlib.crc32(full_name.encode()) % 900_000_000,
        "node_id": "R_kgDOLrepo",
        "name": name,
        "full_name": full_name,
        "private": True,
        "owner": user(owner, "Organization"),
        "html_url": f"{WEB}/{full_name}",
        "description": None,
        "fork": False,
        "url": f"{WEB}/{full_name}" if push else base,
        "forks_url": f"{base}/forks",
        "keys_url": f"{base}/keys{{/key_id}}",
        "collaborators_url": f"{base}/collaborators{{/collaborator}}",
        "teams_url": f"{base}/teams",
        "hooks_url": f"{base}/hooks",
        "issue_events_url": f"{base}/issues/events{{/number}}",
        "events_url": f"{base}/events",
        "assignees_url": f"{base}/assignees{{/user}}",
        "branches_url": f"{base}/branches{{/branch}}",
        "tags_url": f"{base}/tags",
        "blobs_url": f"{base}/git/blobs{{/sha}}",
        "git_tags_url": f"{base}/git/tags{{/sha}}",
        "git_refs_url": f"{base}/git/refs{{/sha}}",
        "trees_url": f"{base}/git/trees{{/sha}}",
        "statuses_url": f"{base}/statuses/{{sha}}",
        "languages_url": f"{base}/languages",
        "stargazers_url": f"{base}/stargazers",
        "contributors_url": f"{base}/contributors",
        "subscribers_url": f"{base}/subscribers",
        "subscription_url": f"{base}/subscription",
        "commits_url": f"{base}/commits{{/sha}}",
        "git_commits_url": f"{base}/git/commits{{/sha}}",
        "comments_url": f"{base}/comments{{/number}}",
        "issue_comment_url": f"{base}/issues/comments{{/number}}",
        "contents_url": f"{base}/contents/{{+path}}",
        "compare_url": f"{base}/compare/{{base}}...{{head}}",
        "merges_url": f"{base}/merges",
        "archive_url": f"{base}/{{archive_format}}{{/ref}}",
        "downloads_url": f"{base}/downloads",
        "issues_url": f"{base}/issues{{/number}}",
        "pulls_url": f"{base}/pulls{{/number}}",
        "milestones_url": f"{base}/milestones{{/number}}",
        "notifications_url": f"{base}/notifications{{?since,all,participating}}",
        "labels_url": f"{base}/labels{{/name}}",
        "releases_url": f"{base}/releases{{/id}}",
        "deployments_url": f"{base}/deployments",
        "created_at": created,
        "updated_at": "2024-01-01T00:00:00Z",
        "pushed_at": created,
        "git_url": f"git://github.com/{full_name}.git",
        "ssh_url": f"git@github.com:{full_name}.git",
        "clone_url": f"{WEB}/{full_name}.git",
        "svn_url": f"{WEB}/{full_name}",
        "homepage": None,
        "size": 120,
        "stargazers_count": 0,
        "watchers_count": 0,
        "language": "Python",
        "has_issues": True,
        "has_projects": True,
        "has_downloads": True,
        "has_wiki": False,
        "has_pages": False,
        "has_discussions": False,
        "forks_count": 0,
        "mirror_url": None,
        "archived": False,
        "disabled": False,
        "open_issues_count": 3,
        "license": None,
        "allow_forking": False,
        "is_template": False,
        "web_commit_signoff_required": False,
        "topics": [],
        "visibility": "private",
        "forks": 0,
        "open_issues": 3,
        "watchers": 0,
        "default_branch": default,
    }
    if push:
        repo["stargazers"] = 0
        repo["master_branch"] = default
        repo["organization"] = owner
    return repo


def commit(sha: str, at: datetime, email: str, login: str | None, message: str = "Change") -> dict:
    author: dict[str, Any] = {"name": login or email.split("@")[0], "email": email}
    if login:
        author["username"] = login
    return {
        "id": sha,
        "tree_id": sha[::-1],
        "distinct": True,
        "message": message,
        "timestamp": at.isoformat(),
        "url": f"{WEB}/acme/repo/commit/{sha}",
        "author": author,
        "committer": {"name": "GitHub", "email": "noreply@github.com", "username": "web-flow"},
        "added": [],
        "removed": [],
        "modified": ["README.md"],
    }


def push(
    repo: str,
    ref: str,
    commits: list[dict[str, Any]],
    pushed_at: datetime,
    *,
    before: str = "a" * 40,
    forced: bool = False,
    pusher: str = "analima",
    default: str = "main",
) -> dict[str, Any]:
    """``commits`` oldest first, as GitHub lists them; ``head_commit`` is the last, or null
    for a push that carries none (a deleted branch)."""
    body = repository(repo, push=True, default=default)
    body["pushed_at"] = int(pushed_at.timestamp())
    after = commits[-1]["id"] if commits else "0" * 40
    return {
        "ref": ref,
        "before": before,
        "after": after,
        "repository": body,
        "pusher": {"name": pusher, "email": f"{pusher}@users.noreply.github.com"},
        "organization": _org(repo),
        "sender": user(pusher),
        "created": before == "0" * 40,
        "deleted": not commits,
        "forced": forced,
        "base_ref": None,
        "compare": f"{WEB}/{repo}/compare/{before[:12]}...{after[:12]}",
        "commits": commits,
        "head_commit": commits[-1] if commits else None,
    }


def _org(repo: str) -> dict[str, Any]:
    owner = repo.split("/")[0]
    base = f"{API}/orgs/{owner}"
    return {
        "login": owner,
        "id": 4242,
        "node_id": "O_kgDOorg",
        "url": base,
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events",
        "hooks_url": f"{base}/hooks",
        "issues_url": f"{base}/issues",
        "members_url": f"{base}/members{{/member}}",
        "public_members_url": f"{base}/public_members{{/member}}",
        "avatar_url": "https://avatars.githubusercontent.com/u/4242?v=4",
        "description": None,
    }


def _branch(repo: str, ref: str, sha: str) -> dict[str, Any]:
    owner = repo.split("/")[0]
    return {
        "label": f"{owner}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": user(owner, "Organization"),
        "repo": repository(repo),
    }


def pull_request(
    action: str,
    repo: str,
    number: int,
    *,
    author: str,
    created: datetime,
    updated: datetime,
    head_ref: str,
    head_sha: str = "b" * 40,
    base_ref: str = "main",
    draft: bool = False,
    merged_at: datetime | None = None,
    merge_sha: str | None = None,
    closed_at: datetime | None = None,
    additions: int = 120,
    deletions: int = 30,
    requested: str | None = None,
    body: str | None = None,
    author_type: str = "User",
    review_shape: bool = False,
) -> dict[str, Any]:
    """A ``pull_request`` delivery; with ``review_shape`` the pull request object as a
    ``pull_request_review`` delivery carries it (no counts, no ``merged``)."""
    base_url = f"{API}/repos/{repo}/pulls/{number}"
    pr: dict[str, Any] = {
        "url": base_url,
        "id": 500_000 + number,
        "node_id": f"PR_kwDO{number}",
        "html_url": f"{WEB}/{repo}/pull/{number}",
        "diff_url": f"{WEB}/{repo}/pull/{number}.diff",
        "patch_url": f"{WEB}/{repo}/pull/{number}.patch",
        "issue_url": f"{API}/repos/{repo}/issues/{number}",
        "number": number,
        "state": "closed" if closed_at else "open",
        "locked": False,
        "title": f"Change #{number}",
        "user": user(author, author_type),
        "body": body,
        "created_at": iso(created),
        "updated_at": iso(updated),
        "closed_at": iso(closed_at) if closed_at else None,
        "merged_at": iso(merged_at) if merged_at else None,
        "merge_commit_sha": merge_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [user(requested)] if requested else [],
        "requested_teams": [],
        "labels": [],
        "milestone": None,
        "draft": draft,
        "commits_url": f"{base_url}/commits",
        "review_comments_url": f"{base_url}/comments",
        "review_comment_url": f"{API}/repos/{repo}/pulls/comments{{/number}}",
        "comments_url": f"{API}/repos/{repo}/issues/{number}/comments",
        "statuses_url": f"{API}/repos/{repo}/statuses/{head_sha}",
        "head": _branch(repo, head_ref, head_sha),
        "base": _branch(repo, base_ref, "c" * 40),
        "_links": {
            "self": {"href": base_url},
            "html": {"href": f"{WEB}/{repo}/pull/{number}"},
            "issue": {"href": f"{API}/repos/{repo}/issues/{number}"},
            "comments": {"href": f"{API}/repos/{repo}/issues/{number}/comments"},
            "review_comments": {"href": f"{base_url}/comments"},
            "review_comment": {"href": f"{API}/repos/{repo}/pulls/comments{{/number}}"},
            "commits": {"href": f"{base_url}/commits"},
            "statuses": {"href": f"{API}/repos/{repo}/statuses/{head_sha}"},
        },
        "author_association": "MEMBER",
        "auto_merge": None,
        "active_lock_reason": None,
    }
    if not review_shape:
        pr.update(
            {
                "merged": merged_at is not None,
                "mergeable": None,
                "rebaseable": None,
                "mergeable_state": "unknown",
                "merged_by": user(author) if merged_at else None,
                "comments": 0,
                "review_comments": 0,
                "maintainer_can_modify": False,
                "commits": 2,
                "additions": additions,
                "deletions": deletions,
                "changed_files": 3,
            }
        )
    payload: dict[str, Any] = {"action": action, "number": number, "pull_request": pr}
    if action in ("review_requested", "review_request_removed") and requested:
        payload["requested_reviewer"] = user(requested)
    payload.update({"repository": repository(repo), "organization": _org(repo)})
    payload["sender"] = user(author)
    return payload


def review(
    repo: str,
    number: int,
    *,
    reviewer: str,
    state: str,
    submitted: datetime,
    pull: dict[str, Any],
    reviewer_type: str = "User",
    action: str = "submitted",
) -> dict[str, Any]:
    """``pull`` is a ``pull_request(..., review_shape=True)`` payload's pull request."""
    rid = next(_ids)
    return {
        "action": action,
        "review": {
            "id": rid,
            "node_id": f"PRR_kwDO{rid}",
            "user": user(reviewer, reviewer_type),
            "body": None,
            "commit_id": pull["head"]["sha"],
            "submitted_at": iso(submitted),
            "state": state,
            "html_url": f"{WEB}/{repo}/pull/{number}#pullrequestreview-{rid}",
            "pull_request_url": f"{API}/repos/{repo}/pulls/{number}",
            "author_association": "MEMBER",
            "_links": {
                "html": {"href": f"{WEB}/{repo}/pull/{number}#pullrequestreview-{rid}"},
                "pull_request": {"href": f"{API}/repos/{repo}/pulls/{number}"},
            },
        },
        "pull_request": pull,
        "repository": repository(repo),
        "organization": _org(repo),
        "sender": user(reviewer, reviewer_type),
    }


def _deployment(
    repo: str, did: int, sha: str, environment: str, created: datetime, ref: str
) -> dict[str, Any]:
    base = f"{API}/repos/{repo}/deployments/{did}"
    return {
        "url": base,
        "id": did,
        "node_id": f"DE_kwDO{did}",
        "task": "deploy",
        "original_environment": environment,
        "environment": environment,
        "description": None,
        "created_at": iso(created),
        "updated_at": iso(created),
        "statuses_url": f"{base}/statuses",
        "repository_url": f"{API}/repos/{repo}",
        "creator": user("github-actions[bot]", "Bot"),
        "sha": sha,
        "ref": ref,
        "payload": {},
        "transient_environment": False,
        "production_environment": environment == "production",
        "performed_via_github_app": None,
    }


def deployment(
    repo: str, did: int, sha: str, environment: str, created: datetime, ref: str = "main"
) -> dict[str, Any]:
    return {
        "action": "created",
        "deployment": _deployment(repo, did, sha, environment, created, ref),
        "workflow": None,
        "workflow_run": None,
        "repository": repository(repo),
        "organization": _org(repo),
        "sender": user("github-actions[bot]", "Bot"),
    }


def deployment_status(
    repo: str,
    did: int,
    sha: str,
    environment: str,
    state: str,
    at: datetime,
    *,
    created: datetime | None = None,
    updated: datetime | None = None,
    ref: str = "main",
) -> dict[str, Any]:
    """``at``: when the status was created; ``updated`` (default ``at``) is the mutable time
    Four Keys reads."""
    sid = next(_ids)
    base = f"{API}/repos/{repo}/deployments/{did}"
    return {
        "action": "created",
        "deployment_status": {
            "url": f"{base}/statuses/{sid}",
            "id": sid,
            "node_id": f"DES_kwDO{sid}",
            "state": state,
            "creator": user("github-actions[bot]", "Bot"),
            "description": "",
            "environment": environment,
            "target_url": "",
            "created_at": iso(at),
            "updated_at": iso(updated or at),
            "deployment_url": base,
            "repository_url": f"{API}/repos/{repo}",
            "environment_url": "",
            "log_url": "",
            "performed_via_github_app": None,
        },
        "deployment": _deployment(repo, did, sha, environment, created or at, ref),
        "check_run": None,
        "workflow": None,
        "workflow_run": None,
        "repository": repository(repo),
        "organization": _org(repo),
        "sender": user("github-actions[bot]", "Bot"),
    }


def issue(
    action: str,
    repo: str,
    number: int,
    *,
    created: datetime,
    updated: datetime,
    closed: datetime | None = None,
    labels: tuple[str, ...] = (),
    body: str = "",
    author: str = "analima",
) -> dict[str, Any]:
    base = f"{API}/repos/{repo}/issues/{number}"
    return {
        "action": action,
        "issue": {
            "url": base,
            "repository_url": f"{API}/repos/{repo}",
            "labels_url": f"{base}/labels{{/name}}",
            "comments_url": f"{base}/comments",
            "events_url": f"{base}/events",
            "html_url": f"{WEB}/{repo}/issues/{number}",
            "id": 700_000 + number,
            "node_id": f"I_kwDO{number}",
            "number": number,
            "title": f"Issue {number}",
            "user": user(author),
            "labels": [
                {
                    "id": 9000 + i,
                    "node_id": f"LA_kwDO{i}",
                    "url": f"{API}/repos/{repo}/labels/{name}",
                    "name": name,
                    "color": "d73a4a",
                    "default": False,
                    "description": "",
                }
                for i, name in enumerate(labels)
            ],
            "state": "closed" if closed else "open",
            "locked": False,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": 0,
            "created_at": iso(created),
            "updated_at": iso(updated),
            "closed_at": iso(closed) if closed else None,
            "author_association": "MEMBER",
            "active_lock_reason": None,
            "body": body,
            "reactions": {
                "url": f"{base}/reactions",
                "total_count": 0,
                "+1": 0,
                "-1": 0,
                "laugh": 0,
                "hooray": 0,
                "confused": 0,
                "heart": 0,
                "rocket": 0,
                "eyes": 0,
            },
            "timeline_url": f"{base}/timeline",
            "performed_via_github_app": None,
            "state_reason": "completed" if closed else None,
        },
        "repository": repository(repo),
        "organization": _org(repo),
        "sender": user(author),
    }


def line(event: str, delivery: str, payload: dict[str, Any]) -> str:
    """One line of ``sunrelay delivery ingest``."""
    return json.dumps({"event": event, "delivery": delivery, "payload": payload})
