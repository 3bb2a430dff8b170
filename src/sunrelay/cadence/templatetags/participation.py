"""The participation table's rows, written out in Python: a team with its pods is a hundred
people by eight weeks, and the template engine spent most of the team's week page on them.
Every value is escaped by ``format_html``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

MARKS = {"on-time": "✔", "late": "◔", "missing": "✗", "away": "–"}


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


@register.simple_tag
def participation_rows(found: dict[str, Any]) -> SafeString:
    weeks = found["weeks"]
    people = "".join(
        format_html(
            "<tr><td>{}</td>{}<td>{}</td></tr>",
            person["name"],
            format_html_join(
                "",
                '<td class="small" title="{}">{}</td>',
                (
                    (state or "", MARKS.get(state or "", "·"))
                    for state in (person["weeks"].get(w) for w in weeks)
                ),
            ),
            _percent(person["rate"]),
        )
        for person in found["people"]
    )
    team = format_html(
        "<tr><th>Team</th>{}<th>{}</th></tr>",
        format_html_join(
            "", '<td class="small">{}</td>', ((_percent(found["by_week"].get(w)),) for w in weeks)
        ),
        _percent(found["rate"]),
    )
    return mark_safe(people + team)  # every part built by format_html above
