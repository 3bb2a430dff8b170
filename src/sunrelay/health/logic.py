"""Operating states, pure (seed 004): each signal of a team's week measured against the
thresholds of its working agreement (``agreement.states``), and the state they add up to.

A signal's verdict is ``ok``, ``strained``, ``failing`` or ``unknown`` (no data). The week is
**barely functioning** when enough signals fail (or the team says it is struggling),
**unknown** when too few signals have data, **optimized** when every measured signal is ok and
the team says it is ahead or runs well inside its limits, and **normal** otherwise. Several
optimized weeks with after-hours load rising are flagged: seed 004 warns that "optimized" may
be an unsustainable sprint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

BARELY, NORMAL, OPTIMIZED, UNKNOWN = "barely-functioning", "normal", "optimized", "unknown"
STATES = (BARELY, NORMAL, OPTIMIZED, UNKNOWN)
OK, STRAINED, FAILING, NO_DATA = "ok", "strained", "failing", "unknown"

# signal: (higher is better?, strained at, failing at). A rate is 0..1; a count is per week.
DEFAULTS: dict[str, tuple[bool, float, float]] = {
    "review_in_time": (True, 0.8, 0.6),  # decisions and PR reviews answered within the SLA
    "wip_load": (False, 1.0, 1.34),  # active initiatives over the team's limit
    "queue": (False, 3, 6),  # initiatives waiting to start
    "updates_on_time": (True, 0.8, 0.5),  # weekly updates posted on time / expected
    "after_hours_pages": (False, 2, 5),  # pages outside the paged person's working hours
    "after_hours_meetings": (False, 3, 8),  # meeting seats outside the attendee's hours
    "incidents": (False, 1, 3),  # SEV1/SEV2 incidents open during the week
    "slipped": (False, 1, 3),  # initiative targets moved later, or passed while active
    "unplanned_share": (False, 0.34, 0.5),  # incident-response work of all active work
    "absence_share": (False, 0.2, 0.35),  # member working days lost to absences
    "self_report": (True, 0.5, 0.0),  # 1 ahead, 0.5 steady, 0 struggling (the team's mean)
    "pulse": (True, 0.6, 0.4),  # the anonymous pulse's three means on 0..1, when shown
}
SIGNALS = tuple(DEFAULTS)
DEFAULT_FAILING = 2  # failing signals that make a week barely functioning
DEFAULT_MINIMUM = 5  # signals with data needed to say anything
DEFAULT_STREAK = 3  # optimized weeks in a row before rising after-hours load is flagged

DESCRIBE = {
    "review_in_time": "reviews answered within the agreement",
    "wip_load": "active initiatives against the limit",
    "queue": "initiatives queued",
    "updates_on_time": "weekly updates posted on time",
    "after_hours_pages": "pages outside working hours",
    "after_hours_meetings": "meeting seats outside working hours",
    "incidents": "SEV1/SEV2 incidents open",
    "slipped": "initiative dates slipped",
    "unplanned_share": "share of unplanned (incident) work",
    "absence_share": "working days lost to absences",
    "self_report": "the team's own view (0 struggling, 1 ahead)",
    "pulse": "the anonymous pulse (0 worst, 1 best)",
}


def check_states(value: object) -> dict[str, Any]:
    """``agreement.states``: ``{signal: {strained: x, failing: y}, failing: N, minimum: N}``.
    Raises ValueError naming the key."""
    if not isinstance(value, dict):
        raise ValueError("must be a mapping of signals to {strained, failing}")
    for key, item in value.items():
        if key in ("failing", "minimum", "streak"):
            if isinstance(item, bool) or not isinstance(item, int) or item < 1:
                raise ValueError(f"{key} must be a whole number of at least 1")
            continue
        if key not in DEFAULTS:
            raise ValueError(f"unknown signal {key!r}; expected one of: {', '.join(SIGNALS)}")
        if not isinstance(item, dict) or set(item) - {"strained", "failing"}:
            raise ValueError(f"{key} must be {{strained: X, failing: Y}}")
        for level in item.values():
            if isinstance(level, bool) or not isinstance(level, int | float):
                raise ValueError(f"{key}: thresholds are numbers")
        higher, strained, failing = _levels(key, item)
        if (higher and failing > strained) or (not higher and failing < strained):
            word = "below" if higher else "above"
            raise ValueError(f"{key}: failing must be {word} strained (or equal)")
    return value


def _levels(key: str, given: Mapping[str, Any] | None) -> tuple[bool, float, float]:
    higher, strained, failing = DEFAULTS[key]
    given = given or {}
    return higher, float(given.get("strained", strained)), float(given.get("failing", failing))


@dataclass(frozen=True)
class Reading:
    name: str
    value: float | None
    threshold: float  # where strain starts
    failing: float
    verdict: str

    def json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "threshold": self.threshold,
            "failing": self.failing,
            "verdict": self.verdict,
        }


def verdict(name: str, value: float | None, rules: Mapping[str, Any]) -> Reading:
    higher, strained, failing = _levels(name, rules.get(name))
    if value is None:
        found = NO_DATA
    elif higher:
        found = FAILING if value <= failing else STRAINED if value < strained else OK
    else:
        found = FAILING if value >= failing else STRAINED if value >= strained else OK
    return Reading(name, value, strained, failing, found)


def state_of(readings: Sequence[Reading], rules: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The week's state and why, from its readings."""
    measured = [r for r in readings if r.verdict != NO_DATA]
    failing = [r for r in measured if r.verdict == FAILING]
    minimum = int(rules.get("minimum", DEFAULT_MINIMUM))
    if len(measured) < minimum:
        return UNKNOWN, [f"{len(measured)} signals with data; {minimum} needed"]
    if len(failing) >= int(rules.get("failing", DEFAULT_FAILING)) or any(
        r.name == "self_report" for r in failing
    ):
        return BARELY, [f"{DESCRIBE[r.name]}: {_show(r.value)}" for r in failing]
    if all(r.verdict == OK for r in measured):
        ahead = next((r for r in measured if r.name == "self_report"), None)
        if ahead is not None and ahead.value is not None and ahead.value >= 0.75:
            return OPTIMIZED, ["every signal ok and the team says it is ahead"]
        return NORMAL, ["every signal ok"]
    strained = [r for r in measured if r.verdict != OK]
    return NORMAL, [f"{DESCRIBE[r.name]}: {_show(r.value)} ({r.verdict})" for r in strained]


