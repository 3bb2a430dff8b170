"""``sunrelay adr``: folder commands without a database, import/export through the hub."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.decisions.models import Record
from tests.conftest import FIXTURES, run_without_database

run = CliRunner().invoke
ADR = FIXTURES / "adr"


def test_list_json_works_on_a_folder_without_any_database(tmp_path: Path):
    done = run_without_database(tmp_path, "adr", "list", str(ADR / "adr-tools"), "--json")
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert records[2] == {
        "number": 3,
        "title": "Use PostgreSQL for the ledger",
        "status": "accepted",
        "status_text": "Accepted",
        "date": "2020-06-18",
        "file": "0003-use-postgresql-for-the-ledger.md",
        "links": [{"kind": "supersedes", "target": 2}, {"kind": "amended-by", "target": 4}],
    }
    assert not (tmp_path / "var").exists()


def test_lint_exit_codes():
    assert run(app, ["adr", "lint", str(ADR / "madr3")]).exit_code == 0
    bad = run(app, ["adr", "lint", str(ADR / "messy")])
    assert bad.exit_code == 1
    assert "0004-enforce-wip-limits.md:1: the heading says 5 but the file name says 4" in bad.stdout
    assert run(app, ["adr", "lint", str(ADR / "nowhere")]).exit_code == 1


def test_new_supersede_and_index_like_adr_tools(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".adr-dir").write_text("docs/decisions\n")
    first = run(app, ["adr", "new", "Use Kafka"])
    assert first.exit_code == 0 and first.stdout.strip() == "docs/decisions/0001-use-kafka.md"
    second = run(app, ["adr", "supersede", "1", "Use the outbox pattern"])
    assert second.stdout.strip() == "docs/decisions/0002-use-the-outbox-pattern.md"
    old = (tmp_path / "docs/decisions/0001-use-kafka.md").read_text()
    assert "Superceded by [2. Use the outbox pattern](0002-use-the-outbox-pattern.md)" in old
    assert run(app, ["adr", "supersede", "9", "Nothing"]).exit_code == 1
    index = run(app, ["adr", "index"])
    assert index.exit_code == 0
    assert (
        "| 1 | [Use Kafka](0001-use-kafka.md) | superseded |"
        in (tmp_path / "docs/decisions/index.md").read_text()
    )
    assert run(app, ["adr", "lint"]).exit_code == 0


@pytest.mark.django_db
def test_import_then_export_round_trip(tmp_path: Path):
    first = run(app, ["adr", "import", str(ADR / "messy"), "--dry-run"])
    assert first.exit_code == 0 and "would import: 5 new" in first.stdout
    assert Record.objects.count() == 0
    done = run(app, ["adr", "import", str(ADR / "messy")])
    assert "imported: 5 new, 0 changed, 0 unchanged" in done.stdout
    assert "could not map status 'On hold'" in done.stderr
    again = run(app, ["adr", "import", str(ADR / "messy")])
    assert "imported: 0 new, 0 changed, 5 unchanged" in again.stdout
    out = tmp_path / "out"
    exported = run(app, ["adr", "export", str(out)])
    assert exported.exit_code == 0 and "5 written" in exported.stdout
    for path in (ADR / "messy").glob("0*.md"):
        assert (out / path.name).read_bytes() == path.read_bytes()
    assert run(app, ["adr", "export", str(out), "--format", "rst"]).exit_code == 2
    shutil.rmtree(out)
