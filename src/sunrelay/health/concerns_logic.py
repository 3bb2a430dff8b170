"""Safety nets, pure (seed 004): the categories of concern, their routes in the working
agreement (``agreement.concerns``), and which may be raised anonymously.

```yaml
agreement:
  concerns:
    interpersonal: {route: [manager, sofia], within: 1d, act_within: 5d, anonymous: true}
    technical: {route: [lead], within: 2d}
```

A route names ``lead``, ``manager`` (the lead's manager) or people's ids, in order: the first
is asked, and each next one when the one before lets the period pass (working time)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sunrelay.worktime import Period, parse_period

CATEGORIES = ("project-risk", "interpersonal", "strategic", "process", "technical")
SEVERITIES = ("low", "medium", "high")
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


@dataclass(frozen=True)
class Route:
    route: tuple[str, ...]
    within: Period  # to acknowledge, per level
    act_within: Period  # from acknowledgement to action
    anonymous: bool


DEFAULTS = {
    "project-risk": Route(("lead", "manager"), Period(2, "d"), Period(5, "d"), False),
    "interpersonal": Route(("manager",), Period(1, "d"), Period(5, "d"), True),
    "strategic": Route(("lead", "manager"), Period(3, "d"), Period(10, "d"), False),
    "process": Route(("lead", "manager"), Period(2, "d"), Period(10, "d"), True),
    "technical": Route(("lead",), Period(2, "d"), Period(5, "d"), False),
}
KEYS = {"route", "within", "act_within", "anonymous"}


def check_route(value: object) -> Route:
    """One category's route. Raises ValueError naming the key."""
    if not isinstance(value, dict) or set(value) - KEYS:
        raise ValueError(f"must be a mapping of {', '.join(sorted(KEYS))}")
    route = value.get("route", ["lead", "manager"])
    if (
        not isinstance(route, list)
        or not route
        or not all(isinstance(r, str) and ID.match(r) for r in route)
    ):
        raise ValueError("route must list lead, manager or people's ids, in order")
    anonymous = value.get("anonymous", False)
    if not isinstance(anonymous, bool):
        raise ValueError("anonymous must be true or false")
    return Route(
        tuple(route),
        parse_period(value.get("within", "2d")),
        parse_period(value.get("act_within", "5d")),
        anonymous,
    )


RULES: dict[str, Callable[[object], object]] = dict.fromkeys(CATEGORIES, check_route)


def routes(*agreements: dict[str, Any] | None) -> dict[str, Route]:
    """Each category's route: the first agreement that declares it, else the default."""
    found: dict[str, Route] = {}
    for agreement in agreements:
        for category, value in ((agreement or {}).get("concerns") or {}).items():
            if category in DEFAULTS and category not in found:
                try:
                    found[category] = check_route(value)
                except ValueError:
                    continue
    return {c: found.get(c, DEFAULTS[c]) for c in CATEGORIES}
