"""``org lint`` warns about ownership and knowledge gaps without refusing the file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sunrelay.cli.main import app

ORG = """\
version: 1
organization: {name: Acme, agreement: {knowledge: {bus_factor: 2}}}
people:
  - {id: ana, name: Ana, timezone: UTC}
  - {id: bo, name: Bo, timezone: UTC}
  - {id: cy, name: Cy, timezone: UTC}
  - {id: lone, name: Lone, timezone: UTC}
teams:
  - {id: core, name: Core, lead: ana, members: [ana, bo], agreement: {knowledge: {bus_factor: 3}}}
  - {id: web, name: Web, members: [cy]}
components:
  - {id: ledger, name: Ledger, owner: core, dri: ana, maintainers: [ana, bo],
     criticality: critical}
  - {id: site, name: Site, owner: web, dri: cy, maintainers: [cy], criticality: high}
  - {id: blog, name: Blog, maintainers: [cy], criticality: low}
schedules:
  - {id: core-primary, name: Core, team: core, timezone: UTC,
     layers: [{name: w, participants: [ana, bo], shift: 1w, start: 2026-01-05}]}
"""


def test_lint_warns_about_every_gap_and_still_passes(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(ORG)
    done = CliRunner().invoke(app, ["org", "lint", str(tmp_path / "org.yaml")])
    assert done.exit_code == 0, done.output
    assert "ok (4 people, 2 teams, 3 components, 0 absences); 6 warnings" in done.stdout
    assert done.stderr.splitlines() == [
        "warning: component blog has no owner team and no DRI",
        # the team's own target (3) before the organisation's (2)
        "warning: component ledger is critical but has 2 maintainers, fewer than the "
        "bus-factor target of 3",
        "warning: component site is high but has 1 maintainer, fewer than the bus-factor "
        "target of 2",
        "warning: component site is high but its owner team web has no on-call schedule",
        "warning: person lone is in no team",
        "warning: team web has no lead",
    ]


def test_a_file_without_gaps_has_no_warnings(tmp_path: Path) -> None:
    fine = ORG.replace(
        "  - {id: web, name: Web, members: [cy]}",
        "  - {id: web, name: Web, lead: cy, members: [cy, lone]}",
    )
    fine = fine.split("components:")[0] + "components: []\n"
    (tmp_path / "org.yaml").write_text(fine)
    done = CliRunner().invoke(app, ["org", "lint", str(tmp_path / "org.yaml")])
    assert done.exit_code == 0 and done.stderr == ""
    assert done.stdout.strip().endswith("0 absences)")


def test_a_bad_knowledge_agreement_is_an_error_naming_its_line(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(ORG.replace("bus_factor: 3", "bus_factor: 0"))
    done = CliRunner().invoke(app, ["org", "lint", str(tmp_path / "org.yaml")])
    assert done.exit_code == 1
    assert "org.yaml:9: teams[0].agreement.knowledge.bus_factor: bus_factor must be a whole " in (
        done.stdout
    )
