"""The hub's directory pages, as a signed-in person sees them."""

import re

import pytest
from django.contrib.auth import get_user_model

from sunrelay.core import clock
from sunrelay.people import service as people
from sunrelay.people.models import Absence
from sunrelay.worktime import parse_instant
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, demo):
    user = get_user_model().objects.create_user("viewer", password="pw-for-tests-only")
    client.force_login(user)
    return client


def test_pages_need_sign_in(client, demo):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_sign_in_page_works(client, db):
    get_user_model().objects.create_user("sam", password="correct horse battery")
    assert client.get("/login/").status_code == 200
    wrong = client.post("/login/", {"username": "sam", "password": "nope"})
    assert "do not match" in wrong.content.decode()
    right = client.post("/login/", {"username": "sam", "password": "correct horse battery"})
    assert right.status_code == 302


def test_sign_in_is_throttled_after_five_wrong_passwords(client, db):
    """100 wrong passwords then the right one used to work; now the fifth failure locks the
    user name from that address, and the right password is refused too (429)."""
    get_user_model().objects.create_user("sam", password="correct horse battery")
    answers = [client.post("/login/", {"username": "sam", "password": "guess"}) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    locked = client.post("/login/", {"username": "sam", "password": "correct horse battery"})
    assert locked.status_code == 429 and "Too many sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    other = client.post(
        "/login/", {"username": "sam", "password": "correct horse battery"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302  # another address is not locked out


def test_directory_lists_people_and_teams_and_searches(signed_in):
    page = signed_in.get("/directory/").content.decode()
    assert "Ana Lima" in page and "Platform APAC" in page and "15 people" in page
    partial = signed_in.get("/directory/?q=Kathmandu", HTTP_HX_REQUEST="true").content.decode()
    assert "Sagar Thapa" in partial and "Ana Lima" not in partial and "<html" not in partial
    assert "Nobody matches" in signed_in.get("/directory/?q=zzz").content.decode()


def test_the_directory_pages_its_teams(signed_in):
    for i in range(50):
        people.create_team({"id": f"zz-{i:02}", "name": f"Squad {i:02}"})
    first = signed_in.get("/directory/").content.decode()
    assert "56 teams · page 1 of 2" in first and "Platform APAC" in first
    assert "Squad 43" in first and "Squad 44" not in first and "?q=&teams=2#teams" in first
    second = signed_in.get("/directory/?teams=2").content.decode()
    assert "Squad 44" in second and "Squad 49" in second and "Platform APAC" not in second


def test_empty_directory_says_what_to_do(client, db):
    client.force_login(get_user_model().objects.create_user("v", password="x-123456789"))
    assert "sunrelay org import" in client.get("/directory/").content.decode()


def test_person_page_shows_local_time_hours_in_viewer_zone_and_absences(signed_in):
    with clock.frozen(parse_instant("2026-11-23T12:00Z")):
        page = signed_in.get("/people/sagar/?tz=Europe/Lisbon").content.decode()
    assert "Mon 17:45" in page  # Kathmandu is UTC+05:45
    assert "Working now" in page
    assert "Sun 04:15–Sun 12:15" in page  # Sagar's Sunday, seen from Lisbon (UTC in winter)
    with clock.frozen(parse_instant("2026-11-23T12:00Z")):
        ana = signed_in.get("/people/ana/").content.decode()
    assert "2026-12-21" in ana or "Dec. 21, 2026" in ana
    assert signed_in.get("/people/nobody/").status_code == 404


def test_absence_form_adds_and_rejects(demo):
    bruno = sign_in("bruno")
    bruno.post(
        "/people/bruno/absences/", {"from": "2027-02-01", "to": "2027-02-03", "reason": "trip"}
    )
    assert Absence.objects.filter(person__slug="bruno", source="web").count() == 1
    response = bruno.post(
        "/people/bruno/absences/", {"from": "2027-02-03", "to": "2027-02-01"}, follow=True
    )
    assert "before the first" in response.content.decode()
    assert Absence.objects.filter(person__slug="bruno").count() == 1
    absence = Absence.objects.get(person__slug="bruno")
    bruno.post(f"/people/bruno/absences/{absence.pk}/remove/")
    assert not Absence.objects.filter(person__slug="bruno").exists()


def test_only_the_person_their_leads_and_staff_change_absences(demo, signed_in):
    dates = {"from": "2027-02-01", "to": "2027-02-03"}
    for colleague in (signed_in, sign_in("mia"), sign_in("yuki")):  # not Bruno's lead
        page = colleague.post("/people/bruno/absences/", dates, follow=True).content.decode()
        assert "only bruno, the lead of one of their teams or staff" in page
    assert not Absence.objects.filter(person__slug="bruno").exists()
    sign_in("olivia").post("/people/bruno/absences/", dates)  # leads Mobile, Bruno's team
    absence = Absence.objects.get(person__slug="bruno")
    sign_in("mia").post(f"/people/bruno/absences/{absence.pk}/remove/")
    assert Absence.objects.filter(pk=absence.pk).exists()
    sign_in("boss", staff=True).post(f"/people/bruno/absences/{absence.pk}/remove/")
    assert not Absence.objects.filter(pk=absence.pk).exists()


def test_team_page_has_a_timeline_row_per_member_and_the_overlap(signed_in):
    with clock.frozen(parse_instant("2026-11-23T13:00Z")):
        page = signed_in.get("/teams/payments/?tz=UTC&date=2026-11-23").content.decode()
    rows = re.findall(r'data-person="([^"]+)" data-online="(true|false)"', page)
    assert sorted(rows) == [("ana", "true"), ("bruno", "true"), ("chloe", "true"), ("mia", "false")]
    assert page.count('class="work"') >= 4
    assert "daily overlap: 0 min" in page  # Sydney and São Paulo never meet


def test_team_page_for_pods_shows_the_chain(signed_in):
    page = signed_in.get("/teams/platform/?tz=Asia/Tokyo&date=2026-11-25").content.decode()
    assert "Follow-the-sun chain" in page and "platform-apac" in page


def test_on_a_weekend_the_team_page_shows_the_next_working_day(signed_in):
    with clock.frozen(parse_instant("2026-11-28T12:00Z")):  # a Saturday
        page = signed_in.get("/teams/platform/?tz=Asia/Tokyo").content.decode()
        asked = signed_in.get("/teams/platform/?tz=Asia/Tokyo&date=2026-11-28").content.decode()
    assert "Sat 28 Nov is not a working day for this team" in page
    assert "Working hours on Mon 30 Nov 2026" in page
    assert "Follow-the-sun chain" in page and "platform-apac" in page  # not an empty chain
    # a weekend asked for by date is shown as asked
    assert "Working hours on Sat 28 Nov 2026" in asked and "not a working day" not in asked


def test_components_page(signed_in):
    page = signed_in.get("/components/").content.decode()
    assert "Ledger" in page and "critical" in page and "Runbook" in page


def test_the_components_page_is_searched_and_paged(signed_in):
    for i in range(60):
        people.create_component({"id": f"svc-{i:02}", "name": f"Service {i:02}", "owner": "mobile"})
    first = signed_in.get("/components/").content.decode()
    assert "66 components · page 1 of 2" in first and "Service 43" in first
    assert "Service 44" not in first and "Mobile app" in first and "?q=&page=2" in first
    second = signed_in.get("/components/?page=2").content.decode()
    assert "Service 44" in second and "Service 59" in second and "Mobile app" not in second
    # by team, system or name; as the search box asks it (a fragment)
    money = signed_in.get("/components/?q=money", HTTP_HX_REQUEST="true").content.decode()
    assert "Ledger" in money and "Checkout API" in money and "Service" not in money
    assert "<h1>" not in money
    assert "2 components" in money
    nothing = signed_in.get("/components/?q=zzz").content.decode()
    assert "No component matches “zzz”." in nothing


def test_the_admin_is_read_only_for_the_directory(client, demo):
    admin = get_user_model().objects.create_superuser("root", "r@x.test", "pw-123456789")
    client.force_login(admin)
    assert client.get("/admin/people/person/").status_code == 200
    assert client.get("/admin/people/person/add/").status_code == 403


def test_the_team_page_shows_its_charter_and_a_person_page_what_their_roles_mean(demo):
    from tests.conftest import sign_in as signed

    ana = signed("ana")
    team = ana.get("/teams/payments/").content.decode()
    person = ana.get("/people/ana/").content.decode()
    assert 'data-testid="charter"' in team and "Payments moves money" in team
    assert "Hires, grows and unblocks the team" in person
