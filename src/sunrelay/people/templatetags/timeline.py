"""The team timeline's rows, written out in Python: a hundred rows of a dozen values each
cost the template engine most of the team page's time. Every value is escaped by
``format_html``."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from sunrelay.people.charts import Row, Timeline

register = template.Library()


@register.simple_tag
def timeline_rows(tl: Timeline) -> SafeString:
    grid = mark_safe(tl.grid)  # numbers only (charts.Timeline.grid)
    now = (
        format_html('<line class="now" x1="{}" x2="{}" y1="0" y2="10"></line>', tl.now_x, tl.now_x)
        if tl.now_x is not None
        else ""
    )
    return mark_safe("".join(_row(row, grid, now) for row in tl.rows))


def _row(row: Row, grid: SafeString, now: SafeString | str) -> SafeString:
    bars = format_html_join(
        "",
        '<rect class="work" x="{}" y="1" width="{}" height="8"><title>{}</title></rect>',
        ((b.x, b.width, b.label) for b in row.bars),
    )
    label = " ".join(b.label for b in row.bars) + " " if row.bars else "not working"
    return format_html(
        '<div class="tl-row" data-person="{id}" data-online="{online}">'
        '<div class="tl-name"><span class="dot{on}" title="{status}"></span>'
        '<a href="{url}">{name}</a><div class="muted small">{zone} · {local}</div></div>'
        '<svg class="tl-track" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        'aria-label="{name}: {label}"><rect class="track" x="0" y="1" width="100" height="8">'
        "</rect>{grid}{bars}{now}</svg></div>",
        id=row.id,
        online="true" if row.online else "false",
        on=" on" if row.online else "",
        status="working now" if row.online else "not working now",
        url=reverse("people:person", args=[row.id]),
        name=row.name,
        zone=row.timezone,
        local=row.local_time,
        label=label,
        grid=grid,
        bars=bars,
        now=now,
    )
