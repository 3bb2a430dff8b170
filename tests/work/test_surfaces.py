"""Work in flight through the API, the CLI and the hub: the same rules on every surface."""

from __future__ import annotations

import json
from datetime import timedelta

from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.core import clock
from sunrelay.work import service
from sunrelay.work.models import Initiative, Signal, ValveOpening
from tests.conftest import sign_in
from tests.work.conftest import T0, who

runner = CliRunner()


def cli(*args: str):
    with clock.frozen(T0):
        return runner.invoke(app, ["work", *args])


def post(client, url: str, body: dict):
    with clock.frozen(T0):
        return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_adds_starts_queues_and_lists_with_queue_positions(org):
    lena = sign_in("lena")
    made = []
    for title in ("A", "B", "C"):
        answer = post(
            lena,
            "/api/v1/work/initiatives",
            {"title": title, "team": "core", "dri": "ana", "class": "customer"},
        )
        assert answer.status_code == 201, answer.content
        made.append(answer.json()["id"])
    for pk in made:
        assert post(lena, f"/api/v1/work/initiatives/{pk}/start", {}).status_code == 200
    third = lena.get(f"/api/v1/work/initiatives/{made[2]}").json()
    assert third["state"] == "queued" and third["timeline"][-1]["kind"] == "queued"
    board = lena.get("/api/v1/work/teams/core/board").json()
    assert [i["id"] for i in board["queued"]] == [made[2]] and board["queued"][0][
        "queue_position"
    ] == 1
    bad = post(
        lena,
        "/api/v1/work/initiatives",
        {"title": "x", "team": "core", "dri": "ana", "class": "nope"},
    )
    assert bad.status_code == 422 and bad.json()["field"] == "class"
    refused = post(sign_in("pia"), f"/api/v1/work/initiatives/{made[0]}/pause", {})
    assert refused.status_code == 403
    wrong = post(lena, f"/api/v1/work/initiatives/{made[0]}/explode", {})
    assert wrong.status_code == 404 and wrong.json()["field"] == "move"
    portfolio = lena.get("/api/v1/work/portfolio").json()
    assert portfolio == [
        {
            "team": "core",
            "wip_limit": 2,
            "active": 2,
            "queued": 1,
            "paused": 0,
            "exceptions": 0,
            "open_signals": 0,
            "valves": [],
            "over_limit": False,
        }
    ]


def test_the_api_raises_and_answers_a_signal_and_opens_a_valve_with_two_roles(org):
    bruno, kenji, lena = sign_in("bruno"), sign_in("kenji"), sign_in("lena")
    raised = post(bruno, "/api/v1/work/signals", {"team": "core", "note": "too much"})
    assert raised.status_code == 201 and raised.json()["asked"][0]["person"] == "kenji"
    pk = raised.json()["id"]
    answered = post(
        kenji, f"/api/v1/work/signals/{pk}/respond", {"response": "accept", "until": "2026-12-07"}
    )
    assert answered.json()["outcome"] == "accepted until 2026-12-07"
    first = post(lena, "/api/v1/work/teams/core/valves/incident-load/open", {"why": "two SEV2s"})
    assert first.json()["state"] == "proposed" and first.json()["confirmed_by"] == ["lena"]
    second = post(kenji, "/api/v1/work/teams/core/valves/incident-load/open", {})
    assert second.json()["state"] == "open" and second.json()["confirmed_by"] == ["lena", "kenji"]
    missing = post(lena, "/api/v1/work/teams/core/valves/nope/open", {})
    assert missing.status_code == 404 and missing.json()["field"] == "name"


