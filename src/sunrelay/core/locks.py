"""Serialising a check-then-insert that has no row to lock yet (the next number of a log).

Inside a transaction, ``serialise(key)`` makes every other transaction that asks for the same
key wait until this one ends. PostgreSQL: a transaction-scoped advisory lock. SQLite: nothing
to do, since its transactions begin IMMEDIATE (settings) and so already run one at a time.
"""

from __future__ import annotations

import hashlib

from django.db import connection


def serialise(key: str) -> None:
    if connection.vendor != "postgresql":
        return
    number = int.from_bytes(
        hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])