def _show(value: float | None) -> str:
    if value is None:
        return "no data"
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def sprint_warning(history: Sequence[tuple[str, float | None]], rules: Mapping[str, Any]) -> bool:
    """(state, after-hours pages) for the latest weeks, oldest first: several optimized weeks
    in a row with after-hours load rising is a warning, not a success."""
    streak = int(rules.get("streak", DEFAULT_STREAK))
    if len(history) < streak:
        return False
    recent = history[-streak:]
    if any(state != OPTIMIZED for state, _ in recent):
        return False
    load = [v or 0.0 for _, v in recent]
    return load[-1] > load[0] and all(b >= a for a, b in pairwise(load))


# -- the nine questions (seed 004) ----------------------------------------------------------------

QUESTIONS = (
    ("states", "Operating states: does the team know what barely functioning, normal and "
     "optimized look like for it?"),
    ("ownership", "Ownership: does everything the team runs and decides have an owner?"),
    ("failure", "Failure handling: is it decided in advance who decides when someone is out?"),
    ("valves", "Pressure-release valves: is it decided what gets shed, and who opens the valve?"),
    ("safety", "Safety nets: can people raise a concern, and does it reach someone?"),
    ("backpressure", "Backpressure: is there a work-in-progress limit that is enforced?"),
    ("monitoring", "Monitoring and observability: do updates and metrics flow?"),
    ("alerting", "Alerting: does an alert reach a person, in order, and climb when ignored?"),
    ("resync", "Resynchronization: is there a regular time to get back in step?"),
)  # fmt: skip
