"""Adding, changing and removing people, teams and components in the hub: staff, team leads
for their teams, a person for their own hours; and never what the team's org file keeps."""

from __future__ import annotations

import pytest

from sunrelay.core.errors import PermissionDenied
from sunrelay.people import orgfile, service
from sunrelay.people.errors import KeptInFile
from sunrelay.people.models import Component, Person, Team
from tests.conftest import DEMO, sign_in

pytestmark = pytest.mark.django_db

NEW = {
    "id": "zoe",
    "name": "Zoë Ng",
    "email": "zoe@acme.test",
    "timezone": "Asia/Singapore",
    "working_hours": "09:00-17:00",
    "workdays": ["mon", "tue", "wed", "thu", "fri"],
    "holidays": "SG",
    "roles": "engineer",
}


def test_staff_add_edit_and_remove_a_person_in_the_hub(demo):
    boss = sign_in("boss", staff=True)
    made = boss.post("/directory/add-person/", NEW)
    assert made.status_code == 302 and made["Location"] == "/people/zoe/"
    zoe = Person.objects.get(slug="zoe")
    assert zoe.timezone == "Asia/Singapore" and zoe.roles == ["engineer"]
    assert zoe.working_hours == dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "09:00-17:00")
    boss.post("/people/zoe/edit/", {**NEW, "working_hours": "10:00-18:00", "workdays": ["mon"]})
    assert Person.objects.get(slug="zoe").working_hours == {"mon": "10:00-18:00"}
    bad = boss.post("/people/zoe/edit/", {**NEW, "timezone": "Mars/Olympus"})
    assert bad.status_code == 200 and "timezone" in bad.content.decode()  # named, kept
    boss.post("/people/zoe/edit/", {**NEW, "github": "zoe-ng", "emails": "zoe@home.example"})
    zoe = Person.objects.get(slug="zoe")
    assert (zoe.github, zoe.emails) == ("zoe-ng", ["zoe@home.example"])
    taken = boss.post("/people/zoe/edit/", {**NEW, "github": "analima"})  # Ana's login
    assert taken.status_code == 200 and "already person" in taken.content.decode()
    assert Person.objects.get(slug="zoe").github == "zoe-ng"
    boss.post("/people/zoe/remove/")
    assert not Person.objects.filter(slug="zoe").exists()


def test_a_lead_adds_people_to_their_team_and_a_member_edits_only_their_own_hours(demo):
    ana = sign_in("ana")  # leads payments
    ana.post("/directory/add-person/", {**NEW, "team": "payments"})
    assert Team.objects.get(slug="payments").members.filter(slug="zoe").exists()
    refused = ana.post("/directory/add-person/", {**NEW, "id": "zed", "team": "mobile"})
    assert "only staff, or the lead" in refused.content.decode()
    assert not Person.objects.filter(slug="zed").exists()
    mia = sign_in("mia")  # a member of payments, not its lead
    own = Person.objects.get(slug="mia")
    mine = {**NEW, "name": own.name, "email": own.email, "timezone": "Europe/London",
            "holidays": own.holidays, "roles": " ".join(own.roles),
            "github": own.github}  # fmt: skip
    mia.post("/people/mia/edit/", mine)
    assert Person.objects.get(slug="mia").timezone == "Europe/London"
    mia.post("/people/mia/edit/", {**mine, "roles": "staff-engineer manager"})
    assert Person.objects.get(slug="mia").roles == own.roles  # roles are the lead's call
    mia.post("/people/bruno/edit/", {**mine, "name": "Bruno?"})
    assert Person.objects.get(slug="bruno").name == "Bruno Costa"
    with pytest.raises(PermissionDenied):
        service.delete_person("bruno", by="mia")


def test_teams_pods_and_components_follow_their_leads(demo):
    lead = sign_in("chloe")  # leads platform, whose pods sit under it
    lead.post("/directory/add-team/", {"id": "platform-ops", "name": "Ops", "parent": "platform"})
    assert Team.objects.get(slug="platform-ops").parent.slug == "platform"
    lead.post("/directory/add-team/", {"id": "rogue", "name": "Rogue"})
    assert not Team.objects.filter(slug="rogue").exists()  # a top-level team is staff's
    lead.post(
        "/teams/platform-ops/edit/",
        {"name": "Operations", "lead": "chloe", "members": "tomas rafael", "parent": "platform"},
    )
    ops = Team.objects.get(slug="platform-ops")
    assert ops.name == "Operations" and {m.slug for m in ops.members.all()} == {"tomas", "rafael"}
    lead.post("/directory/add-component/", {"id": "edge", "name": "Edge", "owner": "platform"})
    assert Component.objects.get(slug="edge").owner.slug == "platform"
    sign_in("olivia").post("/components/edge/remove/")
    assert Component.objects.filter(slug="edge").exists()  # not olivia's team's
    lead.post("/components/edge/remove/")
    lead.post("/teams/platform-ops/remove/")
    assert not Component.objects.filter(slug="edge").exists()
    assert not Team.objects.filter(slug="platform-ops").exists()


def test_what_the_org_file_keeps_is_changed_in_the_file_only(demo):
    service.import_org(orgfile.parse(DEMO.read_text()), source="org.yaml")
    boss = sign_in("boss", staff=True)
    page = boss.get("/people/bruno/edit/").content.decode()
    assert 'data-testid="kept-in-file"' in page and "People are kept in org.yaml" in page
    refused = boss.post("/people/bruno/edit/", {**NEW, "name": "B. Costa"}).content.decode()
    assert "a change made here would be undone by that import" in refused
    assert Person.objects.get(slug="bruno").name == "Bruno Costa"
    with pytest.raises(KeptInFile) as kept:
        service.create_component({"id": "x", "name": "X"}, by="boss")
    assert kept.value.field == "components" and kept.value.status == 409
    # an import that leaves teams out hands them back to the hub
    spec = orgfile.parse(DEMO.read_text())
    spec.sections = frozenset({"people", "components"})
    service.import_org(spec, source="org.yaml")
    boss.post("/directory/add-team/", {"id": "data", "name": "Data"})
    assert Team.objects.filter(slug="data").exists()
