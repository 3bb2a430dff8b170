"""The diagnostic names exactly the questions a demo team has no answer to, on every
surface."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.demo import history
from sunrelay.health import diagnose
from sunrelay.people.models import Team
from tests.conftest import sign_in

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


def test_the_diagnostic_names_exactly_the_missing_answers_of_a_demo_team(demo):
    with clock.frozen(NOW):
        history.build(seed=7)
        answers = {a.id: a for a in diagnose.diagnose(Team.objects.get(slug="payments"))}
        shown = json.loads(
            CliRunner().invoke(app, ["health", "diagnose", "--team", "payments", "--json"]).stdout
        )
    missing = {qid: a.missing for qid, a in answers.items() if not a.answered}
    assert missing == {
        "states": "declare agreement.states in org.yaml (docs/health.md); defaults apply",
    }
    assert any("valve quarter-end" in e for e in answers["valves"].evidence)
    assert shown["team"] == "payments"
    assert [q["id"] for q in shown["questions"] if not q["answered"]] == ["states"]
    assert "chloe decides for ana: decisions, reviews, escalations, handoffs" in (
        answers["failure"].evidence
    )
    ana = sign_in("ana")
    with clock.frozen(NOW):
        page = ana.get("/org-health/teams/payments/")
        grid = ana.get("/org-health/diagnose/")
        api = ana.get("/api/v1/health/diagnose?team=payments").json()
    assert page.status_code == 200 and b'data-testid="q-states"' in page.content
    assert grid.status_code == 200 and api[0]["questions"][0]["answered"] is False