def test_the_cli_adds_starts_lists_and_refuses_a_third_assignment(org):
    for title in ("A", "B"):
        made = cli(
            "add",
            title,
            "--team",
            "core",
            "--dri",
            "ana",
            "--class",
            "customer",
            "--person",
            "bruno",
            "--as",
            "lena",
        )
        assert made.exit_code == 0, made.output
    ids = list(Initiative.objects.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        assert cli("start", str(pk), "--as", "lena").exit_code == 0
    other = cli("add", "C", "--team", "app", "--dri", "pia", "--as", "omar", "--json")
    c = json.loads(other.stdout)["id"]
    assert cli("start", str(c), "--as", "omar").exit_code == 0
    refused = cli("assign", str(c), "bruno", "--as", "omar")
    assert refused.exit_code == 1 and "bruno already carries 2 active initiatives" in refused.stderr
    listed = json.loads(cli("list", "--team", "core", "--json").stdout)
    assert [(i["title"], i["state"]) for i in listed] == [("A", "active"), ("B", "active")]
    board = cli("board", "--team", "core")
    assert "core: 2 active of 2" in board.stdout and "Valve incident-load: closed" in board.stdout


def test_the_cli_capacity_respond_and_valve(org):
    raised = cli("capacity", "--team", "core", "--as", "bruno", "--note", "on fire")
    assert raised.exit_code == 0 and "sent to kenji" in raised.stdout
    pk = str(Signal.objects.get().pk)
    both = cli("respond", pk, "--as", "kenji", "--resequence", "--add-capacity")
    assert both.exit_code == 2
    assert cli("respond", pk, "--as", "kenji", "--resequence").exit_code == 0
    assert Signal.objects.get().response == "resequence"
    opened = cli("valve", "open", "by-hand", "--team", "core", "--as", "lena")
    assert opened.exit_code == 0 and "by-hand (core): open" in opened.stdout
    assert cli("valve", "close", "by-hand", "--team", "core", "--as", "lena").exit_code == 0
    assert ValveOpening.objects.get().state == "closed"


def test_work_files_export_and_import_all_or_nothing_with_file_lines(org, tmp_path):
    with clock.frozen(T0):
        service.add_initiative(
            service.Draft("Ledger v2", "core", "ana", klass="customer", criteria=["read-only"]),
            who("lena"),
        )
    exported = cli("export", "-").stdout
    assert "title: Ledger v2" in exported and "state: proposed" in exported
    good = tmp_path / "work.yaml"
    good.write_text(
        exported.replace("title: Ledger v2", "title: Ledger v2 (renamed)")
        + "- title: Dark mode\n  team: core\n  dri: carla\n  class: speculative\n"
    )
    done = cli("import", str(good), "--as", "lena")
    assert done.exit_code == 0 and "1 created, 1 updated" in done.stdout, done.output
    assert sorted(Initiative.objects.values_list("title", flat=True)) == [
        "Dark mode",
        "Ledger v2 (renamed)",
    ]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\ninitiatives:\n  - title: X\n    team: core\n    dri: ana\n"
        "    people: oops\n  - team: core\n"
    )
    refused = cli("import", str(bad))
    assert refused.exit_code == 1
    assert refused.stdout.splitlines() == [
        f"{bad}:6: initiatives[0].people: must be a list of ids",
        f"{bad}:7: initiatives[1].dri: dri is required",
        f"{bad}:7: initiatives[1].title: title is required",
    ]
    half = tmp_path / "half.yaml"
    half.write_text(
        "version: 1\ninitiatives:\n  - {title: Fine, team: core, dri: ana}\n"
        "  - {title: Bad, team: core, dri: nobody}\n"
    )
    failed = cli("import", str(half), "--as", "lena")
    assert failed.exit_code == 1 and "line 4: 'nobody' is not a person" in failed.stderr
    assert not Initiative.objects.filter(title="Fine").exists()


def test_the_hub_board_initiative_and_signal_pages(org):
    lena = sign_in("lena")
    with clock.frozen(T0):
        made = lena.post(
            "/work/teams/core/add/",
            {
                "title": "Ledger v2",
                "dri": "ana",
                "class": "customer",
                "criteria": "read-only\nrunbook",
            },
        )
    initiative = Initiative.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/work/{initiative.pk}/"
    with clock.frozen(T0):
        lena.post(f"/work/{initiative.pk}/move/", {"move": "start"})
        page = lena.get(f"/work/{initiative.pk}/")
    assert page.status_code == 200 and b'data-testid="state">active' in page.content
    with clock.frozen(T0):
        refused = lena.post(f"/work/{initiative.pk}/move/", {"move": "finish"}, follow=True)
    assert b"every exit criterion must be met or waived first" in refused.content
    with clock.frozen(T0 + timedelta(minutes=1)):
        lena.post("/work/teams/core/capacity/", {"note": "on fire"})
    signal = Signal.objects.get()
    assert lena.get(f"/work/signals/{signal.pk}/").status_code == 200
    board = lena.get("/work/teams/core/")
    assert b"incident-load" in board.content and b"Ledger v2" in board.content
    team_page = lena.get("/teams/core/")
    assert (
        b'data-testid="work-agreement"' in team_page.content
        and b"1 active of 2" in team_page.content
    )
    for url in ("/work/", "/work/migrations/"):
        assert lena.get(url).status_code == 200


