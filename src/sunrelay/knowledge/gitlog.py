"""Reading what a truck factor needs from a local git repository: one
``git log --name-status --find-renames`` over the history reachable from a revision, and the
files present at that revision. Runs ``git`` itself, read-only, and parses its output while
git is still writing it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sunrelay.core.errors import ValidationFailed
from sunrelay.integrations import git
from sunrelay.knowledge.identities import Raw

ADDED, CHANGED, RENAMED = 0, 1, 2
HEADER = "\x01"
SEP = "\x1f"
# The same log the reference tool reads (its commit_log_script.sh), with -z so that no path
# is ever quoted and .mailmap's names beside the written ones
LOG = (
    "-c", "diff.renameLimit=999999", "-c", "core.quotepath=off",
    "log", "--no-color", "--name-status", "--find-renames", "-z",
    f"--format={HEADER}%an{SEP}%ae{SEP}%aN{SEP}%aE",
)  # fmt: skip
CHUNK = 1 << 20


@dataclass
class History:
    raws: list[Raw] = field(default_factory=list)
    commits: list[int] = field(default_factory=list)  # per raw identity
    # per path: what each commit did to it, as raw identity * 4 + ADDED/CHANGED/RENAMED
    touches: dict[str, list[int]] = field(default_factory=dict)
    renamed_from: dict[str, list[str]] = field(default_factory=dict)  # new path -> old paths
    files: list[str] = field(default_factory=list)  # present at the revision


def resolve(path: Path, rev: str) -> str:
    """The commit ``rev`` names in the repository at ``path``. Raises ValidationFailed for a
    folder that is not a git repository or a revision it does not have."""
    if not path.is_dir():
        raise ValidationFailed(f"{path} is not a folder", field="path")
    if rev.startswith("-"):
        raise ValidationFailed(f"{rev!r} is not a revision", field="rev")
    git.run(path, "rev-parse", "--git-dir")
    try:
        return git.run(path, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    except ValidationFailed:
        raise ValidationFailed(f"{rev!r} is not a commit in {path}", field="rev") from None


def read(path: Path, rev: str = "HEAD", progress: Callable[[int], None] | None = None) -> History:
    """The history reachable from ``rev`` and the files at it. ``progress`` is told the number
    of commits read so far, every thousand. Raises ValidationFailed."""
    sha = resolve(path, rev)
    history = History()
    proc = subprocess.Popen(
        ["git", "-C", str(path), *LOG, sha], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "GIT_FLUSH": "0"},  # into a pipe, git flushes every commit otherwise
    )  # fmt: skip
    assert proc.stdout is not None
    _widen(proc.stdout.fileno())
    try:
        # listed while the log is being written: git is not kept waiting for us
        listed = git.run(path, "ls-tree", "-r", "-z", "--name-only", sha)
        history.files = [p for p in listed.split("\0") if p]
        _parse(proc.stdout.fileno(), history, progress)
    finally:
        proc.stdout.close()
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = proc.wait()
    if code != 0:
        reason = (err.strip().splitlines() or ["git log failed"])[-1]
        raise ValidationFailed(f"{path}: {reason}", field="path")
    return history


def _widen(fd: int) -> None:
    """A pipe of 1 MiB rather than 64 KiB: git blocks, and we wake, 16 times less often."""
    # not Linux, or over the system's limit: the default stays
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, CHUNK)


def _parse(fd: int, history: History, progress: Callable[[int], None] | None) -> None:
    """A state machine over the NUL-separated tokens: a header, then status and path(s).
    Paths stay bytes until the end: only the distinct ones are ever decoded."""
    ids: dict[bytes, int] = {}
    raws, commits = history.raws, history.commits
    touches: dict[bytes, list[int]] = {}
    renamed: dict[bytes, list[bytes]] = {}
    who = -1
    want = 0  # paths still to read for the current status
    status = b""
    old = b""
    seen = 0
    rest = b""
    header, newline = HEADER.encode(), b"\n"
    while chunk := os.read(fd, CHUNK):
        tokens = (rest + chunk).split(b"\0")
        rest = tokens.pop()
        for token in tokens:
            if want:
                if status == b"M":
                    touches.setdefault(token, []).append(who * 4 + CHANGED)
                elif status == b"A":
                    touches.setdefault(token, []).append(who * 4 + ADDED)
                elif status == b"R":
                    if want == 2:
                        old = token
                    else:
                        touches.setdefault(token, []).append(who * 4 + RENAMED)
                        renamed.setdefault(token, []).append(old)
                want -= 1
                continue
            token = token.lstrip(newline)
            if token.startswith(header):
                who = ids.get(token, -1)
                if who < 0:
                    who = ids[token] = len(raws)
                    raws.append(Raw(*_text(token[1:]).split(SEP, 3)))
                    commits.append(0)
                commits[who] += 1
                seen += 1
                if progress is not None and seen % 1000 == 0:
                    progress(seen)
                continue
            status = token[:1]
            want = 2 if status in (b"R", b"C") else 1
    if rest:
        raise ValidationFailed("git log ended in the middle of an entry", field="path")
    history.touches = {_text(k): v for k, v in touches.items()}
    history.renamed_from = {_text(k): [_text(o) for o in v] for k, v in renamed.items()}
    if progress is not None:
        progress(seen)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def last_changes(path: Path, rev: str, wanted: set[str]) -> dict[str, str]:
    """When each of ``wanted`` (paths at ``rev``) last changed, as the committer's ISO
    instant: one log over the documentation pathspecs, newest first, first sight wins."""
    if not wanted:
        return {}
    from sunrelay.knowledge.exclusions import DOC_PATHSPECS

    out = git.run(
        path, "log", "--no-renames", "-z", "--name-only", f"--format={HEADER}%cI", rev, "--",
        *DOC_PATHSPECS,
    )  # fmt: skip
    found: dict[str, str] = {}
    when = ""
    for token in out.split("\0"):
        token = token.lstrip("\n")
        if token.startswith(HEADER):
            when = token[1:]
        elif token in wanted and token not in found:
            found[token] = when
            if len(found) == len(wanted):
                break
    return found
