"""CLI contract: exit codes, --json shapes, --org without a database, batch CSV."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunrelay.cli.main import app
from tests.conftest import DEMO, FIXTURES, run_without_database

run = CliRunner().invoke


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_org_lint_ok_and_problems(tmp_path: Path):
    ok = run(app, ["org", "lint", str(DEMO)])
    assert ok.exit_code == 0 and "15 people" in ok.stdout
    bad = tmp_path / "org.yaml"
    bad.write_text(
        "version: 1\npeople:\n  - {id: a, name: A, timezone: UTC}\n"
        "  - {id: b, name: B, timezone: UTC}\n  - {id: c, name: C, timezone: Mars/Base}\n"
    )
    result = run(app, ["org", "lint", str(bad)])
    assert result.exit_code == 1
    assert (
        result.stdout.strip()
        == f"{bad}:5: people[2].timezone: 'Mars/Base' is not an IANA time zone"
    )


def test_usage_errors_exit_2():
    assert run(app, ["time", "business-hours"]).exit_code == 2
    assert run(app, ["org", "lint"]).exit_code == 2


def test_time_commands_answer_from_a_file():
    base = ["--org", str(DEMO), "--json"]
    assert (
        as_json(
            run(
                app,
                ["time", "business-hours", "ana", "2026-12-14T00:00Z", "2026-12-28T00:00Z", *base],
            )
        )["seconds"]
        == 45 * 3600
    )
    assert as_json(
        run(app, ["time", "online", "--at", "2026-11-23T10:00Z", "--team", "platform", *base])
    )["online"] == ["chloe", "dieter", "emeka", "priya", "sagar"]
    overlap = as_json(
        run(
            app,
            [
                "time",
                "overlap",
                "ana",
                "chloe",
                "--from",
                "2026-11-23T00:00Z",
                "--to",
                "2026-11-24T00:00Z",
                *base,
            ],
        )
    )
    assert overlap["windows"] == [["2026-11-23T12:00:00Z", "2026-11-23T17:30:00Z"]]
    slots = as_json(
        run(
            app,
            [
                "time",
                "slots",
                "--team",
                "payments",
                "--duration",
                "1h",
                "--from",
                "2026-11-23T00:00Z",
                "--to",
                "2026-11-25T00:00Z",
                *base,
            ],
        )
    )
    assert slots["duration_minutes"] == 60 and len(slots["slots"]) == 5
    chain = as_json(
        run(app, ["time", "chain", "--team", "platform", "--date", "2026-11-25", *base])
    )
    assert chain["units"] == "pods" and len(chain["handoffs"]) == 3


def test_time_errors_exit_1_with_the_field():
    result = run(
        app, ["time", "business-hours", "ana", "nope", "2026-12-28T00:00Z", "--org", str(DEMO)]
    )
    assert result.exit_code == 1 and "from: 'nope' is not an ISO-8601 instant" in result.stderr
    result = run(app, ["time", "online", "--team", "ghosts", "--org", str(DEMO)])
    assert result.exit_code == 1 and "no team with id 'ghosts'" in result.stderr


def test_batch_csv(tmp_path: Path):
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "person,from,to\nana,2026-11-23T00:00Z,2026-11-24T00:00Z\n"
        "sagar,2026-11-22T00:00Z,2026-11-23T00:00Z\n"
    )
    out = tmp_path / "out.csv"
    result = run(
        app, ["time", "business-hours", "--batch", str(rows), "-o", str(out), "--org", str(DEMO)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines() == [
        "person,from,to,seconds",
        "ana,2026-11-23T00:00Z,2026-11-24T00:00Z,32400",
        "sagar,2026-11-22T00:00Z,2026-11-23T00:00Z,28800",
    ]
    rows.write_text("ana,2026-11-23T00:00Z\n")
    bad = run(app, ["time", "business-hours", "--batch", str(rows), "--org", str(DEMO)])
    assert bad.exit_code == 1 and "line 1: expected person,from,to, got 2 fields" in bad.stderr


def test_a_command_loads_its_own_domain_only_and_org_files_are_checked_whole(tmp_path: Path):
    """Every domain's commands were imported for any command (a third of a batch run's
    start); now only the one asked for is. An org file is still checked with the on-call
    sections, which register from another domain."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from sunrelay.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.endswith('.cli') or m.endswith('_cli')))\n"
    )
    args = ["time", "online", "--at", "2026-11-23T10:00Z", "--org", str(DEMO), "--json"]
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.strip().splitlines()[-1]
    assert loaded == "['sunrelay.cli', 'sunrelay.people.time_cli']"
    broken = tmp_path / "org.yaml"
    broken.write_text(DEMO.read_text().replace("schedules:", "schedules:\n  - {id: x, rota: 3}", 1))
    linted = run_without_database(tmp_path, "org", "lint", str(broken))
    assert linted.returncode == 1 and "schedules[0]" in linted.stdout + linted.stderr


