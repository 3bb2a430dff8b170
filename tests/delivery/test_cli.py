"""``sunrelay delivery`` and ``sunrelay metrics dora``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.delivery.models import Event, PullRequest
from sunrelay.demo import webhooks as P

pytestmark = pytest.mark.django_db
run = CliRunner().invoke
T = datetime(2026, 3, 2, 9, tzinfo=UTC)
REPO = "acme/ledger"


def lines() -> list[str]:
    pr = P.pull_request("opened", REPO, 3, author="analima", created=T, updated=T, head_ref="x")
    return [
        P.line("push", "g-1", P.push(REPO, "refs/heads/main",
                                     [P.commit("1" * 40, T, "a@acme.test", None)], T)),
        P.line("pull_request", "g-2", pr),
        "{not json",
        P.line("pull_request", "g-2", pr),  # the same delivery again
        json.dumps({"event": "push", "delivery": "g-3"}),
        P.line("deployment_status", "g-4", {"deployment_status": {}}),
        P.line("watch", "g-5", {}),
        "",
        P.line("deployment_status", "g-6",
               P.deployment_status(REPO, 4, "1" * 40, "production", "success", T)),
    ]  # fmt: skip


def test_ingest_reports_new_duplicate_and_rejected_lines(tmp_path: Path):
    path = tmp_path / "deliveries.jsonl"
    path.write_text("\n".join(lines()) + "\n")
    done = run(app, ["delivery", "ingest", str(path), "--json"])
    assert done.exit_code == 1, done.output  # some lines were rejected
    assert json.loads(done.stdout) == {
        "new": 3,
        "duplicate": 1,
        "rejected": [
            {"line": 3, "reason": "the line is not JSON"},
            {"line": 5, "reason": 'must be exactly {"event", "delivery", "payload"}'},
            {"line": 6, "reason": "repository: is required"},
            {
                "line": 7,
                "reason": "event: 'watch' is not one of push, pull_request, "
                "pull_request_review, deployment, deployment_status, issues",
            },
        ],
    }
    again = run(app, ["delivery", "ingest", str(path)])
    assert "0 new, 4 duplicate, 4 rejected" in again.stdout
    assert "line 6: repository: is required" in again.stderr
    assert Event.objects.count() == 3 and PullRequest.objects.count() == 1


def test_ingest_reads_standard_input_and_exits_zero_when_all_lines_are_good():
    text = "\n".join(x for i, x in enumerate(lines()) if i in (0, 1, 8)) + "\n"
    done = run(app, ["delivery", "ingest", "-"], input=text)
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == "3 new, 0 duplicate, 0 rejected"


def test_rebuild_derives_the_same_facts_again():
    run(app, ["delivery", "ingest", "-"], input="\n".join(lines()))
    before = list(PullRequest.objects.values("repo", "number", "ready_at", "author"))
    done = run(app, ["delivery", "rebuild"])
    assert done.exit_code == 0 and "3 deliveries read again; 0 unreadable" in done.stdout
    assert list(PullRequest.objects.values("repo", "number", "ready_at", "author")) == before


def test_metrics_dora_prints_the_documented_object():
    run(app, ["delivery", "ingest", "-"], input="\n".join(lines()))
    done = run(app, ["metrics", "dora", "--from", "2026-03-01", "--to", "2026-03-08", "--json"])
    assert done.exit_code == 0, done.output
    found = json.loads(done.stdout)
    assert list(found) == [
        "mode",
        "from",
        "to",
        "deployments",
        "deployment_frequency",
        "lead_time_hours",
        "change_failure_rate",
        "time_to_restore_hours",
    ]
    assert found["mode"] == "dora" and found["deployments"] == 1  # the baseline deployment
    assert found["deployment_frequency"] == {"per_week": 1.0, "bucket": "high"}
    assert set(found["lead_time_hours"]) == {"median", "p90", "bucket"}
    four = run(app, ["metrics", "dora", "--from", "2026-03-01", "--to", "2026-03-08",
                     "--mode", "fourkeys", "--json"])  # fmt: skip
    assert json.loads(four.stdout)["deployments"] == 1
    table = run(app, ["metrics", "dora", "--from", "2026-03-01", "--to", "2026-03-08"])
    assert "per week" in table.stdout and "1.00" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-03-08", "--to", "2026-03-01"], "to: 'to' must be after 'from'"),
        (["--from", "March", "--to", "2026-03-01"], "from: 'March' is not a date"),
        (["--from", "2026-03-01", "--to", "2026-03-08", "--mode", "x"], "mode: 'x' is not one"),
        (["--from", "2026-03-01", "--to", "2026-03-08", "--bands", "1999"], "bands: '1999'"),
        (["--from", "2026-03-01", "--to", "2026-03-08", "--team", "nope"], "no team"),
    ],
)
def test_metrics_dora_refuses_bad_input_naming_it(args, message):
    done = run(app, ["metrics", "dora", *args])
    assert done.exit_code == 1 and message in done.stderr, done.output


def test_the_api_answers_as_the_cli_does(reader):
    run(app, ["delivery", "ingest", "-"], input="\n".join(lines()))
    answer = reader.get("/api/v1/metrics/dora", {"from": "2026-03-01", "to": "2026-03-08"})
    assert answer.status_code == 200
    cli = run(app, ["metrics", "dora", "--from", "2026-03-01", "--to", "2026-03-08", "--json"])
    assert answer.json() == json.loads(cli.stdout)
    bad = reader.get("/api/v1/metrics/dora", {"from": "2026-03-01", "to": "soon"})
    assert bad.status_code == 422 and bad.json()["field"] == "to"


def test_add_source_prints_its_url_and_secret_once():
    done = run(app, ["delivery", "add-source", "github"])
    assert done.exit_code == 0 and "Payload URL:   http" in done.stdout
    listed = run(app, ["delivery", "sources", "--json"])
    assert json.loads(listed.stdout)[0]["id"] == "github"
    assert "Secret" not in listed.stdout


def test_rotate_source_prints_new_ones():
    run(app, ["delivery", "add-source", "github"])
    done = run(app, ["delivery", "rotate-source", "github"])
    assert done.exit_code == 0 and "Payload URL:   http" in done.stdout
    missing = run(app, ["delivery", "rotate-source", "nope"])
    assert missing.exit_code == 1 and "id: no delivery source 'nope'" in missing.stderr
