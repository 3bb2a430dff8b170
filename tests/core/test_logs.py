"""Credentials in addresses never reach the log."""

from __future__ import annotations

import io
import logging

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
