"""GitHub's webhook at a source's secret URL: signatures, repeats, what is kept and refused."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
from django.test import Client

from sunrelay.delivery import service
from sunrelay.delivery.ingest import github
from sunrelay.delivery.models import Event, Push, PushCommit, Source
from sunrelay.demo import webhooks as P
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
T = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_githubs_own_test_vector():
    """docs.github.com, "Validating webhook deliveries": this secret and body give this
    signature."""
    secret, body = "It's a Secret to Everybody", b"Hello, World!"
    header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert github.sign(secret, body) == header
    assert github.signature_ok(secret, body, header)
    assert not github.signature_ok(secret, body + b" ", header)
    assert not github.signature_ok("another secret", body, header)
    assert not github.signature_ok(secret, body, None)
    assert not github.signature_ok(secret, body, "sha1=" + header[7:])


def post(url: str, event: str, payload: object, secret: str | None, delivery: str = "g-1"):
    body = json.dumps(payload).encode()
    headers = {"HTTP_X_GITHUB_EVENT": event, "HTTP_X_GITHUB_DELIVERY": delivery}
    if secret is not None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = github.sign(secret, body)
    return Client().post(url, body, content_type="application/json", **headers)


@pytest.fixture
def source():
    made = service.create_source("github", "GitHub (acme)")
    return made.url.split("localhost:8000", 1)[1], made.signing_secret


def test_a_signed_delivery_is_kept_once(source):
    url, secret = source
    payload = P.push("acme/ledger", "refs/heads/main", [P.commit("1" * 40, T, "a@x.io", "ana")], T)
    first = post(url, "push", payload, secret)
    assert first.status_code == 202 and first.json() == {
        "stored": True,
        "duplicate": False,
        "ignored": "",
    }
    again = post(url, "push", payload, secret)  # GitHub's redelivery keeps the delivery id
    assert again.status_code == 202 and again.json()["duplicate"] is True
    assert Event.objects.count() == 1 and PushCommit.objects.count() == 1
    assert Source.objects.get().last_received_at is not None


def test_a_missing_or_wrong_signature_is_refused_and_nothing_kept(source):
    url, secret = source
    payload = P.push("acme/ledger", "refs/heads/main", [P.commit("1" * 40, T, "a@x.io", "ana")], T)
    missing = post(url, "push", payload, None)
    assert missing.status_code == 401
    assert missing.json()["code"] == "bad_signature"
    assert missing.json()["field"] == "X-Hub-Signature-256"
    assert post(url, "push", payload, "guessed").status_code == 401
    assert post(url.replace("/github/", "/github/x"), "push", payload, secret).status_code == 404
    assert Event.objects.count() == 0


def test_a_push_with_no_commits_and_no_head_commit_is_kept(source):
    """A deleted branch: ``commits`` empty, ``head_commit`` null, ``after`` all zeros."""
    url, secret = source
    payload = P.push("acme/ledger", "refs/heads/old", [], T, before="f" * 40)
    assert payload["head_commit"] is None
    assert post(url, "push", payload, secret).status_code == 202
    push = Push.objects.get()
    assert (push.head, push.head_at, push.pushed_at) == ("", None, T)
    assert Event.objects.get().occurred_at is None  # Four Keys would not store it


def test_pings_and_unread_events_are_answered_not_kept(source):
    url, secret = source
    ping = post(url, "ping", {"zen": "Keep it logically awesome.", "hook_id": 1}, secret)
    assert ping.status_code == 202 and ping.json()["ignored"] == "ping"
    star = post(url, "star", {"action": "created"}, secret)
    assert star.status_code == 202 and star.json()["ignored"] == "star event is not read"
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("event", "payload", "field"),
    [
        ("push", [], "payload"),
        ("push", {"ref": "refs/heads/main"}, "repository"),
        ("pull_request", {"action": "opened", "repository": {"full_name": "a/b"}}, "pull_request"),
        (
            "deployment_status",
            {"deployment_status": {"id": 1, "state": "success", "created_at": "yesterday",
                                   "updated_at": "2026-03-02T09:00:00Z"},
             "deployment": {"id": 2, "sha": "abc", "environment": "production",
                            "created_at": "2026-03-02T09:00:00Z"},
             "repository": {"full_name": "a/b"}},
            "deployment_status.created_at",
        ),
    ],
)  # fmt: skip
def test_a_misshapen_payload_is_refused_naming_the_field(source, event, payload, field):
    url, secret = source
    answer = post(url, event, payload, secret)
    assert answer.status_code == 422, answer.content
    assert answer.json()["field"] == field
    assert Event.objects.count() == 0


def test_the_delivery_id_is_required(source):
    url, secret = source
    body = json.dumps(P.push("a/b", "refs/heads/main", [], T)).encode()
    answer = Client().post(
        url,
        body,
        content_type="application/json",
        HTTP_X_GITHUB_EVENT="push",
        HTTP_X_HUB_SIGNATURE_256=github.sign(secret, body),
    )
    assert answer.status_code == 422 and answer.json()["field"] == "X-GitHub-Delivery"


def test_the_signing_secret_is_shown_once_and_never_logged(caplog, writer, reader):
    caplog.set_level(logging.DEBUG)
    made = writer.post("/api/v1/delivery/sources", {"id": "gh"}, content_type="application/json")
    assert made.status_code == 201
    secret = made.json()["secret"]
    assert made.json()["url"].startswith("http://localhost:8000/api/v1/delivery/github/")
    listed = reader.get("/api/v1/delivery/sources").json()
    assert listed == [{"id": "gh", "name": "gh", "last_received_at": None}]
    assert secret not in json.dumps(listed) and secret not in caplog.text
    refused = reader.post("/api/v1/delivery/sources", {"id": "x"}, content_type="application/json")
    assert refused.status_code == 403


def test_only_staff_add_a_source_from_the_hub(demo):
    ana = sign_in("ana")  # a team lead, not staff
    answer = ana.post("/api/v1/delivery/sources", {"id": "x"}, content_type="application/json")
    assert answer.status_code == 403 and not Source.objects.exists()
    boss = sign_in("boss", staff=True)
    made = boss.post("/api/v1/delivery/sources", {"id": "x"}, content_type="application/json")
    assert made.status_code == 201


def test_rotating_a_source_retires_its_url_and_secret(source, writer, reader):
    url, secret = source
    payload = P.push("acme/ledger", "refs/heads/main", [P.commit("1" * 40, T, "a@x.io", "ana")], T)
    made = writer.post("/api/v1/delivery/sources/github/rotate")
    assert made.status_code == 200
    new_url = made.json()["url"].split("localhost:8000", 1)[1]
    new_secret = made.json()["secret"]
    assert post(url, "push", payload, secret).status_code == 404  # the old address is gone
    assert post(new_url, "push", payload, secret).status_code == 401  # so is the old secret
    assert post(new_url, "push", payload, new_secret).status_code == 202
    assert reader.post("/api/v1/delivery/sources/github/rotate").status_code == 403
    assert writer.post("/api/v1/delivery/sources/nope/rotate").status_code == 404
