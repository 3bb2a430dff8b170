"""Full-text search over records: SQLite's FTS5 or PostgreSQL's text search, whichever the
database is. Both index ``Record.search_text`` (title, tags, body, components), which the
service keeps current; the index itself is created by migration 0002."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Case, IntegerField, QuerySet, When
from django.db.models.expressions import RawSQL

from sunrelay.decisions.models import Record

SQLITE_TABLE = "decisions_record_fts"


def terms(text: str) -> list[str]:
    """Words of the query; every word must match, each also as a prefix ("migr" → migration)."""
    return [t.lower() for t in re.findall(r"\w+", text)][:12]


def search(queryset: QuerySet[Record], text: str) -> QuerySet[Record]:
    """``queryset`` narrowed to records matching ``text``, best match first."""
    words = terms(text)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        query = " & ".join(f"{w}:*" for w in words)
        vector = "to_tsvector('english', decisions_record.search_text)"
        return (
            queryset.annotate(rank=RawSQL(f"ts_rank({vector}, to_tsquery('english', %s))", [query]))
            .extra(where=[f"{vector} @@ to_tsquery('english', %s)"], params=[query])
            .order_by("-rank", "-pk")
        )
    match = " ".join(f'"{w}"*' for w in words)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s ORDER BY rank "
            "LIMIT 1000",
            [match],
        )
        ids = [row[0] for row in cursor.fetchall()]
    order = Case(*(When(pk=pk, then=i) for i, pk in enumerate(ids)), output_field=IntegerField())
    return queryset.filter(pk__in=ids).annotate(rank=order).order_by("rank")
