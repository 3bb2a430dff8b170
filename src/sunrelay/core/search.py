"""The hub's global search: each domain registers what it can find (people, teams and
components; decisions; incidents; rituals), so the search page imports no domain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    kind: str  # "person", "team", "decision"… shown as a badge
    text: str
    url: str
    detail: str = ""


# (text, viewer's directory entry or None, limit) -> hits, best first
Searcher = Callable[[str, object, int], list[Hit]]
SEARCHERS: list[Searcher] = []
MIN_LENGTH, PER_KIND = 2, 8


def register(searcher: Searcher) -> None:
    if searcher not in SEARCHERS:
        SEARCHERS.append(searcher)


def search(text: str, viewer: object = None, limit: int = PER_KIND) -> list[Hit]:
    """Everything that matches ``text`` (at least two characters), up to ``limit`` per kind,
    in the order the domains registered: the directory first."""
    text = text.strip()
    if len(text) < MIN_LENGTH:
        return []
    return [hit for searcher in SEARCHERS for hit in searcher(text, viewer, limit)]
