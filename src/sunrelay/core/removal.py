"""Removing a row that other records must keep pointing at: refused, naming them.

Some references are deliberately protected (an initiative keeps its DRI, a capacity signal
the person who raised it): deleting their target is a decision to hand them over first,
never a silent loss. Django refuses such a delete before it writes anything; this turns the
refusal into a Conflict that says what is in the way, for every surface alike.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.db.models import ProtectedError, RestrictedError
from django.utils.deconstruct import deconstructible

from sunrelay.core.errors import Conflict

SHOWN = 5  # in-the-way records named in the message; the rest are counted
LEFT = "someone who has left"  # who a record names once its person was removed (ADR 24)


def _matches(row: Any, values: dict[str, Any]) -> bool:
    return all(getattr(row, name) == value for name, value in values.items())


def _name(row: Any) -> str:
    return f"{row._meta.verbose_name} {row}"


@deconstructible(path="sunrelay.core.removal.KeepOpen")
class KeepOpen:
    """``on_delete`` for a reference to the person who owns a piece of work: while any of the
    rows is still open (``open_when`` lists the field values that say so, e.g.
    ``state="open"`` or ``done_at=None``) the person is not removed (hand the work over
    first: ``unless_referenced`` names it); closed ones are history and stay, owned by
    nobody (the pages say "someone who has left")."""

    def __init__(self, noun: str, **open_when: Any) -> None:
        self.noun = noun
        self.open_when = open_when

    def __call__(self, collector: Any, field: Any, sub_objs: Any, using: str) -> None:
        still_open = [row for row in sub_objs if _matches(row, self.open_when)]
        if still_open:
            raise ProtectedError(
                f"{len(still_open)} open {self.noun} are owned by the one removed", set(still_open)
            )
        models.SET_NULL(collector, field, sub_objs, using)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeepOpen) and (self.noun, self.open_when) == (
            other.noun,
            other.open_when,
        )

    def __hash__(self) -> int:
        return hash((self.noun, tuple(sorted(self.open_when.items()))))


@deconstructible(path="sunrelay.core.removal.KeepSettled")
class KeepSettled:
    """``on_delete`` for a reference to the person asked for something: the rows still
    pending (``pending`` lists the field values that say so, e.g. ``state="pending"``) go
    with the person, since nobody can answer them any more; the settled ones are history and
    stay, naming nobody (the pages say "someone who has left")."""

    def __init__(self, **pending_when: Any) -> None:
        self.pending_when = pending_when

    def __call__(self, collector: Any, field: Any, sub_objs: Any, using: str) -> None:
        rows = list(sub_objs)
        pending = [row for row in rows if _matches(row, self.pending_when)]
        settled = [row for row in rows if row not in pending]
        if pending:
            models.CASCADE(collector, field, pending, using)  # type: ignore[arg-type]
        if settled:
            models.SET_NULL(collector, field, settled, using)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeepSettled) and self.pending_when == other.pending_when

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.pending_when.items())))


@contextlib.contextmanager
def unless_referenced(what: str, *, field: str | None = None) -> Iterator[None]:
    """Run deletes of ``what`` ("person 'ana'"); raise Conflict (409, ``field``) naming the
    records that still need it when a protected reference refuses them."""
    try:
        yield
    except (ProtectedError, RestrictedError) as refused:
        rows = getattr(refused, "protected_objects", None) or refused.restricted_objects  # type: ignore[union-attr]
        names = sorted({_name(row) for row in rows})
        listed = "; ".join(names[:SHOWN])
        more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
        raise Conflict(
            f"cannot remove {what}: still referred to by {listed}{more}; hand those over "
            "(or close them) first",
            field=field,
            code="in_use",
        ) from None
