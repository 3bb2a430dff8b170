"""``sunrelay status`` and ``sunrelay handoff``."""

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from sunrelay.cadence.models import Handoff, StatusUpdate
from sunrelay.cli.main import app
from sunrelay.core import clock

run = CliRunner().invoke
MONDAY = datetime(2026, 11, 23, 10, tzinfo=UTC)


def test_post_due_and_digest(demo, tmp_path: Path):
    done = tmp_path / "done.md"
    done.write_text("- Shipped the ledger export\n- Reviewed ADR 7\n")
    with clock.frozen(MONDAY):
        posted = run(
            app,
            [
                "status",
                "post",
                "--as",
                "chloe",
                "--team",
                "payments",
                "--done",
                f"@{done}",
                "--asks",
                "- A reviewer for ADR 8 @ana",
                "--link",
                "https://ci.acme.test/1",
                "--json",
            ],
        )
        assert posted.exit_code == 0, posted.output
        body = json.loads(posted.stdout)
        assert body["week"] == "2026-W48" and body["done"].startswith("- Shipped")
        assert body["items"][0]["owner"] == "ana" and body["links"][0]["url"].endswith("/1")
        due = run(app, ["status", "due", "--team", "payments", "--week", "2026-W48", "--json"])
        rows = {r["person"]: r for r in json.loads(due.stdout)}
        assert rows["chloe"]["state"] == "on-time"
        assert rows["ana"]["due_local"] == "2026-11-27T12:00:00-03:00"
        table = run(app, ["status", "due", "--team", "payments", "--week", "2026-W48"])
        assert "2026-11-27T01:00:00Z" in table.stdout  # Mia's Friday noon in Sydney
        digest = run(
            app, ["status", "digest", "--team", "payments", "--week", "2026-W48", "--json"]
        )
        report = json.loads(digest.stdout)
        assert (
            not report["compiled"]
            and "A reviewer for ADR 8 @ana (owner: Ana Lima)" in report["body"]
        )
    bad = run(app, ["status", "post", "--as", "chloe", "--week", "W48", "--done", "x"])
    assert bad.exit_code == 1 and "week:" in bad.stderr
    assert StatusUpdate.objects.count() == 1


def test_handoff_write_list_and_ack(demo):
    with clock.frozen(datetime(2026, 11, 24, 1, tzinfo=UTC)):
        made = run(
            app,
            [
                "handoff",
                "write",
                "--as",
                "olivia",
                "--team",
                "mobile",
                "--next",
                "Resubmit build 812",
                "--json",
            ],
        )
        assert made.exit_code == 0, made.output
        assert json.loads(made.stdout)["to"] == "sofia"
    with clock.frozen(datetime(2026, 11, 24, 9, tzinfo=UTC)):
        listed = run(app, ["handoff", "list", "--json"])
        assert json.loads(listed.stdout)[0]["waiting_working_seconds"] == 3600
        pk = Handoff.objects.get().pk
        wrong = run(app, ["handoff", "ack", str(pk), "--as", "bruno"])
        assert wrong.exit_code == 1 and "not in sofia" in wrong.stderr
        assert run(app, ["handoff", "ack", str(pk), "--as", "sofia"]).exit_code == 0
        assert "No open hand-offs" in run(app, ["handoff", "list"]).stdout
