"""Components' truck factors from clones of their repositories: over their own files, with
their authors matched to the directory and what that flags, on every surface."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.core.errors import PermissionDenied
from sunrelay.core.permissions import Actor
from sunrelay.knowledge import service
from sunrelay.people.models import Component
from tests.conftest import sign_in
from tests.knowledge.conftest import ANA
from tests.knowledge.gitrepo import Repo, body

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _ledger_paths(globs: list[str]) -> None:
    Component.objects.filter(slug="ledger").update(paths=globs)


def test_a_component_is_counted_over_its_own_files_with_its_people_matched(demo, clones):
    _ledger_paths(["src/**"])
    with clock.frozen(NOW):
        found = service.refresh("ledger")
    # 7 files under src/: Ana authors 4 (Bruno shares core0.py), Chloé 2, Zed 1.
    # Ana out leaves 4 of 7 (core0.py is Bruno's too), Chloé out leaves 2: truck factor 2
    assert (found.truck_factor, found.files, found.authored_files) == (2, 7, 7)
    assert found.tf_authors == ["Ana Lima", "Chloé Martin"]
    assert [(a["name"], a["files"], a["person"]) for a in found.authors] == [
        ("Ana Lima", 4, "ana"),
        ("Chloé Martin", 2, "chloe"),
        ("Bruno Costa", 1, "bruno"),
        ("Zed Outsider", 1, None),
    ]
    assert found.coverage == [7, 4, 2]
    assert list(found.revisions) == ["acme/ledger"] and found.refreshed_at == NOW
    row = next(r for r in service.rows() if r.component.slug == "ledger")
    assert row.flags == (
        "truck factor 2 is under the target of 3 for a critical component",
        "chloe authors 2 of its files but is not listed as a maintainer",
        "Zed Outsider authors 1 of its files but is not in the directory",
    )


def test_without_paths_every_file_but_the_excluded_ones_counts(demo, clones):
    with clock.frozen(NOW):
        found = service.refresh("ledger")
    assert found.files == 8  # tools/release.py too; docs/guide.md never


def test_the_target_comes_from_the_agreement_and_maintainers_who_author_nothing_are_named(
    demo, clones
):
    from sunrelay.people.models import Organization

    Organization.objects.update(agreement={"knowledge": {"bus_factor": 1}})
    component = Component.objects.get(slug="ledger")
    component.maintainers.add(*component.owner.members.filter(slug="mia"))
    with clock.frozen(NOW):
        service.refresh("ledger")
    row = next(r for r in service.rows() if r.component.slug == "ledger")
    assert row.target == 1
    assert "mia is listed as a maintainer but authors none of its files" in row.flags
    assert not any("under the target" in f for f in row.flags)


def test_a_missing_clone_or_one_leading_outside_is_recorded_as_the_problem(demo, clones, tmp_path):
    with clock.frozen(NOW):
        missing = service.refresh("checkout-api")
    assert missing.truck_factor is None
    assert missing.problem == f"no clone of acme/checkout-api in {clones.resolve()}"
    outside = Repo(tmp_path / "elsewhere")
    outside.commit(ANA, {"a.py": body("a")})
    (clones / "acme" / "api-gateway").symlink_to(tmp_path / "elsewhere")
    with clock.frozen(NOW):
        escaped = service.refresh("api-gateway")
    assert escaped.truck_factor is None
    assert escaped.problem == f"the clone of acme/api-gateway leads outside {clones.resolve()}"


def test_only_the_owning_team_or_staff_may_refresh(demo, clones):
    with pytest.raises(PermissionDenied) as refused:
        service.refresh("ledger", Actor("olivia"))
    assert refused.value.field == "component"
    with clock.frozen(NOW):
        assert service.refresh("ledger", Actor("mia")).truck_factor == 2
    olivia, ana = sign_in("olivia"), sign_in("ana")
    assert olivia.post("/api/v1/knowledge/components/ledger/refresh").status_code == 403
    with clock.frozen(NOW):
        done = ana.post("/api/v1/knowledge/components/ledger/refresh")
    assert done.status_code == 200 and done.json()["truck_factor"] == 2
    assert ana.post("/api/v1/knowledge/components/nope/refresh").status_code == 404


def test_every_surface_shows_the_truck_factor_and_its_flags(demo, clones):
    _ledger_paths(["src/**"])
    ana = sign_in("ana")
    with clock.frozen(NOW):
        ran = CliRunner().invoke(app, ["knowledge", "refresh", "--json"])
        listed = CliRunner().invoke(
            app, ["knowledge", "components", "--team", "payments", "--json"]
        )
        team_page = ana.get("/teams/payments/")
        overview = ana.get("/knowledge/")
        page = ana.get("/knowledge/components/ledger/")
        api = ana.get("/api/v1/knowledge/components?team=payments").json()
        pressed = ana.post("/knowledge/components/ledger/refresh")
    assert ran.exit_code == 0, ran.output
    refreshed = {r["component"]: r for r in json.loads(ran.stdout)}
    assert set(refreshed) == {c.slug for c in Component.objects.all() if c.repos}
    assert refreshed["ledger"]["truck_factor"] == 2
    assert refreshed["mobile-app"]["problem"].startswith("no clone of acme/mobile-app")
    rows = {r["component"]: r for r in json.loads(listed.stdout)}
    assert set(rows) == {"ledger", "checkout-api"}
    assert rows["ledger"]["flags"][0].startswith("truck factor 2 is under the target of 3")
    assert api == json.loads(listed.stdout)
    for response in (team_page, overview, page):
        assert response.status_code == 200
        assert "chloe authors 2 of its files but is not listed as a maintainer" in (
            response.content.decode()
        )
    assert b'data-testid="knowledge"' in team_page.content
    assert pressed.status_code == 302


def test_a_component_that_names_no_repository_any_more_loses_its_figures(demo, clones):
    with clock.frozen(NOW):
        service.refresh_all()
        assert Component.objects.get(slug="ledger").knowledge.truck_factor == 2
        Component.objects.filter(slug="ledger").update(repos=[])
        service.refresh_all()
    assert not hasattr(Component.objects.get(slug="ledger"), "knowledge")


def test_paths_travel_through_the_org_file_and_are_checked(db):
    from sunrelay.people import orgfile
    from sunrelay.people import service as people

    text = """
