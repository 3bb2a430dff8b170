"""Pure rules of the team cadence: ISO weeks, due instants, reminders, recurrences, fair
rotations and regions. No Django: instants in, instants out (aware UTC)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.rrule import rrulestr

from sunrelay.worktime import (
    Schedule,
    WeeklyTime,
    epoch,
    from_epoch,
    parse_weekly_time,
    to_epoch,
    zone,
)

DEFAULT_DUE = parse_weekly_time("mon 17:00")
DEFAULT_ESCALATION = "2h"
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")

# --- ISO weeks --------------------------------------------------------------------------


def parse_week(text: str) -> date:
    """The Monday of ISO week 'YYYY-Www'. Raises ValueError."""
    match = _WEEK.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not an ISO week like 2026-W48")
    try:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise ValueError(f"{text!r} has no such week") from None


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def shift_week(week: str, weeks: int) -> str:
    return week_of(parse_week(week) + timedelta(weeks=weeks))


def local_week(at: datetime, timezone: str) -> str:
    """The ISO week it is for someone in ``timezone`` at ``at``."""
    return week_of(at.astimezone(zone(timezone)).date())


# --- due times and reminders ------------------------------------------------------------


def due_instant(rule: WeeklyTime, week: str, timezone: str) -> datetime:
    """The due instant of ``week`` for someone in ``timezone`` (DST-correct)."""
    return rule.instant(parse_week(week), timezone)


def reminder_instant(schedule: Schedule, due: datetime) -> datetime:
    """When to remind an author: the start of their last working window that begins before
    the due time (so the nudge lands in their hours, with that window left to write in).
    With no window in the week before, a day before the due time."""
    end = epoch(due)
    windows = [w for w in schedule.windows(end - 7 * 86400, end) if w[0] < end]
    return from_epoch(windows[-1][0]) if windows else due - timedelta(days=1)


# --- recurrences ------------------------------------------------------------------------


def check_rrule(rule: str) -> None:
    """Raises ValueError for text that is not an RFC 5545 RRULE value."""
    text = rule.strip().removeprefix("RRULE:")
    if not text or "FREQ=" not in text.upper():
        raise ValueError("a recurrence needs FREQ, e.g. FREQ=WEEKLY;BYDAY=TH")
    try:
        rrulestr(text, dtstart=datetime(2026, 1, 1))  # noqa: DTZ001 - wall-clock recurrence
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an RFC 5545 recurrence: {exc}") from None


ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
RRULE_DAYS = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA",
              "sun": "SU"}  # fmt: skip


def build_rrule(
    repeat: str,
    every: int = 1,
    days: Sequence[str] = (),
    ordinal: str = "",
    weekday: str = "",
    monthday: int | None = None,
) -> str:
    """The RRULE a person describes: weekly on some days every N weeks, or monthly on the
    first/…/last weekday or on a day of the month, every N months. Raises ValueError naming
    what is missing."""
    if not 1 <= every <= 52:
        raise ValueError("'every' is 1 to 52")
    interval = f";INTERVAL={every}" if every > 1 else ""
    if repeat == "weekly":
        chosen = [RRULE_DAYS[d] for d in RRULE_DAYS if d in days]
        if not chosen:
            raise ValueError("pick at least one day of the week")
        return f"FREQ=WEEKLY{interval};BYDAY={','.join(chosen)}"
    if repeat == "monthly":
        if monthday is not None:
            if not 1 <= monthday <= 31:
                raise ValueError("a day of the month is 1 to 31")
            return f"FREQ=MONTHLY{interval};BYMONTHDAY={monthday}"
        if ordinal not in ORDINALS or weekday not in RRULE_DAYS:
            raise ValueError("say which weekday of the month, e.g. the first Tuesday")
        return f"FREQ=MONTHLY{interval};BYDAY={ORDINALS[ordinal]}{RRULE_DAYS[weekday]}"
    raise ValueError(f"{repeat!r} is not weekly or monthly")


def occurrences(
    rule: str, first: datetime, timezone: str, start: datetime, end: datetime
) -> list[datetime]:
    """Instants of a recurrence in [start, end). ``first`` is the first occurrence as a naive
    wall-clock time in ``timezone``: the meeting stays at 10:00 local across DST changes."""
    text = rule.strip().removeprefix("RRULE:")
    tz = zone(timezone)
    # Widen by a day each side: the window is in UTC, the rule runs on wall-clock time.
    lo = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    hi = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    found = []
    for local in rrulestr(text, dtstart=first).between(lo, hi, inc=True):
        at = from_epoch(to_epoch(local.date(), local.time(), tz))
        if start <= at < end:
            found.append(at)
    return found


# --- fair rotations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    start: datetime  # in a reference week
    outside: Mapping[str, int]  # minutes outside working hours, for those who would be


@dataclass(frozen=True)
class Rotation:
    slots: tuple[Candidate, ...]
    worst_share: float  # the largest share of occurrences anyone spends outside their hours

    def burden(self, people: Iterable[str]) -> dict[str, tuple[int, int]]:
        """Per person: (occurrences outside hours, minutes outside) over one turn."""
        return {
            p: (
                sum(1 for s in self.slots if s.outside.get(p)),
                sum(s.outside.get(p, 0) for s in self.slots),
            )
            for p in people
        }


def fair_rotation(
    candidates: Sequence[Candidate], people: Sequence[str], longest: int = 4
) -> Rotation:
    """The rotation of slots that spreads out-of-hours burden most evenly.

    Minimises, in order: the largest share of occurrences anyone is outside their hours, the
    average minutes outside per occurrence, the rotation's length. A slot that suits everyone
    wins alone. Candidates with the same set of people outside are one choice (the cheapest).
    Raises ValueError with no candidates.
    """
    if not candidates:
        raise ValueError("no candidate slots")
    best_by_pattern: dict[frozenset[str], Candidate] = {}
    for c in candidates:
        pattern = frozenset(p for p, m in c.outside.items() if m > 0)
        held = best_by_pattern.get(pattern)
        if held is None or sum(c.outside.values()) < sum(held.outside.values()):
            best_by_pattern[pattern] = c
    choices = sorted(best_by_pattern.values(), key=lambda c: (sum(c.outside.values()), c.start))
    choices = choices[:12]
    best: tuple[tuple[float, float, int], tuple[Candidate, ...]] | None = None
    for length in range(1, longest + 1):
        for combo in itertools.combinations_with_replacement(choices, length):
            worst = max(
                (sum(1 for s in combo if s.outside.get(p)) / length for p in people), default=0
            )
            minutes = sum(sum(s.outside.values()) for s in combo) / length
            score = (round(worst, 9), minutes, length)
            if best is None or score < best[0]:
                best = (score, combo)
    assert best is not None
    ordered = tuple(sorted(best[1], key=lambda c: c.start))
    return Rotation(ordered, best[0][0])


# --- regions ----------------------------------------------------------------------------

REGIONS = (("Americas", -13, -2), ("EMEA", -2, 4), ("APAC", 4, 15))


def region_of(timezone: str, at: datetime) -> str:
    """A coarse region from the UTC offset at ``at``: Americas, EMEA or APAC."""
    offset = at.astimezone(zone(timezone)).utcoffset() or timedelta(0)
    hours = offset.total_seconds() / 3600
    return next(name for name, lo, hi in REGIONS if lo <= hours < hi)


def office_hour_regions(regions: Sequence[str], week_index: int, per_week: int = 2) -> list[str]:
    """Which regions this week's office-hour slots are placed for, rotating week by week.

    With two regions each gets one slot every week; with three, each region gets slots in two
    weeks out of three; with one, both slots are for it (on different days).
    """
    if not regions:
        return []
    ordered = list(regions)
    return [ordered[(week_index * per_week + k) % len(ordered)] for k in range(per_week)]


# --- risks and asks ---------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*\S)\s*$")
_MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9-]*)")


def bullet_items(text: str) -> list[tuple[str, list[str]]]:
    """Each bullet of a Markdown list (or, without bullets, each paragraph) becomes an item:
    its text and the ``@id`` mentions in it, in order. "None" and "-" are not items."""
    lines = text.splitlines()
    found = [m.group(1) for m in map(_BULLET.match, lines) if m]
    if not found:
        found = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    items = []
    for entry in found:
        entry = entry.strip()[:500]
        if entry.lower().strip(".!") in {"", "none", "n/a", "nothing", "-"}:
            continue
        items.append((entry, _MENTION.findall(entry)))
    return items
