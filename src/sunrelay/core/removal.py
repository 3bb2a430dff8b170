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

from django.db.models import ProtectedError, RestrictedError

from sunrelay.core.errors import Conflict

SHOWN = 5  # in-the-way records named in the message; the rest are counted


def _name(row: Any) -> str:
    return f"{row._meta.verbose_name} {row}"


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
