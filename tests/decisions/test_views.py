"""The hub's decision pages as people see them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sunrelay.core import clock
from sunrelay.decisions import review, service, sync
from sunrelay.decisions.models import Record
from tests.conftest import FIXTURES, sign_in

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def ana(demo) -> Client:
    return sign_in("ana")


def test_log_filters_searches_and_has_an_empty_state(ana):
    assert "No records match" in ana.get("/decisions/").content.decode()
    sync.import_folder(FIXTURES / "adr" / "messy")
    page = ana.get("/decisions/").content.decode()
    assert "Choose a message broker" in page and "“✅ Approved”" in page
    partial = ana.get("/decisions/?q=grpc", HTTP_HX_REQUEST="true").content.decode()
    assert "Use gRPC internally" in partial and "message broker" not in partial
    assert "<html" not in partial
    proposed = ana.get("/decisions/?status=proposed").content.decode()
    assert "Use gRPC internally" in proposed and "Enforce WIP limits" not in proposed


def test_write_a_record_with_errors_named_then_saved(ana):
    bad = ana.post("/decisions/new/", {"title": "  ", "kind": "adr", "body": "x"})
    assert bad.status_code == 422 and "title: a record needs a title" in bad.content.decode()
    good = ana.post(
        "/decisions/new/",
        {
            "title": "Adopt OpenTelemetry",
            "kind": "design-doc",
            "team": "platform",
            "tags": "observability, tracing",
            "components": ["ledger"],
            "body": "",
            "raci_consulted": ["yuki"],
            "raci_informed": ["mia"],
        },
    )
    record = Record.objects.get(title="Adopt OpenTelemetry")
    assert good["Location"] == f"/decisions/{record.pk}/"
    assert (record.dri.slug, record.kind, record.tags) == (
        "ana",
        "design-doc",
        ["observability", "tracing"],
    )
    assert "## Problem Statement" in record.body
    assert record.raci == {"consulted": ["yuki"], "informed": ["mia"]}
    form = ana.get(f"/decisions/{record.pk}/edit/").content.decode()
    assert '<option value="yuki" selected>' in form


def test_preview_renders_markdown_without_raw_html(ana):
    html = ana.post("/decisions/preview/", {"body": "## Why\n\n*now*<script>x()</script>"})
    text = html.content.decode()
    assert "<h2>Why</h2>" in text and "<em>now</em>" in text and "<script>" not in text


def test_record_page_shows_each_reviewers_deadline_in_their_zone_and_yours(ana):
    with clock.frozen(MONDAY_NOON):
        record = service.create_record({"title": "Split the ledger", "team": "payments"}, "ana")
        review.request_review(record.pk, "ana", reviewers=["yuki", "chloe"])
    page = ana.get(f"/decisions/{record.pk}/?tz=America/Sao_Paulo").content.decode()
    assert "Wed 25 Nov, 18:30" in page  # Yuki's deadline, Tokyo time
    assert "Wed 25 Nov, 06:30" in page  # the same instant for a viewer in São Paulo
    assert "Wed 25 Nov, 12:00" in page  # Chloé's, Lisbon time
    with clock.frozen(datetime(2026, 11, 26, tzinfo=UTC)):
        late = ana.get(f"/decisions/{record.pk}/").content.decode()
    assert late.count(">overdue<") == 2


def test_review_deadlines_are_said_as_dates_before_and_when_they_are_set(ana):
    """Payments' "2d" review period is two of each reviewer's working days: its calendar date
    is shown before review is requested and in the confirmation."""
    with clock.frozen(MONDAY_NOON):
        record = service.create_record({"title": "Split the ledger", "team": "payments"}, "ana")
        draft = ana.get(f"/decisions/{record.pk}/?tz=UTC").content.decode()
        done = ana.post(
            f"/decisions/{record.pk}/request_review/?tz=UTC",
            {"reviewers": ["yuki"]},
            follow=True,
        ).content.decode()
    assert "2 working days (2d) for ADRs in Payments, counted in their own working hours" in draft
    assert "a reviewer on your hours would have until Tue 24 Nov" in draft  # ana: São Paulo
    assert "Review requested. Due, in your time: Yuki Tanaka Wed 25 Nov 09:30 (in 45 h)" in (
        done
    ), done[done.find("messages") : done.find("messages") + 400]  # 18:30 in Tokyo


def test_buttons_act_as_the_signed_in_person_and_refuse_others(ana):
    record = service.create_record({"title": "Pin Python 3.11", "dri": "ana"}, "ana")
    ana.post(f"/decisions/{record.pk}/request_review/", {"reviewers": ["bruno"]})
    bruno = sign_in("bruno")
    bruno.post(f"/decisions/{record.pk}/comment/", {"body": "Why not 3.12?", "section": "Decision"})
    bruno.post(f"/decisions/{record.pk}/approve/", {"body": ""})
    refused = bruno.post(f"/decisions/{record.pk}/transition/", {"status": "accepted"}, follow=True)
    assert "only its DRI (ana)" in refused.content.decode()
    ana.post(f"/decisions/{record.pk}/transition/", {"status": "accepted", "note": "Agreed"})
    record.refresh_from_db()
    assert record.status == "accepted"
    kinds = list(record.events.values_list("kind", flat=True))
    assert kinds == ["created", "review_requested", "comment", "approved", "status"]


def test_waiting_on_me(ana):
    record = service.create_record({"title": "Retire the monolith", "dri": "bruno"}, "bruno")
    review.request_review(record.pk, "bruno", reviewers=["ana"])
    page = ana.get("/decisions/waiting/").content.decode()
    assert "Retire the monolith" in page
    stranger = Client()
    stranger.force_login(get_user_model().objects.create_user("visitor", password="pw"))
    assert "not linked to a person" in stranger.get("/decisions/waiting/").content.decode()


def test_only_the_dri_the_lead_and_staff_edit_decide_and_hand_over(demo):
    """A member could make themselves DRI and accept a colleague's record; now they are
    refused on every surface, and a hand-over of the DRI role is on the timeline."""
    record = service.create_record({"title": "Use Kafka", "team": "payments"}, "bruno")
    mia = sign_in("mia")  # in Payments, neither DRI nor lead
    page = mia.post(
        f"/decisions/{record.pk}/edit/", {"title": "Use Kafka", "kind": "adr", "dri": "mia"}
    )
    assert page.status_code == 422 and "only its DRI (bruno)" in page.content.decode()
    api = mia.patch(
        f"/api/v1/decisions/{record.pk}", {"dri": "mia"}, content_type="application/json"
    )
    assert api.status_code == 403 and api.json()["code"] == "not_the_dri"
    moved = mia.post(f"/decisions/{record.pk}/transition/", {"status": "deprecated"})
    assert moved.status_code == 302
    record.refresh_from_db()
    assert record.dri.slug == "bruno" and record.status == "draft"
    assert not record.events.filter(kind__in=["edited", "dri", "status"]).exists()

    sign_in("ana").post(  # Payments' lead hands the record to Mia
        f"/decisions/{record.pk}/edit/", {"title": "Use Kafka", "kind": "adr", "dri": "mia"}
    )
    record.refresh_from_db()
    handed = record.events.get(kind="dri")
    assert record.dri.slug == "mia" and handed.actor.slug == "ana"
    assert handed.data == {"frm": "bruno", "to": "mia"}
    assert (
        "from bruno to <strong>mia</strong>" in mia.get(f"/decisions/{record.pk}/").content.decode()
    )
    refused = sign_in("bruno").post(
        f"/decisions/{record.pk}/edit/", {"title": "Mine again", "kind": "adr", "dri": "bruno"}
    )
    assert refused.status_code == 422
    sign_in("root", staff=True).post(
        f"/decisions/{record.pk}/edit/", {"title": "Use Kafka", "kind": "adr", "dri": "bruno"}
    )
    record.refresh_from_db()
    assert record.dri.slug == "bruno"
