"""Maturity from evidence: the demo's scorecard and rollout tick what is on record, and say
what Sunrelay cannot see."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.demo import history
from sunrelay.health import maturity
from sunrelay.people.models import Team
from tests.conftest import sign_in

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


def test_the_demo_scorecard_and_rollout_come_from_evidence(demo):
    with clock.frozen(NOW):
        history.build(seed=7)
        card = {c.id: c for c in maturity.scorecard(Team.objects.get(slug="payments"))}
        _, steps = maturity.rollout()
        shown = json.loads(
            CliRunner().invoke(app, ["health", "maturity", "--team", "payments", "--json"]).stdout
        )
        page = sign_in("ana").get("/org-health/maturity/")
    assert card["charter"].met and card["decisions"].met and card["metrics"].met
    assert card["paved-roads"].met is None  # not visible to Sunrelay, and it says so
    assert card["drill"].met is False and card["drill"].evidence == "0 drills in 90 days"
    done = {s.label: s.done for s in steps}
    assert done["Weekly updates started"] and done["Working agreements published"]
    assert not done["A follow-the-sun drill run"]
    assert shown["teams"][0]["checks"][0]["id"] == "decisions"
    assert page.status_code == 200 and b'data-testid="rollout"' in page.content
