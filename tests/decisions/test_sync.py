"""Folders into the hub and back: idempotent import, faithful export."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sunrelay.decisions import folder, service, sync
from sunrelay.decisions.models import Record
from tests.conftest import FIXTURES

ADR = FIXTURES / "adr"
FORMATS = ["adr-tools", "madr2", "madr3", "madr4", "log4brains", "messy"]


def files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.record_files(directory)}


@pytest.mark.parametrize("name", FORMATS)
def test_import_is_idempotent_and_export_leaves_unchanged_files_byte_for_byte(
    db, tmp_path: Path, name: str
):
    first = sync.import_folder(ADR / name)
    assert len(first.created) == len(folder.record_files(ADR / name))
    second = sync.import_folder(ADR / name)
    assert (second.created, second.updated) == ([], [])
    assert second.unchanged == len(first.created)
    sync.export_folder(tmp_path)
    assert files(tmp_path) == files(ADR / name)


def test_import_keeps_status_text_maps_it_and_reports_what_it_could_not_map(db):
    report = sync.import_folder(ADR / "messy")
    assert any("'On hold'" in note and "proposed" in note for note in report.notes)
    assert any("number 2 is also" in note for note in report.notes)
    approved = Record.objects.get(file="0001-choose-a-message-broker.md")
    assert (approved.status, approved.status_text) == ("accepted", "✅ Approved")
    assert approved.record_date.isoformat() == "2021-02-03"


def test_links_become_records_links_and_people_resolve_by_name(db, demo):
    sync.import_folder(ADR / "madr3")
    htmx = Record.objects.get(number=1)
    assert htmx.raci == {
        "accountable": ["olivia", "sofia"],
        "consulted": ["Emeka Obi"],  # nobody by that name: kept as written
        "informed": ["Platform team"],
    }
    sync.import_folder(ADR / "adr-tools", log="ledger")
    postgres = Record.objects.get(log="ledger", number=3)
    assert [(x.kind, x.target.number) for x in postgres.links.all()] == [
        ("supersedes", 2),
        ("amended-by", 4),
    ]


def test_dry_run_changes_nothing(db):
    report = sync.import_folder(ADR / "adr-tools", dry_run=True)
    assert len(report.created) == 4
    assert Record.objects.count() == 0


def test_importing_an_exported_folder_reproduces_the_same_records(db, tmp_path: Path):
    sync.import_folder(ADR / "adr-tools")
    record = Record.objects.get(number=4)
    service.update_record(record.pk, {"tags": ["storage"], "body": record.body + "\nMore.\n"})
    for fmt in ("adr-tools", "madr"):
        out = tmp_path / fmt
        sync.export_folder(out, fmt=fmt)
        before = {r.number: sync.state_of(r) for r in Record.objects.filter(log="main")}
        sync.import_folder(out, log=f"copy-{fmt}")
        after = {r.number: sync.state_of(r) for r in Record.objects.filter(log=f"copy-{fmt}")}
        for number, state in before.items():
            for key in ("title", "status", "kind", "tags", "raci", "date"):
                assert after[number][key] == state[key], (fmt, number, key)
            assert after[number]["body"].strip() == state["body"].strip()
            assert [x[:2] for x in after[number]["links"]] == [x[:2] for x in state["links"]]


def test_a_changed_record_is_rewritten_and_the_others_are_left_alone(db, tmp_path: Path):
    shutil.copytree(ADR / "adr-tools", tmp_path, dirs_exist_ok=True)
    sync.import_folder(tmp_path)
    record = Record.objects.get(number=1)
    service.update_record(record.pk, {"title": "Record our architecture decisions"})
    report = sync.export_folder(tmp_path)
    assert report.written == ["0001-record-architecture-decisions.md"]
    text = (tmp_path / "0001-record-architecture-decisions.md").read_text()
    assert text.startswith("# 1. Record our architecture decisions\n\nDate: 12/01/2019\n")
    assert folder.lint(folder.read(tmp_path)) == []


def test_hub_records_export_in_the_chosen_format(db, demo, tmp_path: Path):
    record = service.create_record(
        {"title": "Adopt trunk-based development", "kind": "adr", "tags": ["delivery"]}, "ana"
    )
    draft_only = sync.export_folder(tmp_path)
    assert draft_only.written == [] and "draft" in draft_only.notes[0]
    from sunrelay.decisions import review

    review.request_review(record.pk, "ana", reviewers=["bruno"])
    sync.export_folder(tmp_path, fmt="madr")
    text = (tmp_path / f"{record.number:04d}-adopt-trunk-based-development.md").read_text()
    assert text.startswith("---\nstatus: Proposed\n")
    assert "tags:\n- delivery\n" in text
    assert "# Adopt trunk-based development\n" in text


def test_import_and_export_never_follow_a_link(db, tmp_path: Path):
    secret = tmp_path / "secret-key"
    secret.write_text("s3cr3t-value\n")
    source = tmp_path / "in"
    shutil.copytree(ADR / "adr-tools", source)
    (source / "0099-leak.md").symlink_to(secret)
    report = sync.import_folder(source)
    assert "0099-leak.md: a symbolic link; not read" in report.notes
    assert not Record.objects.filter(body__contains="s3cr3t").exists()

    out = tmp_path / "out"
    out.mkdir()
    first = Record.objects.exclude(status="draft").order_by("number").first()
    (out / sync.file_name(first)).symlink_to(secret)
    written = sync.export_folder(out)
    assert f"{sync.file_name(first)}: a symbolic link; not written through" in written.notes
    assert secret.read_text() == "s3cr3t-value\n"
