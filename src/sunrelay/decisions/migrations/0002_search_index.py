"""Full-text search on records: an FTS5 table kept in step by triggers on SQLite, a GIN
expression index on PostgreSQL."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE decisions_record_fts USING fts5("
    "search_text, content='decisions_record', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER decisions_record_fts_ai AFTER INSERT ON decisions_record BEGIN "
    "INSERT INTO decisions_record_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER decisions_record_fts_ad AFTER DELETE ON decisions_record BEGIN "
    "INSERT INTO decisions_record_fts(decisions_record_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER decisions_record_fts_au AFTER UPDATE OF search_text ON decisions_record BEGIN "
    "INSERT INTO decisions_record_fts(decisions_record_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO decisions_record_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS decisions_record_fts_au",
    "DROP TRIGGER IF EXISTS decisions_record_fts_ad",
    "DROP TRIGGER IF EXISTS decisions_record_fts_ai",
    "DROP TABLE IF EXISTS decisions_record_fts",
]
POSTGRES = [
    "CREATE INDEX decisions_record_search ON decisions_record "
    "USING gin (to_tsvector('english', search_text))"
]
POSTGRES_UNDO = ["DROP INDEX IF EXISTS decisions_record_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRES_UNDO}),
        )
    ]
