"""The ``oncall`` section of a team's working agreement, registered with the org file.

``when_away``: who holds a rotation shift while its person is away (an absence). ``override``
(the default): nobody until someone adds an override; the schedule shows the conflict and an
alert skips to the next step of the ladder. ``next-in-rotation``: the next participant of the
layer who is not away covers, and the schedule says so.
"""

from __future__ import annotations

from typing import Any

from sunrelay.people.orgfile import register_agreement

OVERRIDE, NEXT = "override", "next-in-rotation"


def check_when_away(value: object) -> str:
    if value not in (OVERRIDE, NEXT):
        raise ValueError(f"{value!r} is not {OVERRIDE} or {NEXT}")
    return str(value)


def covers_next(agreement: dict[str, Any] | None) -> bool:
    """Whether the team agreed that the next person in the rotation covers an absence."""
    section = (agreement or {}).get("oncall") or {}
    return isinstance(section, dict) and section.get("when_away") == NEXT


register_agreement("oncall", {"when_away": check_when_away})
