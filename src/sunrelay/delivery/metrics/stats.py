"""Small statistics shared by the delivery metrics. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float | None:
    """The ``p`` quantile by linear interpolation between the nearest ranks, as SQL's
    ``PERCENTILE_CONT`` and numpy's default compute it; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = p * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
