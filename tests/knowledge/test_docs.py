"""Documentation coverage: listed links dated by review or by git, documentation files in the
component's paths dated by git, coverage per team and organisation against 90 %, and stale
documents reminded to the DRI once a week."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.knowledge import docs, service
from sunrelay.notify.models import Notification
from sunrelay.people.models import Component
from tests.conftest import sign_in
from tests.knowledge.conftest import ANA
from tests.knowledge.gitrepo import Repo

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
RUNBOOK = "https://github.com/acme/ledger/blob/main/docs/runbook.md"


def _document(clones, when: str, name: str = "docs/runbook.md") -> None:
    repo = Repo.__new__(Repo)  # the clone exists already: commit into it
    repo.path, repo.minute = clones / "acme" / "ledger", 100
    repo.commit(ANA, {name: "# How to replay the ledger\n"}, when=when)


def _links(*links: dict) -> None:
    Component.objects.filter(slug="ledger").update(links=list(links))


def test_links_need_a_date_and_files_are_dated_by_git(demo, clones) -> None:
    _document(clones, "2026-11-01T10:00:00+00:00")
    _document(clones, "2025-01-02T10:00:00+00:00", "docs/old-design.md")
    with clock.frozen(NOW):
        service.refresh("ledger")
    _links(
        {"url": "https://grafana.acme.test/d/ledger", "title": "Dashboard"},
        {"url": RUNBOOK, "title": "Runbook"},
    )
    [row] = [r for r in docs.rows(today=NOW.date()) if r.component.slug == "ledger"]
    found = {d.title: (d.kind, d.changed, d.source) for d in row.documents}
    assert found == {
        "Dashboard": ("link", None, ""),
        "Runbook": ("link", date(2026, 11, 1), "git"),  # the linked file's last commit
        "docs/runbook.md": ("file", date(2026, 11, 1), "git"),
        "docs/old-design.md": ("file", date(2025, 1, 2), "git"),
        "docs/guide.md": ("file", date(2015, 1, 1), "git"),
    }
    assert (row.up_to_date, row.why) == (False, "not fresh: Dashboard")
    assert [d.title for d in row.stale] == ["Dashboard", "docs/old-design.md", "docs/guide.md"]
    _links(
        {
            "url": "https://grafana.acme.test/d/ledger",
            "title": "Dashboard",
            "reviewed": "2026-10-01",
        },
        {"url": RUNBOOK, "title": "Runbook"},
    )
    [row] = [r for r in docs.rows(today=NOW.date()) if r.component.slug == "ledger"]
    assert (row.up_to_date, row.why) == (True, "")  # an old design doc does not undo that
    [row] = [r for r in docs.rows(today=date(2027, 6, 1)) if r.component.slug == "ledger"]
    assert row.why == "not fresh: Dashboard, Runbook"


def test_coverage_per_team_and_organisation_against_ninety_percent(demo, clones) -> None:
    _document(clones, "2026-11-01T10:00:00+00:00")
    with clock.frozen(NOW):
        service.refresh("ledger")
    _links({"url": RUNBOOK, "title": "Runbook"})
    found = docs.rows(today=NOW.date())
    per_team, org = docs.coverage(found)
    shares = {c.name: (c.up_to_date, c.total, c.meets) for c in per_team}
    assert shares["Payments"] == (1, 2, False)  # the checkout API has no documentation at all
    assert (org.up_to_date, org.total, org.meets) == (1, 6, False)
    why = {r.component.slug: r.why for r in found}
    assert why["checkout-api"] == "no documentation listed or found"


def test_stale_documents_remind_the_dri_once_a_week(demo, clones) -> None:
    _document(clones, "2025-01-02T10:00:00+00:00")
    _links({"url": "https://runbooks.acme.test/ledger", "title": "Runbook"})  # never reviewed
    with clock.frozen(NOW):
        service.refresh("ledger")
        sent = docs.remind_stale()
        again = docs.remind_stale()
    told = Notification.objects.filter(kind="knowledge.stale_docs")
    ledger = told.get(recipient__slug="ana", subject__contains="Ledger")
    assert sent == again and told.count() == sent  # the same week: the same keys
    assert "docs/runbook.md: last changed 2025-01-02" in ledger.body
    assert "Runbook: no date known" in ledger.body


def test_every_surface_shows_coverage(demo, clones) -> None:
    ana = sign_in("ana")
    with clock.frozen(NOW):
        api = ana.get("/api/v1/knowledge/docs?team=payments").json()
        shown = CliRunner().invoke(app, ["knowledge", "docs", "--team", "payments", "--json"])
        page = ana.get("/knowledge/")
        component = ana.get("/knowledge/components/ledger/")
        team = ana.get("/teams/payments/")
    assert api == json.loads(shown.stdout)
    # the demo's ledger links were reviewed in October and November: up to date
    assert api["organisation"] == {
        "name": "organisation", "up_to_date": 1, "total": 2, "share": 0.5, "meets_target": False,
    }  # fmt: skip
    assert b'data-testid="doc-coverage"' in page.content
    assert b'data-testid="documents"' in component.content
    assert b"Documentation up to date: 1 of 2 components" in team.content
