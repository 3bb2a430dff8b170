"""The ``states`` and ``concerns`` sections of a working agreement (a team's, or the
organisation's default): thresholds of each signal and how many failing signals make a week
barely functioning; each category of concern's route."""

from __future__ import annotations

from collections.abc import Callable

from sunrelay.health import concerns_logic
from sunrelay.health.logic import SIGNALS, check_states
from sunrelay.people.orgfile import register_agreement


def check_min_group(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int) or value < 3:
        raise ValueError("min_group must be a whole number of at least 3")
    return value


def _rule(name: str) -> Callable[[object], object]:
    def check(value: object) -> object:
        check_states({name: value})
        return value

    return check


register_agreement(
    "states", {name: _rule(name) for name in (*SIGNALS, "failing", "minimum", "streak")}
)
register_agreement("concerns", concerns_logic.RULES)
register_agreement("pulse", {"min_group": check_min_group})
