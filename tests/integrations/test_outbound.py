"""Outbound HTTP goes to the public internet only, through one pooled client, and failures
are described without socket details."""

from __future__ import annotations

import socket

import pytest

from sunrelay.core.errors import ValidationFailed
from sunrelay.integrations import outbound
from sunrelay.integrations.slack import webhook as slack
from sunrelay.notify import outbox, service
from sunrelay.notify.models import Notification
from sunrelay.people.models import Person
from tests.receivers import free_port, http_receiver

INTERNAL = [
    "http://127.0.0.1:9/hook",
    "http://localhost:9/hook",
    "http://[::1]:9/hook",
    "http://10.1.2.3/hook",
    "http://192.168.1.1/hook",
    "http://172.16.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[::ffff:127.0.0.1]:9/hook",
    "http://0.0.0.0:9/hook",
]


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_targets_are_refused_when_saved(demo, url):
    with pytest.raises(ValidationFailed) as refused:
        service.set_preferences(Person.objects.get(slug="chloe"), webhook_url=url)
    assert refused.value.field == "webhook_url"
    assert "not on the public internet" in refused.value.message


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_name_resolving_inside_is_refused_where_it_connects(monkeypatch, scheme):
    """The check is on the address the socket connects to, so a public-looking name that
    resolves (or rebinds) to loopback is refused at sending time, not only when saved."""
    with http_receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        outbound.allow([])  # the receiver is on loopback: not allowed now
        real = socket.getaddrinfo
        monkeypatch.setattr(
            socket,
            "getaddrinfo",
            lambda host, *a, **k: (
                real("127.0.0.1", *a, **k) if host == "hooks.acme.test" else real(host, *a, **k)
            ),
        )
        with pytest.raises(outbound.Blocked):
            slack.post(f"{scheme}://hooks.acme.test:{port}/hook", {"text": "x"})
        assert receiver.requests == []


def test_an_allowed_network_is_reached_and_the_client_is_reused():
    with http_receiver() as receiver:  # allows 127.0.0.1/32, as SUNRELAY_OUTBOUND_ALLOW would
        slack.post(receiver.url, {"text": "one"})
        slack.post(receiver.url, {"text": "two"})
    assert [r["text"] for r in receiver.accepted] == ["one", "two"]
    assert outbound.client() is outbound.client()


def test_delivery_errors_do_not_tell_which_ports_are_open(demo):
    """The inbox used to show "connection refused" for a closed port and a timeout for a
    filtered one; now both read the same, and the URL (a secret for Slack) is never shown."""
    outbound.allow(["127.0.0.1/32"])
    try:
        chloe = Person.objects.get(slug="chloe")
        closed = f"http://127.0.0.1:{free_port()}/hook?token=s3cret"
        service.set_preferences(chloe, webhook_url=closed, routes={"*": ["webhook"]})
        n = service.send(chloe, "notify.manual", "Hello", "", urgent=True)
        outbox.dispatch_due()
    finally:
        outbound.allow([])
    n = Notification.objects.get(pk=n.pk)
    assert n.last_error == "webhook: could not deliver: the receiver did not answer"
    assert "s3cret" not in n.last_error and "refused" not in n.last_error.lower()
