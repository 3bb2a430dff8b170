"""Read models kept in memory, and how every process learns they are out of date.

A read model (the directory: every person, team and absence, built once from the ORM) is kept
per process with the revision token it was built at. Every write to what it is built from
changes the token in the same transaction, so a reader compares one short row with what it
holds, and rebuilds only after a write has committed, whichever process made it.

Reads inside a transaction skip the cache altogether: they may see their own uncommitted
writes, which must never be kept under a token other processes could see.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from django.db import connection

from sunrelay.core.models import Revision

T = TypeVar("T")


_quiet = threading.local()


def bump(name: str) -> None:
    """A write to ``name``'s sources: a new token, committed (or rolled back) with it."""
    if name in getattr(_quiet, "names", ()):
        return  # inside ``batch``: bumped once already
    token = uuid.uuid4().hex
    if not Revision.objects.filter(name=name).update(token=token):
        Revision.objects.get_or_create(name=name, defaults={"token": token})


@contextlib.contextmanager
def batch(name: str) -> Iterator[None]:
    """Many writes in one transaction (an import): one new token instead of one a row."""
    bump(name)
    names: frozenset[str] = getattr(_quiet, "names", frozenset())
    _quiet.names = names | {name}
    try:
        yield
    finally:
        _quiet.names = names


def current(name: str) -> str:
    found = Revision.objects.filter(name=name).values_list("token", flat=True).first()
    return found or ""


class Cached(Generic[T]):
    """One read model per process, rebuilt by ``build`` when the revision moved."""

    def __init__(self, name: str, build: Callable[[], T]):
        self.name, self.build = name, build
        self._lock = threading.Lock()
        self._held: tuple[str, T] | None = None

    def get(self) -> T:
        if connection.in_atomic_block:  # may see its own uncommitted writes: never kept
            return self.build()
        token = current(self.name)  # first the token, then the data: never older than it
        held = self._held
        if held is not None and held[0] == token:
            return held[1]
        with self._lock:  # one thread rebuilds; the others then use what it built
            held = self._held
            if held is not None and held[0] == token:
                return held[1]
            built = self.build()
            self._held = (token, built)
            return built

    def forget(self) -> None:
        self._held = None
