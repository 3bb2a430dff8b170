"""How a hub page reports the outcome of a write: one service call inside ``flashed``, then a
redirect. Success shows its text; a domain error shows its message, naming the field."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest

from sunrelay.core.errors import SunrelayError


def describe(exc: SunrelayError) -> str:
    return f"{exc.field}: {exc.message}" if exc.field else exc.message


@dataclass
class Outcome:
    done: bool = False  # the block ran to its end


@contextlib.contextmanager
def flashed(request: HttpRequest, done: str = "") -> Iterator[Outcome]:
    """Run the block; flash ``done`` when it succeeds, or the SunrelayError it raised. The
    outcome it yields says which, for a view that goes elsewhere on success."""
    outcome = Outcome()
    try:
        yield outcome
    except SunrelayError as exc:
        messages.error(request, describe(exc))
    else:
        outcome.done = True
        if done:
            messages.success(request, done)
