"""The ``onboarding`` section of a working agreement (the team's programme template) and the
items a programme holds, with their due dates. Pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

DAY0 = (
    "Laptop delivered and set up",
    "Accounts and access granted (least privilege, expiring)",
    "The paved-road scaffold builds and runs",
    "A sample service deployed to staging",
)
PAIRED = (
    "Pair with your tech buddy on a real change to one of the team's components",
    "Pair with your culture buddy through a week of the team's rituals and hand-offs",
)
# seed 002's week one: ship a doc, a dashboard and a PR. The key says what evidence ticks it
WEEK_ONE = (
    ("doc", "Ship a doc: a decision record or design doc you wrote"),
    ("dashboard", "Ship a dashboard: link it from one of the team's components"),
    ("pr", "Ship a PR: merged into one of the team's repositories"),
)
GOALS = {
    30: ("Ships a change end to end without help: reviewed, merged, deployed",),
    60: ("Owns one part of a component: named as its maintainer",),
    90: ("Joins the on-call rotation and answers a page with the runbook",),
}
KINDS = ("day0", "paired", "week1", "goal30", "goal60", "goal90")
LAST_DAY = 90


def _texts(name: str) -> Callable[[object], object]:
    def check(value: object) -> object:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError(f"{name} must be a list of items, each a line of text")
        return value

    return check


def _goals(value: object) -> object:
    if not isinstance(value, dict):
        raise ValueError("goals must map 30, 60 and 90 to lists of observable outcomes")
    for day, items in value.items():
        if str(day) not in ("30", "60", "90"):
            raise ValueError(f"goals: {day!r} is not 30, 60 or 90")
        _texts(f"goals.{day}")(items)
    return value


RULES: dict[str, Callable[[object], object]] = {
    "day0": _texts("day0"),
    "paired": _texts("paired"),
    "goals": _goals,
}


@dataclass(frozen=True)
class Template:
    day0: tuple[str, ...] = DAY0
    paired: tuple[str, ...] = PAIRED
    goals: Mapping[int, tuple[str, ...]] = None  # type: ignore[assignment]

    def goal(self, day: int) -> tuple[str, ...]:
        return (self.goals or GOALS).get(day, GOALS[day])


def template(*agreements: Mapping[str, Any]) -> Template:
    """Each key from the first agreement (nearest first) that declares it."""
    found: dict[str, Any] = {}
    for agreement in agreements:
        for key, value in (agreement.get("onboarding") or {}).items():
            found.setdefault(key, value)
    goals = {int(k): tuple(v) for k, v in (found.get("goals") or {}).items()}
    return Template(
        day0=tuple(found.get("day0") or DAY0),
        paired=tuple(found.get("paired") or PAIRED),
        goals={d: goals.get(d, GOALS[d]) for d in GOALS},
    )


@dataclass(frozen=True)
class Planned:
    kind: str
    key: str  # what evidence may tick it ("doc", "dashboard", "pr"), else ""
    text: str
    due: date


def plan(t: Template, start: date) -> list[Planned]:
    """Every item of a programme starting on ``start``, in the order they fall due."""
    items = [Planned("day0", "", text, start) for text in t.day0]
    items += [Planned("week1", key, text, start + timedelta(days=7)) for key, text in WEEK_ONE]
    items += [Planned("paired", "", text, start + timedelta(days=14)) for text in t.paired]
    for day in (30, 60, 90):
        items += [
            Planned(f"goal{day}", "", text, start + timedelta(days=day)) for text in t.goal(day)
        ]
    return items


def day_of(start: date, today: date) -> int:
    """Day 0 is the start date."""
    return (today - start).days
