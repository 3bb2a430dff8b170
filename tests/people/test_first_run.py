"""The first hour: the sign-in `make run` prints is nobody in the directory; the hub leads it
to say who it is (or, for staff, to claim someone), staff link and invite others."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sunrelay.core.errors import PermissionDenied
from sunrelay.people import service
from sunrelay.people.models import Organization, Person
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(demo) -> Client:
    """What `make run` prints: a superuser called admin, in no directory entry."""
    user = get_user_model().objects.create_superuser("admin", "admin@localhost", "pw-123456789")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", ["/cadence/one-on-ones/", "/cadence/calendar/", "/notifications/"])
def test_pages_that_need_a_person_lead_to_setup_not_a_422(admin, page):
    answer = admin.get(page)
    assert answer.status_code == 302
    assert answer["Location"] == "/setup/?next=" + page.replace("/", "%2F")
    setup = admin.get(answer["Location"]).content.decode()
    assert "Tell Sunrelay who you are first" in setup and "Set up Sunrelay" in setup


def test_the_first_admin_names_the_organisation_and_adds_themselves(admin):
    admin.post("/setup/", {"action": "organization", "organization": "Acme Robotics"})
    assert Organization.objects.get().name == "Acme Robotics"
    refused = admin.post(
        "/setup/",
        {"action": "create", "id": "Sam", "name": "", "timezone": "Europe/Berlin"},
        follow=True,
    ).content.decode()
    assert "name: &#x27;name&#x27; cannot be empty" in refused  # the field, named
    assert 'value="Sam"' in refused  # what was typed is kept
    done = admin.post(
        "/setup/",
        {
            "action": "create",
            "id": "sam",
            "name": "Sam Okoro",
            "email": "sam@acme.test",
            "timezone": "Europe/Berlin",
            "working_hours": "08:00-16:00",
            "workdays": ["mon", "tue", "wed", "thu"],
            "next": "/cadence/one-on-ones/",
        },
    )
    assert done.status_code == 302 and done["Location"] == "/cadence/one-on-ones/"
    sam = Person.objects.get(slug="sam")
    assert sam.user.get_username() == "admin" and sam.timezone == "Europe/Berlin"
    assert sam.working_hours == dict.fromkeys(("mon", "tue", "wed", "thu"), "08:00-16:00")
    assert admin.get("/cadence/one-on-ones/").status_code == 200
    assert not service.first_run()
    # once linked, setup says who you are and sends you on
    again = admin.get("/setup/?next=/decisions/")
    assert again.status_code == 302 and again["Location"] == "/decisions/"


def test_staff_may_claim_an_existing_person_and_nobody_else_may(admin, demo):
    admin.post("/setup/", {"action": "claim", "person": "ana"})
    assert Person.objects.get(slug="ana").user.get_username() == "admin"
    stranger = Client()
    stranger.force_login(get_user_model().objects.create_user("drifter", password="pw-1234567"))
    page = stranger.post("/setup/", {"action": "claim", "person": "bruno"}, follow=True)
    assert "only staff" in page.content.decode()
    assert Person.objects.get(slug="bruno").user is None
    # a setup page never sends anyone off the site
    assert stranger.get("/setup/?next=//evil.test/").context["next"] == "/"


def test_staff_link_a_sign_in_and_invite_someone_who_chooses_a_password(admin, demo):
    get_user_model().objects.create_user("b.costa", password="pw-1234567")
    admin.post("/people/bruno/link/", {"username": "b.costa"})
    assert Person.objects.get(slug="bruno").user.get_username() == "b.costa"
    page = admin.post("/people/chloe/invite/", follow=True).content.decode()
    [link] = re.findall(r"http://localhost:8000(/invite/[^/]+/[^/ ]+/)", page)
    invited = Client()
    assert "Choose the password" in invited.get(link, follow=True).content.decode()
    chosen = invited.post(
        invited.get(link)["Location"],
        {"new_password1": "a long enough pass", "new_password2": "a long enough pass"},
    )
    assert chosen["Location"] == "/login/?invited=1"
    signed = invited.post("/login/", {"username": "chloe", "password": "a long enough pass"})
    assert signed.status_code == 302
    assert "cannot be used" in invited.get(link, follow=True).content.decode()  # once only
    with pytest.raises(PermissionDenied):
        service.invite("mia", by="bruno")
    refused = admin.post("/people/chloe/invite/", follow=True).content.decode()
    assert "has chosen a password already" in refused


def test_every_page_says_when_a_sign_in_is_nobody_yet(admin):
    page = admin.get("/decisions/").content.decode()
    assert 'data-testid="not-linked"' in page
    assert 'data-testid="not-linked"' not in sign_in("ana").get("/decisions/").content.decode()
