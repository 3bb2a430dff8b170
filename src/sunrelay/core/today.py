""" "My day": the hub's home page, put together from sections each domain registers.

A domain adds what it knows about one person's day (decisions: reviews to give; cadence:
hand-offs, the weekly update, rituals; on-call: pages and who holds the pager; incidents: action
items and open incidents; people: the team around them), so the page never imports every
domain. Sections that wait on the person come first, in the order they register with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Item:
    text: str
    url: str = ""
    at: datetime | None = None  # a deadline or a start, shown in the viewer's zone
    badge: str = ""  # "overdue", "late", "firing", "working now"…
    detail: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    empty: str = "Nothing."
    waiting: bool = False  # waits on the person (first on the page), or around them
    order: int = 50
    more: str = ""  # a link to the whole list


# (person, now) -> a section, or None when it has nothing to say at all for this person
Source = Callable[[Any, datetime], Section | None]
SOURCES: list[Source] = []


def register(source: Source) -> None:
    if source not in SOURCES:
        SOURCES.append(source)


def my_day(person: Any, now: datetime) -> list[Section]:
    """Every registered section for ``person`` at ``now``: what waits on them first."""
    found = [s for s in (source(person, now) for source in SOURCES) if s is not None]
    return sorted(found, key=lambda s: (not s.waiting, s.order))
