"""The ``knowledge`` section of a working agreement and what a component's truck factor and
people say about it. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

CRITICAL = ("high", "critical")  # criticalities that hold the bus-factor target


def _whole(name: str, least: int) -> Callable[[object], object]:
    def check(value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValueError(f"{name} must be a whole number of at least {least}")
        return value

    return check


RULES: dict[str, Callable[[object], object]] = {
    "bus_factor": _whole("bus_factor", 1),
    "doc_freshness": _whole("doc_freshness (calendar days)", 1),
}


@dataclass(frozen=True)
class Rules:
    bus_factor: int = 3  # seed 004: at least three engineers per critical system
    doc_freshness: int = 180  # calendar days before a document counts as stale


def rules(*agreements: Mapping[str, Any]) -> Rules:
    """Each key from the first agreement (nearest first) that declares it."""
    found: dict[str, Any] = {}
    for agreement in agreements:
        for key, value in (agreement.get("knowledge") or {}).items():
            found.setdefault(key, value)
    return Rules(**{k: v for k, v in found.items() if k in RULES})


@dataclass(frozen=True)
class Author:
    name: str
    files: int
    person: str | None  # the directory's id for them, when one of their addresses is known


def flags(
    *,
    criticality: str,
    truck_factor: int | None,
    target: int,
    maintainers: Iterable[str],
    authors: Iterable[Author],
    dri: str | None = None,
) -> list[str]:
    """What a demanding lead would want pointed out: a critical component under the target,
    a maintainer the history does not show, an author the directory does not list."""
    found = []
    authors = list(authors)
    if truck_factor is not None and criticality in CRITICAL and truck_factor < target:
        found.append(
            f"truck factor {truck_factor} is under the target of {target} for a "
            f"{criticality} component"
        )
    authoring = {a.person for a in authors if a.person}
    listed = set(maintainers)
    if truck_factor is not None:
        for slug in sorted(listed - authoring):
            found.append(f"{slug} is listed as a maintainer but authors none of its files")
    for a in authors:
        if a.person is None:
            found.append(f"{a.name} authors {a.files} of its files but is not in the directory")
        elif a.person not in listed and a.person != dri:
            found.append(
                f"{a.person} authors {a.files} of its files but is not listed as a maintainer"
            )
    return found


# -- documentation ---------------------------------------------------------------------------

DOC_TARGET = 0.9  # seed 004: 90 % of systems with up-to-date documentation


@dataclass(frozen=True)
class Document:
    title: str
    where: str  # a URL, or owner/name:path in a clone
    kind: str  # "link" (listed on the component) or "file" (found in its repository paths)
    changed: date | None  # last change (git) or last review (the link's reviewed date)
    source: str  # "git", "reviewed", or "" when nothing says

    def fresh(self, today: date, days: int) -> bool:
        return self.changed is not None and (today - self.changed).days <= days


def judge(documents: Iterable[Document], today: date, days: int) -> tuple[bool, str]:
    """Up to date: at least one document is fresh, and every listed one (runbook, dashboard,
    docs, ADRs: what people are sent to) is. Files in the repository only count for the
    first: one old README among fresh docs does not make a component undocumented."""
    documents = list(documents)
    if not documents:
        return False, "no documentation listed or found"
    links = [d for d in documents if d.kind == "link"]
    old = [d.title for d in links if not d.fresh(today, days)]
    if old:
        return False, f"not fresh: {', '.join(old)}"
    if not any(d.fresh(today, days) for d in documents):
        return False, f"nothing changed or reviewed in the last {days} days"
    return True, ""
