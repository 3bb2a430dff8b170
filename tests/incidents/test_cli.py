"""Incident command from the terminal: roles and hand-over, timeline notes and decisions, the
postmortem, and action items, end to end through ``sunrelay incident``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.decisions.models import Record
from sunrelay.incidents.models import Incident
from sunrelay.notify.models import Notification

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
runner = CliRunner()


def _run(*args: str, at: datetime = T0):
    with clock.frozen(at):
        return runner.invoke(app, ["incident", *args])


def test_command_roles_notes_decisions_postmortem_and_action_items(demo, tmp_path):
    made = _run("declare", "Ledger lag", "-s", "SEV2", "--component", "ledger", "--as", "bruno")
    assert made.exit_code == 0, made.output
    pk = str(Incident.objects.get().pk)  # not 1: PostgreSQL sequences outlive rolled-back tests

    # command changes hands only with a note, which reaches the new commander
    bare = _run("role", pk, "commander", "ana", "--as", "bruno")
    assert bare.exit_code == 1 and "a hand-over of command needs a note" in bare.stderr
    handed = _run("role", pk, "commander", "ana", "--as", "bruno", "--note", "replica lag 40s")
    assert handed.exit_code == 0, handed.output
    assert _run("role", pk, "scribe", "mia", "--as", "ana").exit_code == 0
    wrong = _run("role", pk, "pilot", "mia", "--as", "ana")
    assert wrong.exit_code == 1 and "'pilot' is not a role" in wrong.stderr
    shown = json.loads(_run("show", pk).stdout)
    assert shown["roles"]["commander"] == "ana" and shown["roles"]["scribe"] == "mia"
    assert Notification.objects.filter(recipient__slug="ana", kind="page.command").exists()

    decided = _run(
        "note", pk, "Fail over to the replica", "--decision", "--why", "lag grows", "--as", "ana"
    )
    assert decided.exit_code == 0, decided.output
    entry = json.loads(_run("show", pk).stdout)["timeline"][-1]
    assert (entry["kind"], entry["why"]) == ("decision", "lag grows")
    both = _run("note", pk, "x", "--decision", "--action", "--as", "ana")
    assert both.exit_code == 2
    promoted = _run("promote", str(entry["id"]), "--as", "ana")
    assert promoted.exit_code == 0 and "Fail over to the replica" in promoted.stdout
    assert Record.objects.get().kind == "adr"

    # a bad state in ``update --state`` leaves no update behind
    before = len(json.loads(_run("show", pk).stdout)["timeline"])
    bad = _run("update", pk, "Closing", "--state", "closed", "--as", "ana")
    assert bad.exit_code == 1 and len(json.loads(_run("show", pk).stdout)["timeline"]) == before

    early = _run("postmortem", pk)
    assert early.exit_code == 1 and "no postmortem yet" in early.stderr
    resolved = _run("state", pk, "resolved", "--as", "ana", at=T0 + timedelta(hours=1))
    assert resolved.exit_code == 0, resolved.output
    template = _run("postmortem", pk)
    assert "## Root cause" in template.stdout and "Fail over to the replica" in template.stdout

    added = _run(
        "action", "add", pk, "Alert on replica lag", "--owner", "mia", "--due", "2026-11-30",
        "--as", "ana", "--json",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    item = json.loads(added.stdout)
    assert (item["owner"], item["due"]) == ("mia", "2026-11-30")
    baddate = _run("action", "add", pk, "x", "--owner", "mia", "--due", "soon", "--as", "ana")
    assert baddate.exit_code == 2
    listed = json.loads(_run("action", "list", "--owner", "mia", "--json").stdout)
    assert [i["title"] for i in listed] == ["Alert on replica lag"]

    text = tmp_path / "pm.md"
    text.write_text("# Ledger lag\n\n## Root cause\n\nA slow disk on the replica.\n")
    written = _run("postmortem", pk, "--write", str(text), "--as", "ana")
    assert written.exit_code == 0 and "A slow disk" in _run("postmortem", pk).stdout
    assert _run("action", "done", str(item["id"]), "--as", "mia").exit_code == 0
    assert json.loads(_run("action", "list", "--json").stdout) == []
    assert len(json.loads(_run("action", "list", "--all", "--json").stdout)) == 1
    closed = _run("postmortem", pk, "--done", "--as", "ana")
    assert closed.exit_code == 0 and "the incident is closed" in closed.stdout
    assert json.loads(_run("show", pk).stdout)["state"] == "closed"
