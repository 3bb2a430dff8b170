"""Credentials in addresses never reach the log."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime

import pytest

from sunrelay.core.logs import RedactSecrets


@pytest.fixture
def log_text():
    """What the configured console handler writes, captured."""
    [handler] = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecrets) for f in h.filters)
    ]
    stream, previous = io.StringIO(), handler.stream
    handler.stream = stream  # not setStream: it would flush a stream pytest may have closed
    yield stream
    handler.stream = previous


def test_secret_addresses_are_redacted_in_request_lines(client, db, log_text):
    client.post("/api/v1/oncall/intake/intake-secret-123", "{}", content_type="application/json")
    client.get("/oncall/link/one-time-token-456")
    client.get("/cadence/calendar/feed-token-789.ics")
    text = log_text.getvalue()
    assert "intake/[redacted]" in text and "calendar/[redacted].ics" in text
    for secret in ("intake-secret-123", "one-time-token-456", "feed-token-789"):
        assert secret not in text


def test_a_traceback_is_redacted_too(log_text):
    try:
        raise RuntimeError("failed on /oncall/link/one-time-token-456")
    except RuntimeError:
        logging.getLogger("django.request").exception(
            "Internal Server Error: %s", "/oncall/link/one-time-token-456"
        )
    text = log_text.getvalue()
    assert "RuntimeError" in text and "one-time-token-456" not in text


def test_an_outbound_webhook_address_never_reaches_the_log(demo, log_text):
    """A Slack incoming-webhook address is a credential: its path is the secret. The HTTP
    client logs every request it makes, at INFO, with the full address."""
    from sunrelay.core import clock
    from sunrelay.notify import outbox, service
    from sunrelay.people.models import Person
    from tests.receivers import http_receiver

    root = logging.getLogger()
    level, root.level = root.level, logging.INFO
    try:
        with http_receiver() as receiver:
            secret = receiver.url.replace("/hook", "/services/T0001/B0002/slack-secret-xyz")
            chloe = Person.objects.get(slug="chloe")
            service.set_preferences(chloe, routes={"status": ["slack"]}, slack_webhook_url=secret)
            with clock.frozen(datetime(2026, 11, 23, 12, 0, tzinfo=UTC)):
                service.send("chloe", "status.digest", "Payments W48")
                assert outbox.dispatch_due().sent == 1
            assert len(receiver.accepted) == 1
    finally:
        root.level = level
    assert "slack-secret-xyz" not in log_text.getvalue()


def test_a_slack_webhook_address_is_redacted_as_text_and_as_an_address_object(log_text):
    from urllib3.util import parse_url

    address = "https://hooks.slack.com/services/T0001/B0002/slack-secret-abc"
    logging.getLogger("sunrelay.test").warning("could not post to %s", address)
    logging.getLogger("sunrelay.test").warning("POST %s -> %d", parse_url(address), 500)
    text = log_text.getvalue()
    assert text.count("hooks.slack.com/services/[redacted]") == 2 and "-> 500" in text
    assert "slack-secret-abc" not in text
