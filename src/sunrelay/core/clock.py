"""The one source of "now". Code asks ``clock.now()``; tests freeze it with ``frozen(...)``.

Every instant is timezone-aware UTC; a naive datetime never leaves this module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


@contextlib.contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Make ``now()`` return ``at`` (which must be aware) inside the block."""
    global _frozen
    if at.tzinfo is None:
        raise ValueError("a frozen clock needs an aware datetime")
    previous, _frozen = _frozen, at.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = previous
