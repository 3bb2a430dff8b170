"""Working windows as sorted arrays with running totals.

``worked(t)`` is the working time from the first window up to ``t``: one binary search. The
working time between two instants is the difference of two such values, which makes a single
question O(log n).

A million questions go through ``DayTable``: the same windows cut at UTC midnights, so that an
instant finds its day by one division instead of a binary search, and its working time is the
day's running total plus the pieces of the day before it: a dozen passes of NumPy over the
rows, whatever the zone, the holidays, night shifts or daylight-saving changes (they are all
in the windows already). ``Tables`` lays several people's day tables end to end, so rows of
many people are answered in the same passes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

DAY = 86_400
Ints = npt.NDArray[np.int64]


class Timeline:
    __slots__ = ("_days", "end", "ends", "start", "starts", "totals")

    def __init__(self, windows: list[tuple[int, int]], start: int, end: int):
        self.start, self.end = start, end
        self.starts = [s for s, _ in windows]
        self.ends = [e for _, e in windows]
        self.totals: list[int] = []  # working time before each window
        running = 0
        for s, e in windows:
            self.totals.append(running)
            running += e - s
        self._days: DayTable | None = None

    def _check(self, t: int) -> None:
        if not self.start <= t <= self.end:
            raise ValueError(f"instant {t} is outside this timeline [{self.start}, {self.end}]")

    def worked(self, t: int) -> int:
        self._check(t)
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        return self.totals[i] + min(t - self.starts[i], self.ends[i] - self.starts[i])

    def seconds(self, a: int, b: int) -> int:
        """Working time in [a, b); ``b`` before ``a`` is an error."""
        if b < a:
            raise ValueError("the end is before the start")
        return self.worked(b) - self.worked(a)

    def contains(self, t: int) -> bool:
        i = bisect_right(self.starts, t) - 1
        return i >= 0 and t < self.ends[i]

    def instant_after(self, t: int, seconds: int) -> int | None:
        """The instant at which ``seconds`` of working time have passed since ``t``, if the
        timeline reaches that far; None otherwise."""
        if seconds <= 0:
            return t
        if not self.totals:
            return None
        target = self.worked(t) + seconds
        i = bisect_left(self.totals, target) - 1  # the window in which the total is reached
        at = self.starts[i] + (target - self.totals[i])
        return at if at <= self.ends[i] and at <= self.end else None

    def by_day(self) -> DayTable:
        """The windows cut at UTC midnights (built once)."""
        if self._days is None:
            self._days = DayTable.of(self)
        return self._days

    def worked_many(self, t: Ints) -> Ints:
        """``worked`` for each instant (all within the timeline). Raises ValueError naming
        the first instant outside it."""
        return Tables([self]).worked(np.asarray(t, dtype=np.int64))

    def seconds_many(self, a: Ints, b: Ints) -> Ints:
        tables = Tables([self])
        return tables.worked(np.asarray(b, dtype=np.int64)) - tables.worked(
            np.asarray(a, dtype=np.int64)
        )


class DayTable:
    """A timeline's windows cut at UTC midnights. For day ``k`` after ``first_day`` (days
    since the epoch): the working time of the days before it (``before[k]``), and the pieces
    of working time inside it (``starts[j, k]``, ``lengths[j, k]``: seconds after midnight;
    ``j`` up to the most pieces any day has, unused ones of length 0). Working time up to an
    instant in day ``k``, ``r`` seconds after midnight: ``before[k] + Σ_j clip(r - starts[j,
    k], 0, lengths[j, k])``.
    """

    __slots__ = ("before", "first_day", "lengths", "starts")

    def __init__(self, first_day: int, before: Ints, starts: np.ndarray, lengths: np.ndarray):
        self.first_day, self.before, self.starts, self.lengths = first_day, before, starts, lengths

    @property
    def days(self) -> int:
        return len(self.before)

    @classmethod
    def of(cls, timeline: Timeline) -> DayTable:
        first_day, last_day = timeline.start // DAY, timeline.end // DAY
        days = last_day - first_day + 1
        origin = first_day * DAY
        s = np.asarray(timeline.starts, dtype=np.int64) - origin
        e = np.asarray(timeline.ends, dtype=np.int64) - origin
        earlier = int(np.clip(np.minimum(e, 0) - s, 0, None).sum())  # worked before day one
        s, e = np.clip(s, 0, days * DAY), np.clip(e, 0, days * DAY)
        s, e = s[e > s], e[e > s]  # windows outside the days covered leave nothing
        # each window in one piece per day it touches
        first, last = s // DAY, (e - 1) // DAY
        count = last - first + 1
        window = np.repeat(np.arange(len(s)), count)
        day = first[window] + np.arange(len(window)) - np.repeat(np.cumsum(count) - count, count)
        piece_start = np.maximum(s[window], day * DAY) - day * DAY
        piece_end = np.minimum(e[window], (day + 1) * DAY) - day * DAY
        # the pieces of a day are consecutive (windows are sorted and disjoint): number them
        opens = np.flatnonzero(np.diff(day, prepend=-1) != 0)
        slot = np.arange(len(day)) - np.repeat(opens, np.diff(opens, append=len(day)))
        width = int(slot.max()) + 1 if len(slot) else 1
        starts = np.zeros((width, days), dtype=np.int32)
        lengths = np.zeros((width, days), dtype=np.int32)
        starts[slot, day] = piece_start
        lengths[slot, day] = piece_end - piece_start
        per_day = lengths.sum(axis=0, dtype=np.int64)
        before = earlier + np.concatenate(([0], np.cumsum(per_day)[:-1])).astype(np.int64)
        return cls(int(first_day), before, starts, lengths)


class Tables:
    """Day tables of several timelines laid end to end: row ``i`` of a question is answered
    by timeline ``codes[i]``. With one timeline, ``codes`` may be left out."""

    def __init__(self, timelines: Sequence[Timeline]):
        tables = [t.by_day() for t in timelines]
        self.one = len(tables) == 1
        width = max(t.starts.shape[0] for t in tables)
        offsets = np.cumsum([0] + [t.days for t in tables[:-1]], dtype=np.int64)
        firsts = np.array([t.first_day for t in tables], dtype=np.int64)
        self.shift = offsets - firsts  # day since the epoch + shift = row in the tables
        self.start = np.array([t.start for t in timelines], dtype=np.int64)
        self.end = np.array([t.end for t in timelines], dtype=np.int64)
        self.before = np.concatenate([t.before for t in tables])
        self.starts = np.concatenate([_widen(t.starts, width) for t in tables], axis=1)
        self.lengths = np.concatenate([_widen(t.lengths, width) for t in tables], axis=1)

    def worked(self, t: Ints, codes: Ints | None = None) -> Ints:
        """Working time up to each instant, on its row's timeline. Raises ValueError naming
        the first instant outside its timeline."""
        if len(t) == 0:
            return np.zeros(0, dtype=np.int64)
        if self.one or codes is None:
            outside = (t < self.start[0]) | (t > self.end[0])
        else:
            outside = (t < self.start[codes]) | (t > self.end[codes])
        if outside.any():
            i = int(np.argmax(outside))
            raise ValueError(f"instant {int(t[i])} is outside its timeline")
        day, into = np.divmod(t, DAY)
        row = day + (self.shift[0] if self.one or codes is None else self.shift[codes])
        into = into.astype(np.int32)
        value = self.before[row]
        for starts, lengths in zip(self.starts, self.lengths, strict=True):
            value += np.minimum(np.maximum(into - starts[row], 0), lengths[row])
        return value

    def seconds(self, a: Ints, b: Ints, codes: Ints | None = None) -> Ints:
        """Working time in [a, b) for each row."""
        return self.worked(b, codes) - self.worked(a, codes)


def _widen(table: np.ndarray, width: int) -> np.ndarray:
    if table.shape[0] == width:
        return table
    return np.vstack([table, np.zeros((width - table.shape[0], table.shape[1]), table.dtype)])
