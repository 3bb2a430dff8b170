"""Backstage catalogs in, Backstage catalogs out."""

import json
from pathlib import Path

import pytest

from sunrelay.integrations.backstage import read_catalog, write_catalog
from sunrelay.people import orgfile, service
from sunrelay.people.models import Person, Team
from sunrelay.people.orgfile import OrgFileInvalid
from tests.conftest import DEMO, FIXTURES

CATALOG = FIXTURES / "backstage" / "catalog-info.yaml"


def test_a_location_and_its_targets_become_a_directory():
    spec, notes = read_catalog([str(CATALOG)])
    people = {p.id: p for p in spec.people}
    teams = {t.id: t for t in spec.teams}
    assert set(people) == {"ana", "yuki", "guest"}
    assert people["ana"].timezone == "America/Sao_Paulo" and people["ana"].holidays == "BR"
    assert people["yuki"].working_hours == {
        "mon": "09:30-18:30",
        "tue": "09:30-18:30",
        "fri": "09:30-13:00",
    }
    assert people["guest"].timezone == "UTC"
    assert any("guest is incomplete" in n for n in notes)
    assert any("kind api" in n for n in notes)
    assert teams["payments"].parent == "engineering" and teams["platform"].parent == "engineering"
    assert teams["payments"].lead == "ana" and teams["payments"].wip_limit == 2
    assert teams["platform"].members == ["yuki"] and teams["platform"].successor == "payments"
    ledger = next(c for c in spec.components if c.id == "ledger")
    assert (ledger.owner, ledger.dri, ledger.system, ledger.criticality) == (
        "payments",
        "ana",
        "money",
        "critical",
    )
    assert ledger.links[0].title == "Runbook"
    gateway = next(c for c in spec.components if c.id == "gateway")
    assert gateway.owner is None and gateway.dri == "yuki"
    assert ledger.repos == ["acme/ledger", "acme/ledger-jobs"] and gateway.repos == []
    assert (people["ana"].github, people["ana"].emails) == ("analima", ["ana@home.example"])


def test_problems_point_into_the_catalog_files(tmp_path: Path):
    (tmp_path / "users.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: bad\n"
        "  annotations:\n    sunrelay.dev/timezone: Mars/Base\nspec:\n  profile: {}\n"
        "  memberOf: []\n"
    )
    (tmp_path / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: x\nspec:\n"
        "  targets: [./users.yaml, ./missing.yaml]\n"
    )
    with pytest.raises(OrgFileInvalid) as caught:
        read_catalog([str(tmp_path / "catalog-info.yaml")])
    found = [str(p) for p in caught.value.problems]
    assert any(
        p.startswith(f"{tmp_path / 'users.yaml'}:6: people[0].timezone: 'Mars/Base'") for p in found
    )
    assert any("missing.yaml" in p and "does not exist" in p for p in found)


def test_location_targets_stay_inside_the_catalog_folder(tmp_path: Path):
    """Targets could reach any file on the machine: ../, absolute paths, links, and globs
    that matched binaries. Each is refused, naming the target; nothing outside is read."""
    outside = tmp_path / "secret.yaml"
    outside.write_text("apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: eve}\n")
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "tool.bin").write_bytes(b"\x7fELF\x00\x01")
    (catalog / "link.yaml").symlink_to(outside)
    (catalog / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: x\nspec:\n"
        f"  targets: [../secret.yaml, {outside}, ./link.yaml, ./*]\n"
    )
    with pytest.raises(OrgFileInvalid) as caught:
        read_catalog([str(catalog / "catalog-info.yaml")])
    found = [p.message for p in caught.value.problems]
    assert "location target '../secret.yaml' leads outside the catalog folder" in found
    assert f"location target '{outside}' is an absolute path; name it relative" in found
    assert "location target './link.yaml' leads outside the catalog folder" in found
    assert "location target './*' leads outside the catalog folder" in found  # via the link

    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "tool.bin").write_bytes(b"\x7fELF\x00\x01")
    (clean / "users.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: ana}\n"
        "spec: {profile: {}, memberOf: []}\n"
    )
    (clean / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: x\nspec:\n"
        "  targets: ['./*']\n"
    )
    spec, _ = read_catalog([str(clean / "catalog-info.yaml")])  # the binary is not read
    assert [p.id for p in spec.people] == ["ana"]


@pytest.mark.django_db
def test_import_leaves_absences_alone_and_is_idempotent(demo):
    spec, _ = read_catalog([str(CATALOG)])
    report = service.import_org(spec)
    assert "person dieter" in report.removed and "team engineering" in report.created
    assert not service.import_org(read_catalog([str(CATALOG)])[0]).changed
    assert Team.objects.get(slug="payments").parent.slug == "engineering"
    assert Person.objects.get(slug="ana").absences.count() == 1


@pytest.mark.django_db
def test_export_to_backstage_and_back_is_lossless(demo, tmp_path: Path):
    before = service.export_org()
    (tmp_path / "catalog.yaml").write_text(write_catalog(before))
    spec, notes = read_catalog([str(tmp_path / "catalog.yaml")])
    assert notes == []
    report = service.import_org(spec)
    assert not report.changed, report.lines()
    by_id = sorted(orgfile.parse(DEMO.read_text()).people, key=lambda p: p.id)
    assert by_id == sorted(spec.people, key=lambda p: p.id)


def test_components_announce_their_decision_records_to_backstage(demo, tmp_path: Path):
    import yaml

    service.update_component(
        "ledger",
        {"links": [{"url": "https://git.acme.test/ledger/tree/main/docs/adr", "title": "ADRs"}]},
    )
    text = write_catalog(service.export_org(), adr_location="docs/adr")
    entities = {d["metadata"]["name"]: d for d in yaml.safe_load_all(text)}
    notes = {k: v["metadata"].get("annotations", {}) for k, v in entities.items()}
    assert notes["ledger"]["backstage.io/adr-location"] == (
        "https://git.acme.test/ledger/tree/main/docs/adr"
    )  # its own link wins
    assert notes["checkout-api"]["backstage.io/adr-location"] == "docs/adr"
    assert notes["payments"]["sunrelay.dev/review-periods"] == "adr=2d;design-doc=48h"
    (tmp_path / "catalog.yaml").write_text(write_catalog(service.export_org()))
    spec, _ = read_catalog([str(tmp_path / "catalog.yaml")])
    assert not service.import_org(spec).changed  # the link and the agreement come back


def test_the_rest_of_a_teams_agreement_travels_as_json_and_a_broken_one_is_named(
    demo, tmp_path: Path
):
    import yaml

    text = write_catalog(service.export_org())
    payments = next(d for d in yaml.safe_load_all(text) if d["metadata"]["name"] == "payments")
    rest = json.loads(payments["metadata"]["annotations"]["sunrelay.dev/agreement"])
    assert rest["work"]["valves"][1]["name"] == "quarter-end" and "review" not in rest
    docs = list(yaml.safe_load_all(text))
    for doc in docs:
        if doc["metadata"]["name"] == "payments":
            doc["metadata"]["annotations"]["sunrelay.dev/agreement"] = '{"work": not json'
    broken = yaml.safe_dump_all(docs, sort_keys=False)
    (tmp_path / "catalog.yaml").write_text(broken)
    with pytest.raises(OrgFileInvalid) as caught:
        read_catalog([str(tmp_path / "catalog.yaml")])
    (problem,) = caught.value.problems
    assert problem.path.endswith(".agreement") and problem.message.startswith("must be a mapping")
    line = broken.splitlines()[problem.line - 1]
    assert line.strip().startswith("sunrelay.dev/agreement:")  # points at the annotation
