"""The demo components' repositories, generated (never fetched) under the repositories folder
when no clone is there yet, and their truck factors computed from them: a critical ledger
under its target, a platform gateway that meets it, clusters only Priya knows."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from sunrelay.knowledge import service as knowledge
from sunrelay.people.models import Component, Person

# component → (person, files they create, changes they make to their own files); a few
# changes land on others' files, so authorship is not all-or-nothing
PLANS: dict[str, list[tuple[str, int, int]]] = {
    "ledger": [("ana", 10, 18), ("bruno", 8, 10), ("chloe", 3, 3)],
    "checkout-api": [("bruno", 8, 12), ("mia", 8, 9), ("ana", 1, 2)],
    "api-gateway": [("dieter", 5, 7), ("yuki", 5, 6), ("rafael", 5, 6), ("priya", 5, 4)],
    "k8s-clusters": [("priya", 18, 26), ("noah", 2, 4), ("tomas", 2, 2)],
    "mobile-app": [("olivia", 9, 12), ("sofia", 7, 8), ("emeka", 2, 2)],
    "design-system": [("sofia", 8, 10)],
}
START = 1_767_225_600  # 2026-01-01T00:00:00Z: commits are dated from here, never from "now"


def _stream(component: str, people: dict[str, tuple[str, str]]) -> str:
    rng = random.Random(component)
    files: list[tuple[str, str]] = []  # (path, creator)
    commits: list[tuple[str, list[tuple[str, int]]]] = []  # (person, [(path, version)])
    version: dict[str, int] = {}
    for slug, created, _ in PLANS[component]:
        for i in range(created):
            path = f"src/{slug}/{component}_{i}.py"
            files.append((path, slug))
            version[path] = 0
            commits.append((slug, [(path, 0)]))
    for slug, _, changes in PLANS[component]:
        own = [p for p, who in files if who == slug]
        for _ in range(changes):
            path = rng.choice(own) if rng.random() < 0.85 else rng.choice(files)[0]
            version[path] += 1
            commits.append((slug, [(path, version[path])]))
    first = PLANS[component][0][0]
    commits.append((first, [("README.md", 0), ("docs/guide.md", 0)]))  # left out by the rules
    lines = []
    for n, (slug, touched) in enumerate(commits):
        name, email = people[slug]
        when = START + n * 3_600
        message = f"{component}: change {n}\n"
        lines.append(f"commit refs/heads/main\nauthor {name} <{email}> {when} +0000\n")
        lines.append(f"committer {name} <{email}> {when} +0000\n")
        lines.append(f"data {len(message.encode())}\n{message}")
        for path, v in touched:
            text = "".join(f"# {path} revision {v}, line {i}\n" for i in range(5))
            lines.append(f"M 100644 inline {path}\ndata {len(text.encode())}\n{text}")
        lines.append("\n")
    return "".join(lines)


def _generate(where: Path, component: str, people: dict[str, tuple[str, str]]) -> None:
    """Into a folder beside ``where``, then renamed into place: a reader never sees half."""
    where.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{where.name}-", dir=where.parent))
    try:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        run = {"check": True, "capture_output": True, "env": env}
        subprocess.run(["git", "init", "-q", "-b", "main", str(scratch)], **run)  # type: ignore[call-overload]
        subprocess.run(  # type: ignore[call-overload]
            ["git", "-C", str(scratch), "fast-import", "--quiet"],
            input=_stream(component, people).encode(), **run,
        )  # fmt: skip
        subprocess.run(["git", "-C", str(scratch), "checkout", "-q", "main"], **run)  # type: ignore[call-overload]
        scratch.rename(where)
    except OSError:  # someone else put a clone there meanwhile: theirs stands
        shutil.rmtree(scratch, ignore_errors=True)
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)


def build() -> int:
    """Generate what is missing, then compute every demo component's truck factor."""
    people = {p.slug: (p.name, p.email or f"{p.slug}@acme.test") for p in Person.objects.all()}
    root = Path(settings.REPOS_DIR)
    for component in Component.objects.filter(slug__in=PLANS):
        for repo in component.repos:
            where = root / repo
            if not where.exists():
                _generate(where, component.slug, people)
    return len(knowledge.refresh_all())
