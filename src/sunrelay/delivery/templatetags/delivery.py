from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def hours(seconds: float | None) -> str:
    """Seconds as hours, one decimal: 5400 → "1.5 h"."""
    return "—" if seconds is None else f"{seconds / 3600:.1f} h"
