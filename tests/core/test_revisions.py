"""Read models in a long-running process: out of the garbage collector's way, and a replaced
one is still freed."""

from __future__ import annotations

import gc
import weakref

from sunrelay.core import revisions


class Node:
    other: Node


def cycle() -> Node:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a


def test_a_long_running_process_freezes_its_read_models_and_frees_replaced_ones(monkeypatch):
    """Every full collection walked the whole directory (75-95 ms pauses at 5,000 people, the
    p99 of every page). Now a new read model is frozen once built; freezing is undone first,
    so the cycles of the model it replaces are collected rather than kept for ever."""
    monkeypatch.setattr(revisions, "FREEZE", True)
    model = revisions.Cached("test-freeze", cycle)
    try:
        first = model._rebuild("t1")
        assert gc.get_freeze_count() > 0
        assert not any(o is first for o in gc.get_objects())  # out of every generation
        gone = weakref.ref(first)
        del first
        second = model._rebuild("t2")
        assert gone() is None and model._held == ("t2", second)
    finally:
        gc.unfreeze()


def test_without_the_setting_nothing_is_frozen(monkeypatch):
    monkeypatch.setattr(revisions, "FREEZE", False)
    gc.unfreeze()
    revisions.Cached("test-plain", cycle)._rebuild("t1")
    assert gc.get_freeze_count() == 0
