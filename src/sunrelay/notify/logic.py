"""Pure rules of delivery: when a message may go out and when a failed one is tried again."""

from __future__ import annotations

from datetime import datetime, timedelta

from sunrelay.worktime import Schedule, epoch, from_epoch

MAX_ATTEMPTS = 6
BASE_DELAY = timedelta(seconds=30)
LOOKAHEAD = timedelta(days=21)


def backoff(attempts: int, base: timedelta = BASE_DELAY) -> timedelta:
    """Delay after the ``attempts``-th failure: 30 s, 1 min, 2 min, 4 min, … (doubling)."""
    return base * (2 ** max(attempts - 1, 0))


def next_working_instant(schedule: Schedule, at: datetime) -> datetime:
    """``at`` when the person is working then, else the start of their next working window.

    Someone with no working window in the next three weeks (a long absence) gets it at once:
    holding a message for longer than that helps nobody.
    """
    start = epoch(at)
    for window_start, window_end in schedule.windows(start, epoch(at + LOOKAHEAD)):
        if window_end > start:
            return at if window_start <= start else from_epoch(window_start)
    return at