def test_offline_commands_need_no_database_and_leave_nothing(tmp_path: Path):
    done = run_without_database(
        tmp_path, "time", "online", "--at", "2026-11-23T10:00Z", "--org", str(DEMO), "--json"
    )
    assert done.returncode == 0, done.stderr
    assert "sagar" in json.loads(done.stdout)["online"]
    assert not (tmp_path / "var").exists()


@pytest.mark.django_db
def test_import_export_round_trip(tmp_path: Path):
    first = run(app, ["org", "import", str(DEMO), "--dry-run"])
    assert (
        first.exit_code == 0 and "+ person ana" in first.stdout and "would change" in first.stdout
    )
    assert as_json(run(app, ["people", "list", "--json"])) == []
    assert "38 created" in run(app, ["org", "import", str(DEMO)]).stdout
    assert "no changes" in run(app, ["org", "import", str(DEMO)]).stdout
    exported = run(app, ["org", "export"]).stdout
    (tmp_path / "org.yaml").write_text(exported)
    assert "no changes" in run(app, ["org", "import", str(tmp_path / "org.yaml")]).stdout
    catalog = run(app, ["org", "export", "--format", "backstage"]).stdout
    assert "kind: Group" in catalog and "sunrelay.dev/timezone: Asia/Kathmandu" in catalog


@pytest.mark.django_db
def test_import_problems_exit_1_and_write_nothing(tmp_path: Path):
    bad = tmp_path / "org.yaml"
    bad.write_text("version: 1\nteams:\n  - {id: t, name: T, lead: nobody}\n")
    result = run(app, ["org", "import", str(bad)])
    assert result.exit_code == 1 and "lead: 'nobody' is not a person" in result.stderr
    assert as_json(run(app, ["people", "list", "--json"])) == []


@pytest.mark.django_db
def test_backstage_import_from_the_cli():
    result = run(app, ["org", "import", str(FIXTURES / "backstage" / "catalog-info.yaml")])
    assert result.exit_code == 0, result.output
    assert "guest is incomplete" in result.stderr
    assert {p["id"] for p in as_json(run(app, ["people", "list", "--json"]))} == {
        "ana",
        "guest",
        "yuki",
    }


@pytest.mark.django_db
def test_time_commands_answer_from_the_database(demo):
    got = as_json(
        run(
            app,
            ["time", "business-hours", "ana", "2026-12-14T00:00Z", "2026-12-28T00:00Z", "--json"],
        )
    )
    assert got == {
        "person": "ana",
        "from": "2026-12-14T00:00:00Z",
        "to": "2026-12-28T00:00:00Z",
        "seconds": 162000,
    }


@pytest.mark.django_db
def test_absences_and_tokens(demo, tmp_path: Path):
    assert (
        run(app, ["absence", "add", "bruno", "2027-01-04", "2027-01-05", "--reason", "x"]).exit_code
        == 0
    )
    listed = as_json(run(app, ["absence", "list", "--person", "bruno", "--json"]))
    assert [(a["from"], a["to"], a["source"]) for a in listed] == [
        ("2027-01-04", "2027-01-05", "cli")
    ]
    bad = run(app, ["absence", "add", "bruno", "2027-01-05", "2027-01-04"])
    assert bad.exit_code == 1 and "to:" in bad.stderr
    ics = run(app, ["absence", "import-ics", "ana", str(FIXTURES / "out-of-office.ics")])
    assert ics.exit_code == 0 and "3 created" in ics.stdout
    token = as_json(run(app, ["token", "create", "--name", "ci", "--scope", "write", "--json"]))
    assert token["token"].startswith("sr_") and token["scope"] == "write"
    assert run(app, ["token", "create", "--name", "x", "--scope", "admin"]).exit_code == 1
    assert run(app, ["token", "revoke", token["token"][:10]]).exit_code == 0