def test_links_criteria_and_migration_progress_on_every_surface(org):
    with clock.frozen(T0):
        base = service.add_initiative(service.Draft("Base", "core", "ana"), who("lena"))
        moving = service.add_initiative(
            service.Draft("Move to v2", "core", "ana", progress_teams=["app"]), who("lena")
        )
    lena, pia = sign_in("lena"), sign_in("pia")
    linked = post(
        lena,
        f"/api/v1/work/initiatives/{moving.pk}/links",
        {"depends_on": [base.pk], "components": ["ledger"]},
    )
    assert linked.json()["depends_on"] == [base.pk] and linked.json()["components"] == ["ledger"]
    added = post(lena, f"/api/v1/work/initiatives/{moving.pk}/criteria", {"text": "v1 off"})
    assert [c["text"] for c in added.json()["criteria"]] == ["v1 off"]
    # app's members set app's row of core's migration; core's people set any row
    assert (
        cli(
            "progress",
            str(moving.pk),
            "under-way",
            "--team",
            "app",
            "--as",
            "pia",
            "--note",
            "one service left",
        ).exit_code
        == 0
    )
    with clock.frozen(T0):
        pia.post(f"/work/{moving.pk}/progress/", {"where": "team:app", "state": "done"})
    board = lena.get("/api/v1/work/migrations").json()
    assert board[0]["progress"] == [{"team": "app", "component": None, "state": "done", "note": ""}]
    refused = cli("progress", str(moving.pk), "done", "--team", "app", "--as", "carla")
    assert refused.exit_code == 1 and "the team whose progress it is" in refused.stderr
    assert cli("link", str(base.pk), "--component", "web", "--as", "lena").exit_code == 0
    assert cli("add-criterion", str(base.pk), "Docs updated", "--as", "lena").exit_code == 0
    with clock.frozen(T0):
        lena.post(
            f"/work/{base.pk}/links/", {"decisions": "", "depends_on": "", "components": "ledger"}
        )
        lena.post(f"/work/{base.pk}/criteria/", {"text": "Runbook"})
    shown = json.loads(cli("show", str(base.pk), "--json").stdout)
    assert shown["components"] == ["ledger", "web"]
    assert [c["text"] for c in shown["criteria"]] == ["Docs updated", "Runbook"]


def test_the_work_file_through_the_api_and_the_hub_with_each_persons_rights(org):
    with clock.frozen(T0):
        made = service.add_initiative(service.Draft("Ledger v2", "core", "ana"), who("lena"))
    lena = sign_in("lena")
    text = lena.get("/api/v1/work/file").json()["text"]
    assert f"id: {made.pk}" in text
    bad = post(lena, "/api/v1/work/file", {"text": "initiatives:\n- {title: X, team: core}\n"})
    assert bad.status_code == 422 and bad.json()["message"] == (
        "work.yaml:2: initiatives[0].dri: dri is required"
    )
    renamed = text.replace("title: Ledger v2", "title: Mine now")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("work.yaml", renamed.encode(), content_type="application/yaml")
    with clock.frozen(T0):
        answer = sign_in("pia").post("/work/import/", {"file": upload}, follow=True)
    assert b"only its DRI, core&#x27;s lead or staff may change initiative" in answer.content
    made.refresh_from_db()
    assert made.title == "Ledger v2"
    upload = SimpleUploadedFile("work.yaml", renamed.encode(), content_type="application/yaml")
    with clock.frozen(T0):
        answer = lena.post("/work/import/", {"file": upload}, follow=True)
    assert b"0 created, 1 updated" in answer.content
    made.refresh_from_db()
    assert made.title == "Mine now"
    assert lena.get("/work/work.yaml")["Content-Disposition"] == 'attachment; filename="work.yaml"'


def test_every_api_write_answers_an_outsider_403_not_404(org):
    """Each route is reached (none shadowed by another) and refuses pia, who is not in core."""
    with clock.frozen(T0):
        made = service.add_initiative(
            service.Draft("Base", "core", "ana", criteria=["x"], progress_teams=["core"]),
            who("lena"),
        )
    from sunrelay.work import capacity

    with clock.frozen(T0):
        signal = capacity.raise_signal("core", "bruno", "too much")
    pia = sign_in("pia")
    base = f"/api/v1/work/initiatives/{made.pk}"
    writes = [
        (base + "/start", {}),
        (base + "/people", {"person": "pia"}),
        (base + "/criteria/1", {}),
        (base + "/criteria", {"text": "mine"}),
        (base + "/links", {"components": ["web"]}),
        (base + "/target", {"target": "2027-01-01"}),
        (base + "/progress", {"team": "core", "state": "done"}),
        ("/api/v1/work/initiatives", {"title": "x", "team": "core", "dri": "pia"}),
        ("/api/v1/work/signals", {"team": "core", "note": "x"}),
        (f"/api/v1/work/signals/{signal.pk}/respond", {"response": "resequence"}),
        ("/api/v1/work/teams/core/valves/by-hand/open", {}),
    ]
    for url, body in writes:
        answer = post(pia, url, body)
        assert answer.status_code == 403, (url, answer.content)
