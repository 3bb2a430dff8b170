"""Template helpers shared by every page: Markdown and instants in a zone."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from sunrelay.core import clock
from sunrelay.worktime import describe_week

register = template.Library()


@functools.cache
def _renderer() -> MarkdownIt:
    # Raw HTML is off, so a record cannot inject markup; markdown-it refuses javascript: links.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(_renderer().render(text or ""))


@register.filter
def in_zone(at: datetime | None, zone: str | ZoneInfo) -> str:
    """An instant as local time in ``zone``: 'Wed 25 Nov 18:30'."""
    if at is None:
        return ""
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    return at.astimezone(tz).strftime("%a %d %b %H:%M")


def from_now(at: datetime, now: datetime | None = None) -> str:
    """How far an instant is from now, in calendar time: 'in 3 h', 'in 9 days', '2 h ago'."""
    seconds = (at - (now or clock.now())).total_seconds()
    ahead, size = seconds >= 0, abs(seconds)
    if size < 3600:
        text = f"{max(int(size // 60), 1)} min"
    elif size < 2 * 86_400:
        text = f"{int(size // 3600)} h"
    else:
        text = f"{int(size // 86_400)} days"
    return f"in {text}" if ahead else f"{text} ago"


@register.filter
def when(at: datetime | None, zone: str | ZoneInfo) -> SafeString:
    """An instant for people: 'Tue 8 Dec, 09:00 (in 3 h)' in ``zone``, the exact instant on
    hover and in the ``datetime`` attribute."""
    if at is None:
        return mark_safe("")
    exact = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return format_html(
        '<time datetime="{}" title="{}">{} ({})</time>', exact, exact, day_and_time(at, zone),
        from_now(at),
    )  # fmt: skip


def day_and_time(at: datetime, zone: str | ZoneInfo) -> str:
    """'Tue 8 Dec, 09:00' in ``zone``."""
    local = at.astimezone(zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


@register.filter
def week(hours: dict[str, str]) -> str:
    """Working hours by weekday, e.g. Monday to Thursday 09:00-17:00 and Friday 09:00-13:00
    (``worktime.describe_week``)."""
    return describe_week(hours or {})


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if hasattr(mapping, "get") else None