@pytest.mark.django_db
def test_people_list_says_which_days_each_window_is_for(demo):
    listed = run(app, ["people", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    line = {row.split("│")[1].strip(): row for row in listed.stdout.splitlines() if "│" in row}
    assert "Mon–Thu 09:00-17:00, Fri 09:00-13:00" in line["mia"]  # not "09:00-13:00, 09:00-17:00"
    assert "Sun–Thu 10:00-18:00" in line["sagar"] and "Mon–Fri 09:00-17:00" in line["emeka"]


@pytest.mark.django_db
def test_serve_links_to_the_address_it_listens_on(monkeypatch):
    """Under `make run PORT=8201` feed URLs, .ics links and the intake URL said :8000."""
    import waitress
    from django.conf import settings

    heard: dict[str, object] = {}
    monkeypatch.setenv("SUNRELAY_URL", "")  # restored after the test, whatever serve sets
    monkeypatch.delenv("SUNRELAY_URL")
    monkeypatch.setattr(settings, "SUNRELAY_URL", "http://localhost:8000")
    monkeypatch.setattr(
        waitress, "serve", lambda app, **kw: heard.update(kw, url=settings.SUNRELAY_URL)
    )
    done = run(app, ["serve", "--port", "8201", "--no-worker"])
    assert done.exit_code == 0, done.output
    assert heard["port"] == 8201 and heard["url"] == "http://localhost:8201"
    from sunrelay.oncall import alerts

    assert alerts.intake_url("s3cret") == "http://localhost:8201/api/v1/oncall/intake/s3cret"
    monkeypatch.setenv("SUNRELAY_URL", "https://relay.example.com")  # set by the operator: kept
    run(app, ["serve", "--port", "8202", "--no-worker"])
    assert heard["url"] == "https://relay.example.com"


def test_batch_reports_bad_rows_by_line_and_keeps_the_good_ones(tmp_path: Path):
    from sunrelay.people import timequery
    from sunrelay.people.logic import Directory
    from sunrelay.people.sources import read_source

    rows = tmp_path / "rows.csv"
    rows.write_text(
        "person,from,to\n"
        "ana,2026-11-23T00:00Z,2026-11-24T00:00Z\n"  # line 2
        "nobody,2026-11-23T00:00Z,2026-11-24T00:00Z\n"  # 3: unknown person
        "ana,yesterday,2026-11-24T00:00Z\n"  # 4: unreadable instant
        "mia,2026-11-24T00:00Z,2026-11-23T00:00Z\n"  # 5: end before start
        "ana,2026-11-23T00:00Z\n"  # 6: two fields
        "sagar,2026-11-22T09:15:30.5+05:45,2026-11-23 18:00:00+05:45\n"  # 7: Python's parser
        "mia,2026-02-30T00:00Z,2026-03-02T00:00Z\n"  # 8: no 30 February
        " yuki , 2026-11-23T00:00+09:00 , 2026-11-30T00:00+09:00 \n"  # 9: spaces trimmed
    )
    out, errors = tmp_path / "out.csv", tmp_path / "errors.csv"
    done = run(app, ["time", "business-hours", "--batch", str(rows), "-o", str(out),
                     "--errors", str(errors), "--org", str(DEMO)])  # fmt: skip
    assert done.exit_code == 1 and "5 of 8 rows failed; see" in done.stderr
    problems = [line.split(",", 1)[0] for line in errors.read_text().splitlines()[1:]]
    assert problems == ["6", "3", "4", "5", "8"]  # the misshapen row is found while reading
    assert "no person with id 'nobody'" in errors.read_text()
    assert "'to' is before 'from'" in errors.read_text()
    written = out.read_text().splitlines()
    assert written[0] == "person,from,to,seconds" and len(written) == 4
    spec, _ = read_source([str(DEMO)])
    directory = Directory.from_spec(spec)
    for line in written[1:]:  # the same answer a single question gives
        person, a, b, seconds = line.split(",")
        assert int(seconds) == timequery.business_hours(directory, person, a, b)["seconds"]
    assert written[3].startswith("yuki,2026-11-23T00:00+09:00,")
