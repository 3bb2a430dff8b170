"""Reading and writing instants and durations at the edges (CLI, API, files)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$")


def parse_instant(text: str) -> datetime:
    """An ISO-8601 instant with an offset or 'Z'. Raises ValueError naming what is wrong."""
    try:
        value = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValueError(f"{text!r} is not an ISO-8601 instant like 2026-03-30T09:00Z") from None
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone offset (add 'Z' or '+02:00')")
    return value.astimezone(UTC)


def format_instant(at: datetime) -> str:
    """UTC with a 'Z' suffix, whole seconds: 2026-03-30T07:00:00Z."""
    return at.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_optional(at: datetime | None) -> str | None:
    """``format_instant``, or None for an instant that has not happened."""
    return format_instant(at) if at is not None else None


def parse_duration(text: str) -> timedelta:
    """'30m', '1h30m', '2h', '1d', or plain minutes ('45'). Raises ValueError."""
    text = str(text).strip().lower()
    if text.isdigit():
        minutes = int(text)
    else:
        match = _DURATION.match(text)
        if not text or not match or not any(match.groups()):
            raise ValueError(f"{text!r} is not a duration like '30m' or '1h30m'")
        d, h, m = (int(g) if g else 0 for g in match.groups())
        minutes = d * 1440 + h * 60 + m
    if minutes <= 0:
        raise ValueError(f"{text!r} is not a positive duration")
    return timedelta(minutes=minutes)
