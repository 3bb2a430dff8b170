"""Every directory write goes through people.service: import, export and single writes."""

from datetime import date

import pytest

from sunrelay.core.errors import Conflict, ValidationFailed
from sunrelay.people import orgfile, service
from sunrelay.people.errors import AlreadyExists, PersonNotFound
from sunrelay.people.models import Absence, Component, Person, Team
from tests.conftest import DEMO, FIXTURES

pytestmark = pytest.mark.django_db


def test_import_creates_everything_and_reports_it(demo):
    assert "person ana" in demo.created and "team platform-apac" in demo.created
    assert Person.objects.count() == 15 and Team.objects.count() == 6
    apac = Team.objects.get(slug="platform-apac")
    assert apac.parent.slug == "platform" and apac.successor.slug == "platform-emea"
    assert sorted(m.slug for m in apac.members.all()) == ["liam", "noah", "sagar", "yuki"]
    assert Component.objects.get(slug="ledger").dri.slug == "ana"


def test_importing_the_same_file_twice_changes_nothing(demo):
    again = service.import_org(orgfile.parse(DEMO.read_text()))
    assert not again.changed, again.lines()


def test_export_then_import_is_lossless(demo):
    Absence.objects.create(
        person=Person.objects.get(slug="ana"),
        start=date(2027, 2, 1),
        end=date(2027, 2, 2),
        reason="added on the web",
        source="web",
    )
    exported = service.export_org()
    report = service.import_org(orgfile.parse(orgfile.dump(exported)))
    assert not report.changed, report.lines()
    assert service.export_org() == exported


def test_dry_run_reports_without_writing(db):
    report = service.import_org(orgfile.parse(DEMO.read_text()), dry_run=True)
    assert report.dry_run and len(report.created) > 20
    assert not Person.objects.exists()


def test_updates_and_removals_are_reported(demo):
    text = DEMO.read_text().replace(
        'working_hours: "10:00-19:00", holidays: BR', 'working_hours: "11:00-19:00", holidays: BR'
    )
    text = text.replace(
        "  - {id: design-system, name: Design system, owner: mobile, dri: sofia, "
        "maintainers: [sofia],\n     repos: [acme/design-system]}\n",
        "",
    )
    report = service.import_org(orgfile.parse(text))
    assert report.updated == ["person bruno (working_hours)"]
    assert report.removed == ["component design-system"]
    assert not Component.objects.filter(slug="design-system").exists()


def test_a_section_left_out_is_left_alone(demo):
    report = service.import_org(
        orgfile.parse(
            "version: 1\ncomponents:\n  - {id: ledger, name: Ledger v2, owner: payments}\n"
        )
    )
    assert report.removed == [
        f"component {c}"
        for c in sorted(
            ["api-gateway", "checkout-api", "design-system", "k8s-clusters", "mobile-app"]
        )
    ]
    assert Person.objects.count() == 15 and Team.objects.count() == 6


