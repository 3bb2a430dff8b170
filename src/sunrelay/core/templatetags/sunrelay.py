"""Template helpers shared by every page: Markdown and instants in a zone."""

from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

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


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if hasattr(mapping, "get") else None
