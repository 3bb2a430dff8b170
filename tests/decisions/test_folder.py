"""Reading, linting and writing record folders in every format, without a database."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from sunrelay.decisions import folder, markdown
from tests.conftest import FIXTURES

ADR = FIXTURES / "adr"


def listing(name: str) -> dict[int, dict]:
    return {d.number: folder.as_json(d) for d in folder.read(ADR / name)}


def test_adr_tools_folder_reads_numbers_dates_and_link_lines_as_adr_tools_spells_them():
    records = listing("adr-tools")
    assert sorted(records) == [1, 2, 3, 4]
    assert records[1]["date"] == "2019-01-12"  # old adr-tools wrote dd/mm/yyyy
    assert records[2]["status"] == "superseded"
    assert records[2]["status_text"] == ""  # adr-tools replaces "Accepted" with the link line
    assert records[2]["links"] == [{"kind": "superseded-by", "target": 3}]
    assert records[3]["links"] == [
        {"kind": "supersedes", "target": 2},
        {"kind": "amended-by", "target": 4},
    ]
    assert {"kind": "relates-to", "target": 1} in records[4]["links"]  # "Clarifies"


def test_index_files_templates_and_images_are_not_records():
    assert [d.file for d in folder.read(ADR / "adr-tools")][-1].startswith("0004-")
    assert all(d.file[0].isdigit() for d in folder.read(ADR / "log4brains"))
    assert "diagram.png" not in [d.file for d in folder.read(ADR / "messy")]


def test_madr2_bullets_and_a_status_that_links():
    records = listing("madr2")
    assert records[0]["status"] == "accepted"
    assert records[1]["status"] == "superseded"
    assert records[1]["status_text"].startswith("superseded by [ADR-0002]")
    assert records[1]["links"] == [{"kind": "superseded-by", "target": 2}]  # listed once
    doc = next(d for d in folder.read(ADR / "madr2") if d.number == 0)
    assert doc.deciders == ["Ana Souza", "Bruno Costa"]


def test_madr3_and_madr4_front_matter():
    three = {d.number: d for d in folder.read(ADR / "madr3")}
    assert three[1].deciders == ["Olivia Chen", "Sofia Rossi"]
    assert three[1].consulted == ["Emeka Obi"] and three[1].informed == ["Platform team"]
    assert three[2].status == "proposed"
    four = listing("madr4")
    assert four[1]["status"] == "superseded"
    assert four[1]["links"] == [{"kind": "superseded-by", "target": 2}]  # "ADR-0002", no link
    assert four[2]["links"] == [{"kind": "supersedes", "target": 1}]
    assert next(d for d in folder.read(ADR / "madr4")).deciders == ["Dieter Braun", "Priya Nair"]


def test_log4brains_files_are_numbered_in_date_order_and_keep_tags():
    docs = folder.read(ADR / "log4brains")
    assert [(d.number, d.file[:8]) for d in docs] == [(1, "20200926"), (2, "20201016")]
    assert docs[0].tags == ["dev-tools", "doc"]
    assert folder.as_json(docs[1])["links"] == [{"kind": "relates-to", "target": 1}]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Accepted", "accepted"),
        ("✅ Approved", "accepted"),
        ("Agreed", "accepted"),
        ("Pending", "proposed"),
        ("Draft", "proposed"),
        ("In review", "proposed"),
        ("Proposed", "proposed"),
        ("Rejected", "rejected"),
        ("Deprecated", "deprecated"),
        ("Superseded by ADR-0005", "superseded"),
        ("Superceded", "superseded"),
        ("Partly superseded", "accepted"),
        ("On hold", None),
        ("", None),
    ],
)
def test_status_words_map_to_canonical_statuses(text, status):
    from sunrelay.decisions.logic import canonical_status

    assert canonical_status(text) == status


def test_messy_folder_is_read_and_every_problem_reported_with_file_and_line():
    records = listing("messy")
    assert records[1]["status_text"] == "✅ Approved" and records[1]["status"] == "accepted"
    assert records[1]["date"] == "2021-02-03"
    problems = [str(p) for p in folder.lint(folder.read(ADR / "messy"))]
    expected = [
        "0002-adopt-openapi-for-public-apis.md:1: number 2 is also used by "
        "0002-use-grpc-internally.md",
        "0004-enforce-wip-limits.md:1: the heading says 5 but the file name says 4",
        "0006-freeze-deploys-on-fridays.md:5: unknown status 'On hold'",
        "0006-freeze-deploys-on-fridays.md:3: unreadable date 'sometime in 2021'",
        "0006-freeze-deploys-on-fridays.md:9: link 'Superceded by' points at "
        "'0007-deploy-any-day-with-canaries.md', which is not a record here",
        "0006-freeze-deploys-on-fridays.md:1: missing section '## Consequences'",
        "record number 3 is missing",
        "record number 5 is missing",
    ]
    for line in expected:
        assert any(line in p for p in problems), line


def test_clean_folders_lint_clean():
    for name in ("adr-tools", "madr2", "madr3", "madr4", "log4brains"):
        assert folder.lint(folder.read(ADR / name)) == [], name


def test_one_way_supersede_link_is_reported(tmp_path: Path):
    shutil.copytree(ADR / "adr-tools", tmp_path, dirs_exist_ok=True)
    path = tmp_path / "0003-use-postgresql-for-the-ledger.md"
    path.write_text(
        path.read_text().replace(
            "Supercedes [2. Use MySQL for the ledger](0002-use-mysql-for-the-ledger.md)\n\n", ""
        )
    )
    problems = [str(p) for p in folder.lint(folder.read(tmp_path))]
    assert problems == [
        "0002-use-mysql-for-the-ledger.md:7: record 3 has no 'Supercedes' link back to 2"
    ]


def test_new_and_supersede_write_what_adr_tools_writes(tmp_path: Path):
    first = folder.new_record(tmp_path, "First Record", today=date(1992, 1, 12))
    folder.supersede(tmp_path, 1, "Second Record", today=date(1992, 1, 12))
    assert first.name == "0001-first-record.md"
    assert first.read_text().startswith(
        "# 1. First Record\n\nDate: 1992-01-12\n\n## Status\n\n"
        "Superceded by [2. Second Record](0002-second-record.md)\n\n## Context\n\n"
    )
    second = (tmp_path / "0002-second-record.md").read_text()
    assert second.startswith(
        "# 2. Second Record\n\nDate: 1992-01-12\n\n## Status\n\nAccepted\n\n"
        "Supercedes [1. First Record](0001-first-record.md)\n\n## Context\n\n"
    )
    assert folder.lint(folder.read(tmp_path)) == []


def test_new_in_a_madr_folder_uses_madr_and_funny_titles_make_clean_slugs(tmp_path: Path):
    shutil.copytree(ADR / "madr3", tmp_path, dirs_exist_ok=True)
    path = folder.new_record(tmp_path, "Use C++ & Rust: why?", today=date(2026, 11, 21))
    assert path.name == "0003-use-c-rust-why.md"
    doc = markdown.parse(path.read_text(), path.name)
    assert doc.format == "madr" and doc.title == "Use C++ & Rust: why?"
    assert doc.date == date(2026, 11, 21) and doc.status == "accepted"


def test_index_is_written_then_updated_between_markers_keeping_prose(tmp_path: Path):
    shutil.copytree(ADR / "adr-tools", tmp_path, dirs_exist_ok=True)
    index = folder.write_index(tmp_path, "README.md")
    text = index.read_text()
    assert text.startswith("# Architecture Decision Records\n")  # the prose stays
    assert (
        "| 2 | [Use MySQL for the ledger](0002-use-mysql-for-the-ledger.md) | superseded "
        "| 2019-03-04 |" in text
    )
    folder.new_record(tmp_path, "Fifth", today=date(2026, 1, 2))
    again = folder.write_index(tmp_path, "README.md").read_text()
    assert again.count("<!-- sunrelay:index -->") == 1
    assert "| 5 | [Fifth](0005-fifth.md) | accepted | 2026-01-02 |" in again


@pytest.mark.parametrize("name", ["adr-tools", "madr2", "madr3", "madr4", "log4brains", "messy"])
@pytest.mark.parametrize("fmt", ["adr-tools", "madr"])
def test_rendering_then_reading_gives_the_same_record(name, fmt):
    for doc in folder.read(ADR / name):
        again = markdown.parse(markdown.render(doc, fmt), doc.file)
        for field in ("title", "status", "date", "deciders", "consulted", "informed", "tags"):
            assert getattr(again, field) == getattr(doc, field), (doc.file, field)
        # adr-tools writes a superseded status as the link line alone; MADR needs a word
        if doc.status_text and not (fmt == "adr-tools" and doc.status == "superseded"):
            assert again.status_text == doc.status_text, doc.file
        assert [(x.kind, x.href) for x in again.links] == [(x.kind, x.href) for x in doc.links]
        # text before the first section may move to the preamble, never out of the record
        assert " ".join((again.preamble + "\n" + again.body).split()) == " ".join(
            (doc.preamble + "\n" + doc.body).split()
        ), doc.file


def test_our_own_decision_records_lint_clean():
    from tests.conftest import ROOT

    docs = folder.read(ROOT / "docs" / "adr")
    assert len(docs) >= 7 and folder.lint(docs) == []


def test_links_are_never_followed_in_or_out(tmp_path):
    """A link named like a record used to be imported: a link to the hub's secret key became a
    readable record. Now import, lint and export never follow one."""
    from sunrelay.decisions import folder

    secret = tmp_path / "secret-key"
    secret.write_text("s3cr3t-value\n")
    adr = tmp_path / "adr"
    adr.mkdir()
    (adr / "0001-use-postgres.md").write_text(
        "# 1. Use Postgres\n\nDate: 2026-01-05\n\n## Status\n\nAccepted\n\n## Context\n\nx\n"
    )
    (adr / "0002-leak.md").symlink_to(secret)
    docs = folder.read(adr)
    assert [d.file for d in docs] == ["0001-use-postgres.md"]
    assert folder.links(adr) == ["0002-leak.md"]
    with pytest.raises(OSError):
        folder.read_file(adr, "0002-leak.md")
    with pytest.raises(ValueError, match="symbolic link"):
        folder.write_file(adr, "0002-leak.md", "overwritten")
    with pytest.raises(ValueError, match="not a file name"):
        folder.write_file(adr, "../escape.md", "x")
    assert secret.read_text() == "s3cr3t-value\n"