def test_import_is_all_or_nothing(demo):
    bad = orgfile.parse(
        "version: 1\ncomponents:\n  - {id: new, name: New, owner: payments}\n"
        "  - {id: bad, name: Bad, owner: nowhere}\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        service.import_org(bad)
    assert caught.value.field == "components[1].owner"
    assert not Component.objects.filter(slug="new").exists()
    assert Component.objects.count() == 6


def test_absences_from_the_file_are_synced_and_others_kept(demo):
    ana = Person.objects.get(slug="ana")
    service.add_absence("ana", date(2027, 3, 1), date(2027, 3, 2), "web", source="web")
    text = DEMO.read_text().replace(
        "  - {person: ana, from: 2026-12-21, to: 2026-12-31, reason: vacation}\n", ""
    )
    report = service.import_org(orgfile.parse(text))
    assert report.removed == ["absence ana 2026-12-21…2026-12-31"]
    assert list(ana.absences.values_list("reason", flat=True)) == ["web"]


def test_create_update_delete_person():
    person = service.create_person(
        {
            "id": "zoe",
            "name": "Zoe",
            "timezone": "Asia/Kolkata",
            "working_hours": "10:00-18:30",
            "holidays": "IN",
        }
    )
    assert person.working_hours["fri"] == "10:00-18:30"
    with pytest.raises(AlreadyExists):
        service.create_person({"id": "zoe", "name": "Z", "timezone": "UTC"})
    updated = service.update_person("zoe", {"workdays": ["mon", "tue"]})
    assert updated.working_hours == {"mon": "10:00-18:30", "tue": "10:00-18:30"}
    with pytest.raises(ValidationFailed) as caught:
        service.update_person("zoe", {"timezone": "Nowhere/Land"})
    assert caught.value.field == "timezone"
    assert Person.objects.get(slug="zoe").timezone == "Asia/Kolkata"
    service.delete_person("zoe")
    with pytest.raises(PersonNotFound):
        service.get_person("zoe")


def test_team_writes_check_references_and_cycles(demo):
    with pytest.raises(ValidationFailed) as caught:
        service.create_team({"id": "x", "name": "X", "members": ["ana", "ghost"]})
    assert caught.value.field == "members[1]"
    assert not Team.objects.filter(slug="x").exists()
    with pytest.raises(ValidationFailed, match="cycle"):
        service.update_team("platform", {"parent": "platform-apac"})
    team = service.update_team("payments", {"wip_limit": 4, "members": ["ana"]})
    assert team.wip_limit == 4 and [m.slug for m in team.members.all()] == ["ana"]


def test_absence_validation():
    service.create_person({"id": "al", "name": "Al", "timezone": "UTC"})
    with pytest.raises(ValidationFailed) as caught:
        service.add_absence("al", date(2026, 5, 2), date(2026, 5, 1))
    assert caught.value.field == "to"
    with pytest.raises(PersonNotFound):
        service.add_absence("nobody", date(2026, 5, 1), date(2026, 5, 1))


def test_ics_import_is_idempotent_and_reports_skips(demo):
    data = (FIXTURES / "out-of-office.ics").read_bytes()
    report = service.import_absences_ics("ana", data)
    got = {
        (a.start.isoformat(), a.end.isoformat(), a.reason)
        for a in Absence.objects.filter(person__slug="ana", source="ics")
    }
    assert got == {
        ("2026-12-21", "2027-01-01", "Vacation"),  # DTEND of an all-day event is exclusive
        ("2026-11-24", "2026-11-24", "Dentist"),
        ("2026-11-27", "2026-11-28", "Flight home"),  # 20:00 to 02:00 in São Paulo
    }
    assert len(report.created) == 3
    assert any("cancelled" in n for n in report.notes)
    assert any("recurring" in n for n in report.notes)
    again = service.import_absences_ics("ana", data)
    assert not again.changed


def test_ics_that_is_not_a_calendar_is_refused(demo):
    with pytest.raises(ValidationFailed) as caught:
        service.import_absences_ics("ana", b"hello")
    assert caught.value.field == "file"


MALFORMED = {
    "an unreadable date": "DTSTART;VALUE=DATE:2027XX05",
    "a date past 9999": "DTSTART;VALUE=DATE:99991231\r\nDTEND;VALUE=DATE:99991232",
    "a duration as its start": "DTSTART:P1D",
    "an end before its start": "DTSTART;VALUE=DATE:20270105\r\nDTEND;VALUE=DATE:20270101",
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_malformed_events_are_skipped_with_a_reason_on_every_surface(demo, kind, tmp_path, writer):
    """Each used to end in a TypeError (a 500 in the API, a traceback in the CLI) or in a
    guessed one-day absence."""
    good = "BEGIN:VEVENT\r\nUID:ok\r\nSUMMARY:Trip\r\nDTSTART;VALUE=DATE:20270301\r\nEND:VEVENT\r\n"
    bad = f"BEGIN:VEVENT\r\nUID:bad\r\nSUMMARY:OOO\r\n{MALFORMED[kind]}\r\nEND:VEVENT\r\n"
    data = (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Acme//OOO//EN\r\n{bad}{good}END:VCALENDAR\r\n"
    ).encode()
    report = service.import_absences_ics("ana", data)
    assert report.created == ["absence ana 2027-03-01…2027-03-01"]
    assert len(report.notes) == 1 and report.notes[0].startswith("skipped event bad 'OOO': ")

    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("ooo.ics", data, content_type="text/calendar")
    answer = writer.post("/api/v1/people/bruno/absences/ics", {"file": upload})
    assert answer.status_code == 200, answer.content

    (tmp_path / "ooo.ics").write_bytes(data)
    from typer.testing import CliRunner

    from sunrelay.cli.main import app

    result = CliRunner().invoke(app, ["absence", "import-ics", "mia", str(tmp_path / "ooo.ics")])
    assert result.exit_code == 0, result.output


def test_a_github_login_or_commit_address_belongs_to_one_person(db):
    service.create_person(
        {
            "id": "ana",
            "name": "Ana",
            "timezone": "UTC",
            "github": "ana-l",
            "email": "ana@acme.test",
            "emails": ["ana@home.example"],
        }
    )
    with pytest.raises(ValidationFailed) as caught:
        service.create_person({"id": "bo", "name": "Bo", "timezone": "UTC", "github": "Ana-L"})
    assert (caught.value.field, caught.value.message) == (
        "github",
        "'ana-l' is already person 'ana''s",
    )
    bo = service.create_person({"id": "bo", "name": "Bo", "timezone": "UTC"})
    with pytest.raises(ValidationFailed) as caught:
        service.update_person("bo", {"email": "ANA@home.example"})
    assert caught.value.field == "email"
    assert Person.objects.get(pk=bo.pk).email == ""
    service.update_person("ana", {"emails": ["ana@acme.test"]})  # their own, twice: fine
    assert Person.objects.get(slug="ana").emails == ["ana@acme.test"]


def test_a_repository_belongs_to_one_component(db):
    service.create_component({"id": "ledger", "name": "Ledger", "repos": ["acme/ledger"]})
    with pytest.raises(ValidationFailed) as caught:
        service.create_component({"id": "books", "name": "Books", "repos": ["ACME/ledger"]})
    assert caught.value.field == "repos"
    assert not Component.objects.filter(slug="books").exists()


def _initiative_led_by(slug: str) -> int:
    from sunrelay.work import service as work
    from sunrelay.work.logic import Draft

    return work.add_initiative(Draft(title="Ledger v2", team="payments", dri=slug), None).pk


def test_removing_someone_who_still_owns_work_is_refused_naming_it(demo, writer):
    """An initiative keeps its DRI: removing them used to end in Django's ProtectedError (a
    500 in the API, a traceback from `org import`). Now every surface says what is in the way
    and nothing changes."""
    _initiative_led_by("ana")
    with pytest.raises(Conflict) as caught:
        service.delete_person("ana")
    assert caught.value.message.startswith("cannot remove person 'ana': still referred to by ")
    assert "initiative #" in caught.value.message and "Ledger v2" in caught.value.message
    answer = writer.delete("/api/v1/people/ana")
    assert answer.status_code == 409
    assert answer.json()["code"] == "in_use" and "Ledger v2" in answer.json()["message"]

    text = DEMO.read_text()
    without_ana = orgfile.parse(text)
    without_ana.people = [p for p in without_ana.people if p.id != "ana"]
    for team in without_ana.teams:
        team.members = [m for m in team.members if m != "ana"]
    with pytest.raises(Conflict) as caught:
        service.import_org(without_ana)
    assert caught.value.field == "people"
    assert caught.value.message.startswith("cannot remove person 'ana': ")
    assert Person.objects.filter(slug="ana").exists()
    assert Person.objects.count() == 15


def test_once_the_work_is_handed_over_the_person_can_go(demo):
    from sunrelay.work import service as work
    from sunrelay.work.logic import Draft

    pk = _initiative_led_by("ana")
    work.update_initiative(pk, Draft(title="Ledger v2", team="payments", dri="bruno"), None)
    service.delete_person("ana")
    assert not Person.objects.filter(slug="ana").exists()