version: 1
people: [{id: ana, name: Ana, timezone: UTC}]
teams: [{id: t, name: T, members: [ana]}]
components:
  - {id: mono-a, name: A, owner: t, repos: [acme/mono-a], paths: ["services/a/**", "*.proto"]}
"""
    people.import_org(orgfile.parse(text, "org.yaml"))
    assert Component.objects.get(slug="mono-a").paths == ["services/a/**", "*.proto"]
    assert "paths: [services/a/**, '*.proto']" in orgfile.dump(people.export_org())
    bad = text.replace('"*.proto"', '"../secrets/**"')
    with pytest.raises(orgfile.OrgFileInvalid) as refused:
        orgfile.parse(bad, "org.yaml")
    assert [str(p) for p in refused.value.problems] == [
        "org.yaml:6: components[0].paths[1]: '../secrets/**' is not a path glob inside a repository"
    ]


def test_the_only_author_of_a_critical_component_is_a_single_point_of_failure(demo, clones):
    from sunrelay.health import spof

    _ledger_paths(["src/core*.py"])  # Ana's four files; Bruno shares one: truck factor 1
    with clock.frozen(NOW):
        assert service.refresh("ledger").truck_factor == 1
    points = {(t.slug, p.person): p.stops for t, found in spof.everyone() for p in found}
    assert (
        "component ledger (truck factor 1: without them, under half its files have an author)"
        in points[("payments", "ana")]
    )
    ana = sign_in("ana")
    page = ana.get("/org-health/single-points/")
    api = ana.get("/api/v1/health/single-points?team=payments").json()
    shown = CliRunner().invoke(app, ["health", "single-points", "--team", "payments", "--json"])
    assert page.status_code == 200 and b"truck factor 1" in page.content
    assert api == json.loads(shown.stdout)
    ana_row = next(r for r in api if r["person"] == "ana")
    assert ana_row["team"] == "payments"
    assert ana_row["stops"] == list(points[("payments", "ana")])
