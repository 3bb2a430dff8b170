"""The one source of "now". Code asks ``clock.now()``; tests freeze it with ``frozen(...)``.

Every instant is timezone-aware UTC; a naive datetime never leaves this module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime

from sunrelay.core.errors import ValidationFailed
from sunrelay.worktime.instants import parse_instant

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


def read_date(text: str | None, field: str) -> date:
    """A day (``2026-01-31``) from a surface. Raises ValidationFailed naming ``field``."""
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        raise ValidationFailed(f"{text!r} is not a date like 2026-01-31", field=field) from None


def read_instant(text: str | None, field: str, *, default_now: bool = False) -> datetime:
    """An ISO-8601 instant from a surface (query, option, form); empty means now when
    ``default_now``. Raises ValidationFailed naming ``field``."""
    if not text and default_now:
        return now()
    try:
        return parse_instant(text or "")
    except ValueError as exc:
        raise ValidationFailed(str(exc), field=field) from None
