"""Working windows as sorted arrays with running totals.

``worked(t)`` is the working time from the first window up to ``t``: one binary search. The
working time between two instants is the difference of two such values, which makes a single
question O(log n) and a million questions a handful of vectorised NumPy operations.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import numpy as np
import numpy.typing as npt


class Timeline:
    __slots__ = ("_arrays", "end", "ends", "start", "starts", "totals")

    def __init__(self, windows: list[tuple[int, int]], start: int, end: int):
        self.start, self.end = start, end
        self.starts = [s for s, _ in windows]
        self.ends = [e for _, e in windows]
        self.totals: list[int] = []  # working time before each window
        running = 0
        for s, e in windows:
            self.totals.append(running)
            running += e - s
        self._arrays: tuple[npt.NDArray[np.int64], ...] | None = None

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

    def worked_many(self, t: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        if self._arrays is None:
            self._arrays = (
                np.asarray(self.starts, dtype=np.int64),
                np.asarray(self.ends, dtype=np.int64) - np.asarray(self.starts, dtype=np.int64),
                np.asarray(self.totals, dtype=np.int64),
            )
        starts, lengths, totals = self._arrays
        if len(starts) == 0:
            return np.zeros(len(t), dtype=np.int64)
        i = np.searchsorted(starts, t, side="right") - 1
        inside = i >= 0
        j = np.where(inside, i, 0)
        value = totals[j] + np.minimum(t - starts[j], lengths[j])
        return np.where(inside, value, 0)

    def seconds_many(
        self, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        return self.worked_many(b) - self.worked_many(a)
