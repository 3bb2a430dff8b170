"""The truck factor of Avelino, Passos, Hora and Valente, "A novel approach for estimating
truck factors" (ICPC 2016), as their reference tool computes it. Pure; see docs/knowledge.md.

Degree of authorship of developer d on file f:
    DOA = 3.293 + 1.098·FA + 0.164·DL - 0.321·ln(1 + AC)
FA is 1 when d added f (the first addition, or a later re-addition by someone other than its
creator); DL is d's changes to f (modifications and renames, not additions); AC is everyone
else's. Renames are followed back through the old paths. d authors f when DOA / max DOA on f
> 0.75 and either DOA ≥ 3.293 or FA. The truck factor: remove the developer who authors the
most files, again and again, until fewer than half the files have an author left; the number
removed.

Ties (the reference tool breaks them by hash order in its greedy variant) go to the developer
with more changes over the files counted, then more commits, then the name first in Unicode
order, then the first seen: the same history gives the same answer everywhere."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from sunrelay.knowledge.gitlog import ADDED, History
from sunrelay.knowledge.identities import Developer

BASE, FA_WEIGHT, DL_WEIGHT, AC_WEIGHT = 3.293, 1.098, 0.164, 0.321
NORMALISED = 0.75
COVERAGE = 0.5
PRUNE_BELOW = 0.1  # the pruned variant drops TF authors with < 10 % of the top one's files
ALGORITHMS = ("greedy", "pruned")


def doa(fa: bool, dl: int, ac: int) -> float:
    return BASE + FA_WEIGHT * (1 if fa else 0) + DL_WEIGHT * dl - AC_WEIGHT * math.log(1 + ac)


@dataclass(frozen=True)
class Result:
    truck_factor: int
    tf_authors: tuple[Developer, ...]
    files: int
    authored_files: int
    algorithm: str
    # (files still authored, fraction) after 0, 1, … removals
    coverage: tuple[tuple[int, float], ...]
    developers: tuple[Developer, ...]  # every developer who authors a file, most files first

    def json(self) -> dict:
        return {
            "truck_factor": self.truck_factor,
            "tf_authors": [d.name for d in self.tf_authors],
            "files": self.files,
            "authored_files": self.authored_files,
            "algorithm": self.algorithm,
            "coverage": [
                {"removed": i, "authored_files": n, "fraction": round(f, 4)}
                for i, (n, f) in enumerate(self.coverage)
            ],
            "authors": [
                {"name": d.name, "emails": list(d.emails), "files": len(d.files)}
                for d in self.developers
            ],
        }


def _chain(path: str, history: History) -> list[int]:
    """Every touch of ``path`` and of the paths it was renamed from, each path once."""
    seen, todo = {path}, [path]
    found: list[int] = []
    while todo:
        here = todo.pop()
        found.extend(history.touches.get(here, ()))
        for old in history.renamed_from.get(here, ()):
            if old not in seen:
                seen.add(old)
                todo.append(old)
    return found


def authorship(files: list[str], history: History, of: list[int], devs: list[Developer]) -> None:
    """Fill each developer's ``files`` (indexes into ``files``) and ``changes``."""
    for index, path in enumerate(files):
        fa: dict[int, bool] = {}
        dl: dict[int, int] = {}
        total = 0
        for code in _chain(path, history):
            d = of[code >> 2]
            kind = code & 3
            if kind == ADDED:
                fa[d] = True
                dl.setdefault(d, 0)
            else:  # a change or a rename: a delivery
                dl[d] = dl.get(d, 0) + 1
                fa.setdefault(d, False)
                total += 1
        if not dl:
            continue
        scores = {d: doa(fa[d], n, total - n) for d, n in dl.items()}
        best = max(scores.values())
        for d, score in scores.items():
            devs[d].changes += dl[d]
            if best > 0 and score / best > NORMALISED and (score >= BASE or fa[d]):
                devs[d].files.add(index)


def _order(d: Developer) -> tuple:
    return (-len(d.files), -d.changes, -d.commits, d.name, d.index)


def greedy(
    n_files: int, devs: Iterable[Developer]
) -> tuple[list[Developer], list[tuple[int, float]]]:
    """The developers removed, in order, and the coverage after each removal."""
    authors = sorted((d for d in devs if d.files), key=_order)
    holders = [0] * n_files
    for d in authors:
        for f in d.files:
            holders[f] += 1
    covered = sum(1 for h in holders if h)
    curve = [(covered, covered / n_files if n_files else 0.0)]
    removed: list[Developer] = []
    # the greedy choice counts every file a developer authors, still covered or not, as the
    # reference tool does: so the order is fixed up front
    for top in authors:
        if not n_files or covered / n_files < COVERAGE:
            break
        removed.append(top)
        for f in top.files:
            holders[f] -= 1
            if holders[f] == 0:
                covered -= 1
        curve.append((covered, covered / n_files))
    return removed, curve


def compute(
    files: list[str],
    history: History,
    of: list[int],
    devs: list[Developer],
    algorithm: str = "greedy",
) -> Result:
    """Raises ValueError for an unknown algorithm."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"{algorithm!r} is not one of {', '.join(ALGORITHMS)}")
    authorship(files, history, of, devs)
    removed, curve = greedy(len(files), devs)
    tf = list(removed)
    if algorithm == "pruned" and tf:
        top = max(len(d.files) for d in tf)
        tf = [d for d in tf if len(d.files) / top >= PRUNE_BELOW]
    authored = sum(1 for _ in {f for d in devs for f in d.files})
    return Result(
        truck_factor=len(tf),
        tf_authors=tuple(tf),
        files=len(files),
        authored_files=authored,
        algorithm=algorithm,
        coverage=tuple(curve),
        developers=tuple(sorted((d for d in devs if d.files), key=_order)),
    )
