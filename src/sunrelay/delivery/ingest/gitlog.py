"""Reading a local git repository for ``sunrelay delivery ingest-git``: the default branch's
commits in first-parent order, and for each GitHub merge commit ("Merge pull request #N from
owner/branch") the commits it brought in from its branch. Runs ``git`` itself, read-only."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sunrelay.core.errors import ValidationFailed
from sunrelay.integrations import git

SEP = "\x1f"
FORMAT = SEP.join(("%H", "%P", "%aI", "%cI", "%ae", "%s"))
MERGE = re.compile(r"^Merge pull request #\d+ from [^/\s]+/(\S+)")
REMOTE = re.compile(r"github\.com[:/]([A-Za-z0-9-]+/[A-Za-z0-9._-]+?)(?:\.git)?/?$")
CHUNK = 1000


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    authored: str
    committed: str
    email: str
    subject: str

    def json(self) -> dict[str, str]:
        return {"id": self.sha, "timestamp": self.authored, "email": self.email}


def _log(path: Path, *args: str) -> list[Commit]:
    out = git.run(path, "log", "--reverse", f"--format={FORMAT}", *args)
    found = []
    for line in out.splitlines():
        sha, parents, authored, committed, email, subject = line.split(SEP, 5)
        found.append(Commit(sha, tuple(parents.split()), authored, committed, email, subject))
    return found


def repository_name(path: Path) -> str:
    """``owner/name`` from the ``origin`` remote. Raises ValidationFailed."""
    url = git.run(path, "remote", "get-url", "origin").strip() if _has_origin(path) else ""
    found = REMOTE.search(url)
    if not found:
        raise ValidationFailed(
            "no GitHub origin remote: name the repository with --repo", field="repo"
        )
    return found.group(1)


def _has_origin(path: Path) -> bool:
    return "origin" in git.run(path, "remote").split()


def deliveries(path: Path, repo: str) -> Iterator[tuple[str, str, dict]]:
    """(event, delivery id, payload) for the default branch's history, in chunks, then each
    merged branch's commits. The ids are the content's: reading the same history again
    repeats nothing."""
    if not path.is_dir():
        raise ValidationFailed(f"{path} is not a folder", field="path")
    branch = git.run(path, "symbolic-ref", "--short", "HEAD").strip()
    main = _log(path, "--first-parent", branch)
    for n in range(0, len(main), CHUNK):
        part = main[n : n + CHUNK]
        yield _push(repo, f"refs/heads/{branch}", part, default=True)
    for merge in main:
        title = MERGE.match(merge.subject)
        if title is None or len(merge.parents) < 2:
            continue
        brought = _log(path, f"{merge.parents[0]}..{merge.parents[1]}")
        if brought:
            yield _push(repo, f"refs/heads/{title.group(1)}", brought, default=False)


def _push(repo: str, ref: str, commits: list[Commit], *, default: bool) -> tuple[str, str, dict]:
    key = f"{repo}\0{ref}\0{commits[0].sha}\0{commits[-1].sha}\0{len(commits)}"
    payload = {
        "repo": repo,
        "ref": ref,
        "default": default,
        "pushed_at": commits[-1].committed,
        "commits": [c.json() for c in commits],
    }
    return "sunrelay.git", "git:" + hashlib.sha256(key.encode()).hexdigest()[:40], payload
