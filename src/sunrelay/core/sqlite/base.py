"""Django's SQLite backend, with this process's write transactions taking turns in a queue.

SQLite allows one writer at a time. Transactions begin IMMEDIATE (settings), so a second one
waits in SQLite's busy handler, which sleeps and polls: 1, 2, 5, 10 … 100 ms between tries.
Under load a waiter sleeps on long after the lock is free, and throughput and the tail suffer
(four threads writing alert deliveries were slower than one, with a 1.2 s p99). Here a
transaction first takes a lock shared by the threads of this process, which hands over the
moment it is released, and only then asks SQLite. Other processes (the worker) still meet
SQLite's own busy handler, but seldom, and never in a queue of this process's threads.

A thread that waits longer than the database timeout goes on to SQLite regardless, which then
answers as it always did; a lock is never held past the commit, rollback or close of the
transaction that took it.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.backends.sqlite3 import base

_writers = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._holds_turn = False
        self._turn_timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))

    def _start_transaction_under_autocommit(self) -> None:
        if not self._holds_turn:
            self._holds_turn = _writers.acquire(timeout=self._turn_timeout)
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._end_turn()
            raise

    def _end_turn(self) -> None:
        if self._holds_turn:
            self._holds_turn = False
            _writers.release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._end_turn()
