"""Small statistics shared by the delivery metrics. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


def percentile(values: Sequence[float] | Any, p: float) -> float | None:
    """The ``p`` quantile by linear interpolation between the nearest ranks, as SQL's
    ``PERCENTILE_CONT`` and numpy's default compute it; None for no values. ``values``: a
    sequence, or a numpy array (sorted by numpy, the same arithmetic after)."""
    if len(values) == 0:
        return None
    ordered = np.sort(values).tolist() if isinstance(values, np.ndarray) else sorted(values)
    rank = p * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
