"""Read models kept in memory, and how every process learns they are out of date.

A read model (the directory: every person, team and absence, built once from the ORM) is kept
per process with the revision token it was built at. Every write to what it is built from
changes the token in the same transaction, so a reader compares one short row with what it
holds, and rebuilds only after a write has committed, whichever process made it.

Inside a transaction a read model is used only when its token is still the current one (the
transaction has not changed what it is built from: a write there would have moved the token);
otherwise the transaction reads the ORM and keeps nothing, since it may see its own uncommitted
writes, which must never be kept under a token other processes could see.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from django.db import connection

from sunrelay.core.models import Revision

T = TypeVar("T")


_quiet = threading.local()

# Long-running processes (``serve``, ``worker``) set this: each new read model is then moved
# out of the garbage collector's sight (``gc.freeze``) once built. Without it every full
# collection walked the whole heap: at 5,000 people, pauses of 75-95 ms, several a second
# under load, which were the p99 of every page. Before freezing, what an earlier model froze
# is given back and collected, so a replaced model's cycles are freed, not kept (one still in
# use by a request at that moment is frozen once more, and freed at the next rebuild).
FREEZE = False


def settle() -> None:
    """Collect, then freeze what is left (the read models just built, the code loaded): the
    collections that follow walk only what requests make."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def bump(name: str) -> None:
    """A write to ``name``'s sources: a new token, committed (or rolled back) with it."""
    pins: dict[Cached[Any], Any] = getattr(_pinned, "models", {})
    for model in [m for m in pins if name in m.names]:  # inside ``steady``: no longer steady
        del pins[model]
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


def _tokens(names: Iterable[str]) -> dict[str, str]:
    """One short query, written out: it is paid on every read of a read model, where the
    ORM's compiling would cost ten times the query."""
    wanted = sorted(set(names))
    table = connection.ops.quote_name(Revision._meta.db_table)
    marks = ", ".join(["%s"] * len(wanted))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, token FROM {table} WHERE name IN ({marks})", wanted)
        return dict(cursor.fetchall())


def current(*names: str) -> str:
    """The tokens of ``names`` as one string."""
    found = _tokens(names)
    return "/".join(found.get(name, "") for name in names)


_pinned = threading.local()


@contextlib.contextmanager
def steady(*models: Cached[Any], private: bool = False) -> Iterator[None]:
    """Inside the block each of ``models`` is checked once, on entry, with one query for all:
    for work that reads them many times and writes nothing they are built from (an alert
    delivery). A model out of date on entry is not used in the block (the ORM answers), unless
    ``private``: then it is built once for this block alone, from what the transaction sees,
    and never kept (a long unit of work that would otherwise read the ORM hundreds of times).
    A write to its sources inside the block (``bump``) stops using it from then on. Entered
    outside a transaction, it rebuilds what is out of date first."""
    found = _tokens(n for m in models for n in m.names)
    outer: dict[Cached[Any], Any] = getattr(_pinned, "models", {})
    pins = dict(outer)
    for model in models:
        token = "/".join(found.get(n, "") for n in model.names)
        held = model._held
        if held is not None and held[0] == token:
            pins[model] = held[1]
        elif connection.in_atomic_block:
            pins[model] = model.build() if private else None
        else:
            pins[model] = model._rebuild(token)
    _pinned.models = pins
    try:
        yield
    finally:
        _pinned.models = outer


class Cached(Generic[T]):
    """One read model per process, built from what ``names`` stand for and rebuilt by
    ``build`` when any of their revisions moved."""

    def __init__(self, names: str | tuple[str, ...], build: Callable[[], T]):
        self.names = (names,) if isinstance(names, str) else names
        self.build = build
        self._lock = threading.Lock()
        self._held: tuple[str, T] | None = None

    def held(self) -> T | None:
        """The read model if it is up to date, else None (then read the ORM): never builds,
        so it is safe inside a transaction."""
        pins = getattr(_pinned, "models", {})
        if self in pins:
            return pins[self]
        held = self._held
        if held is None or held[0] != current(*self.names):
            return None
        return held[1]

    def get(self) -> T:
        """The read model, rebuilt if out of date. Inside a transaction that has to rebuild, it
        is built for that caller alone and not kept."""
        if (pinned := getattr(_pinned, "models", {}).get(self)) is not None:
            return pinned
        token = current(*self.names)  # first the token, then the data: never older than it
        held = self._held
        if held is not None and held[0] == token:
            return held[1]
        if connection.in_atomic_block:  # may see its own uncommitted writes: never kept
            return self.build()
        return self._rebuild(token)

    def _rebuild(self, token: str) -> T:
        """Build and keep, outside a transaction, with ``token`` read before the build."""
        with self._lock:  # one thread rebuilds; the others then use what it built
            held = self._held
            if held is not None and held[0] == token:
                return held[1]
            del held  # the model being replaced must be unreachable before ``settle``
            built = self.build()
            self._held = (token, built)
            if FREEZE:
                settle()
            return built

    def forget(self) -> None:
        self._held = None
