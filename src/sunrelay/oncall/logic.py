"""Pure rules of on-call: how heavy a roster is on each person and region, and how an
escalation ladder advances. Schedules themselves are computed in ``roster``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sunrelay.cadence.logic import region_of
from sunrelay.oncall.roster import Segment, months
from sunrelay.oncall.specs import PolicySpec, Step
from sunrelay.worktime import Schedule, Timeline, from_epoch

# A region carrying more than this many times the off-hours load per person of the lightest
# region, and at least MIN_GAP_HOURS more, is called out.
IMBALANCE_RATIO = 2.0
MIN_GAP_HOURS = 8.0


@dataclass
class Load:
    person: str
    month: str  # "2026-03" (UTC)
    seconds: int = 0
    outside_seconds: int = 0  # on call while outside their own working hours

    @property
    def hours(self) -> float:
        return round(self.seconds / 3600, 1)

    @property
    def outside_hours(self) -> float:
        return round(self.outside_seconds / 3600, 1)


@dataclass
class Fairness:
    loads: list[Load]
    regions: dict[str, float] = field(default_factory=dict)  # off-hours per person, by region
    warnings: list[str] = field(default_factory=list)


def fairness(
    shifts: Sequence[Segment], schedules: Mapping[str, Schedule], a: int, b: int
) -> Fairness:
    """Each person's on-call hours per month and how many fell outside their working hours,
    and a warning when one region carries far more of the off-hours load than another."""
    loads: dict[tuple[str, str], Load] = {}
    shared: dict[int, Timeline] = {}  # people with the same zone, hours and holidays share
    for schedule in schedules.values():  # one schedule object (people.logic): one timeline
        if id(schedule) not in shared:
            shared[id(schedule)] = schedule.timeline(a, b)
    timelines = {p: shared[id(s)] for p, s in schedules.items()}
    for month, lo, hi in months(a, b):
        for seg in shifts:
            s, e = max(seg.start, lo), min(seg.end, hi)
            if s >= e:
                continue
            load = loads.setdefault((seg.person, month), Load(seg.person, month))
            load.seconds += e - s
            timeline = timelines.get(seg.person)
            working = timeline.seconds(s, e) if timeline is not None else 0
            load.outside_seconds += (e - s) - working
    result = Fairness(sorted(loads.values(), key=lambda x: (x.month, x.person)))
    per_region: dict[str, list[int]] = {}
    totals: dict[str, int] = {}
    for load in result.loads:
        totals[load.person] = totals.get(load.person, 0) + load.outside_seconds
    for person, outside in totals.items():
        if person in schedules:
            region = region_of(schedules[person].zone.key, from_epoch(a))
            per_region.setdefault(region, []).append(outside)
    result.regions = {
        r: round(sum(v) / len(v) / 3600, 1) for r, v in sorted(per_region.items()) if v
    }
    if len(result.regions) > 1:
        heavy = max(result.regions, key=lambda r: result.regions[r])
        light = min(result.regions, key=lambda r: result.regions[r])
        most, least = result.regions[heavy], result.regions[light]
        if most - least >= MIN_GAP_HOURS and most > IMBALANCE_RATIO * least:
            result.warnings.append(
                f"{heavy} carries {most:g} off-hours on call per person against {least:g} in "
                f"{light}: consider a follow-the-sun layer or restrictions"
            )
    return result


@dataclass(frozen=True)
class Position:
    step: int  # index into the policy's steps
    round: int  # 0 the first time through the ladder, then each repeat


def next_position(policy: PolicySpec, at: Position | None) -> Position | None:
    """The step after ``at`` (the first step when ``None``); None when the ladder, with its
    repeats, is exhausted."""
    if at is None:
        return Position(0, 0)
    if at.step + 1 < len(policy.steps):
        return Position(at.step + 1, at.round)
    if at.round < policy.repeat:
        return Position(0, at.round + 1)
    return None


def step_at(policy: PolicySpec, at: Position) -> Step:
    return policy.steps[at.step]
