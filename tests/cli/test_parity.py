"""What the hub does for decision review, the risk register, participation, rituals and the
incident report, the command line does too (the same service functions, as --as PERSON)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from sunrelay.cadence.models import Item, Occurrence
from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.decisions.models import Record
from sunrelay.demo import history

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


def run(*args: str) -> str:
    with clock.frozen(NOW):
        done = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    return done.stdout


def fails(*args: str) -> str:
    with clock.frozen(NOW):
        done = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert done.exit_code != 0, done.output
    return done.output


@pytest.fixture
def lived_in(demo):
    with clock.frozen(NOW):
        history.build(seed=7)


def test_decision_review_from_the_command_line(lived_in):
    draft = Record.objects.get(title="Shard the search index")
    pk = str(draft.pk)
    shown = run("decision", "review", pk, "-r", "chloe", "-r", "dieter", "--as", "yuki")
    assert "Review requested." in shown and "chloe" in shown and "pending" in shown
    assert "only the record's reviewers" in fails(
        "decision", "verdict", pk, "approved", "--as", "ana"
    )
    run("decision", "verdict", pk, "approved", "--as", "chloe")
    objection = fails("decision", "verdict", pk, "changes_requested", "--as", "dieter")
    assert "body" in objection  # objecting needs a reason, named
    run("decision", "verdict", pk, "changes_requested", "--body", "Index size?", "--as", "dieter")
    run("decision", "comment", pk, "Sharding by tenant keeps it small", "--as", "yuki")
    refused = fails("decision", "move", pk, "accepted", "--as", "ana")
    assert "only" in refused  # not ana's record to decide: she leads another team
    decided = json.loads(run("decision", "move", pk, "accepted", "--note", "Agreed", "--as",
                             "yuki", "--json"))  # fmt: skip
    assert decided["status"] == "accepted"
    states = {r["person"]: r["state"] for r in decided["reviewers"]}
    assert states == {"chloe": "approved", "dieter": "changes_requested"}
    assert [e["kind"] for e in decided["events"]][-2:] == ["comment", "status"]


def test_risks_participation_rituals_and_the_incident_report(lived_in):
    risks = json.loads(run("status", "risks", "payments", "--json"))
    assert risks and all(r["state"] == "open" for r in risks)
    item = risks[0]
    run("status", "settle", str(item["id"]), "--as", item["owner"], "--resolution", "Done")
    assert Item.objects.get(pk=item["id"]).state == "resolved"
    rates = json.loads(run("status", "participation", "payments", "--weeks", "4", "--json"))
    assert len(rates["weeks"]) == 4 and {p["id"] for p in rates["people"]} >= {"ana", "mia"}
    assert "ana" in run("status", "participation", "payments", "--weeks", "4")
    mine = json.loads(run("ritual", "list", "--as", "bruno", "--json"))
    pair = next(r for r in mine if r["kind"] == "one-on-one")
    assert "one-on-one" not in [r["kind"] for r in json.loads(run("ritual", "list", "--as",
                                                                  "yuki", "--json"))]  # fmt: skip
    at = pair["next"]
    run("ritual", "note", str(pair["id"]), "--at", at, "--agenda", "Career goals", "--as", "bruno")
    assert Occurrence.objects.get(ritual_id=pair["id"], start=at).agenda == "Career goals"
    assert "no ritual" in fails("ritual", "note", str(pair["id"]), "--at", at, "--as", "yuki")
    report = json.loads(run("incident", "report", "--days", "120", "--json"))
    everyone = [row for row in report["by_severity_and_team"] if row["team"] == "*"]
    assert sum(row["incidents"] for row in everyone) == 3
    assert report["postmortems"]["done"] == 2 and report["action_items"]["open"] == 3
    assert "postmortems" in run("incident", "report")
