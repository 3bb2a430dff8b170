"""The decisions API: contract, permissions, errors, search."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sunrelay.decisions import sync
from tests.conftest import FIXTURES


def post(client: Client, url: str, body: dict) -> tuple[int, dict]:
    response = client.post(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


@pytest.fixture
def drafted(demo, writer) -> dict:
    status, body = post(
        writer,
        "/api/v1/decisions",
        {
            "title": "Move checkout to event sourcing",
            "team": "payments",
            "dri": "ana",
            "components": ["checkout-api"],
            "tags": ["events"],
            "actor": "ana",
        },
    )
    assert status == 201, body
    return body


def test_create_review_approve_and_accept_through_the_api(drafted, writer):
    pk = drafted["id"]
    assert drafted["status"] == "draft" and drafted["label"] == "ADR-0001"
    status, body = post(
        writer,
        f"/api/v1/decisions/{pk}/review-requests",
        {"reviewers": ["yuki", "chloe"], "actor": "ana"},
    )
    assert status == 200 and body["status"] == "proposed"
    assert {r["person"] for r in body["reviewers"]} == {"yuki", "chloe"}
    assert all(r["due_at"] for r in body["reviewers"])
    for who in ("yuki", "chloe"):
        status, body = post(
            writer, f"/api/v1/decisions/{pk}/reviews", {"verdict": "approve", "actor": who}
        )
        assert status == 200
    status, body = post(
        writer,
        f"/api/v1/decisions/{pk}/transitions",
        {"status": "accepted", "note": "Approved by both", "actor": "ana"},
    )
    assert status == 200 and body["status"] == "accepted"
    kinds = [e["kind"] for e in body["events"]]
    assert kinds == ["created", "review_requested", "approved", "approved", "status"]


def test_a_verdict_is_given_in_the_words_reviews_are_returned_in(drafted, writer):
    pk = drafted["id"]
    status, body = post(
        writer,
        f"/api/v1/decisions/{pk}/review-requests",
        {"reviewers": ["yuki", "chloe", "mia"], "actor": "ana"},
    )
    answers = {"yuki": "approved", "chloe": "changes_requested", "mia": "approve"}
    for who, verdict in answers.items():
        status, body = post(
            writer,
            f"/api/v1/decisions/{pk}/reviews",
            {"verdict": verdict, "body": "Needs a rollback plan.", "actor": who},
        )
        assert status == 200, body
    states = {r["person"]: r["state"] for r in body["reviewers"]}
    assert states == {"yuki": "approved", "chloe": "changes_requested", "mia": "approved"}
    status, body = post(
        writer, f"/api/v1/decisions/{pk}/reviews", {"verdict": "lgtm", "actor": "yuki"}
    )
    assert (status, body["field"]) == (422, "verdict")
    assert "approved or changes_requested" in body["message"]


def test_errors_name_the_field(drafted, writer, reader):
    pk = drafted["id"]
    status, body = post(
        writer, f"/api/v1/decisions/{pk}/transitions", {"status": "accepted", "actor": "ana"}
    )
    assert (status, body["code"], body["field"]) == (409, "transition_not_allowed", "status")
    status, body = post(
        writer, "/api/v1/decisions", {"title": "x", "dri": "nobody", "actor": "ana"}
    )
    assert (status, body["field"]) == (422, "dri")
    status, body = post(writer, "/api/v1/decisions", {"title": "x"})
    assert (status, body["field"]) == (422, "actor")
    status, body = post(reader, "/api/v1/decisions", {"title": "x", "actor": "ana"})
    assert status == 403
    status, body = post(
        writer, f"/api/v1/decisions/{pk}/reviews", {"verdict": "approve", "actor": "bruno"}
    )
    assert (status, body["code"]) == (409, "transition_not_allowed")  # still a draft
    assert reader.get("/api/v1/decisions/999999").status_code == 404


def test_comments_thread(drafted, writer):
    pk = drafted["id"]
    status, question = post(
        writer,
        f"/api/v1/decisions/{pk}/comments",
        {"body": "What about replays?", "section": "Decision", "actor": "chloe"},
    )
    assert status == 201 and question["section"] == "Decision"
    status, answer = post(
        writer,
        f"/api/v1/decisions/{pk}/comments",
        {"body": "Snapshots every hour.", "reply_to": question["id"], "actor": "ana"},
    )
    assert (answer["kind"], answer["reply_to"]) == ("answer", question["id"])


def test_full_text_search_and_filters(demo, reader):
    sync.import_folder(FIXTURES / "adr" / "adr-tools")
    sync.import_folder(FIXTURES / "adr" / "madr2", log="payments")

    def found(query: str) -> list[str]:
        body = reader.get(f"/api/v1/decisions?{query}").json()
        return [item["title"] for item in body["items"]]

    assert found("q=postgresql") == ["Use PostgreSQL for the ledger"]
    assert found("q=partition") == ["Partition the ledger by month"]  # prefix of partitioning
    assert found("q=vacuum rows") == ["Partition the ledger by month"]  # every word, in the body
    assert sorted(found("q=ledger&status=superseded")) == [  # Kafka's body names the ledger
        "Use Kafka for payment events",
        "Use MySQL for the ledger",
    ]
    assert found("q=outbox&log=payments") == ["Use the outbox pattern for payment events"]
    assert found("q=zzzz") == []
    assert found("status=superseded") == [
        "Use MySQL for the ledger",  # newest number first
        "Use Kafka for payment events",
    ]
