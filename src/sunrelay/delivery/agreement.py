"""The delivery keys of a team's working agreement, registered with the org file.

``review.pr``: how long a review request may wait, in the reviewer's working time (``8h``
by default, as seed 001 asks; ``24h`` or ``3d`` are valid settings). ``wip.person``: how many
pull requests (written and under review) one engineer has in flight at most (2 by default).
"""

from __future__ import annotations

from sunrelay.people.orgfile import register_agreement
from sunrelay.worktime import parse_period


def check_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"must be a whole number of at least 1, not {value!r}")
    return value


register_agreement("review", {"pr": parse_period})
register_agreement("wip", {"person": check_count})
