"""Real local servers for delivery tests: an SMTP server (aiosmtpd) and an HTTP receiver."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from sunrelay.integrations import outbound


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[tuple[str, list[Message]]]:
    """An SMTP server on 127.0.0.1; yields its ``SMTP_URL`` and the messages it accepted."""
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", inbox.messages
    finally:
        controller.stop()


@dataclass
class Receiver:
    """What an HTTP receiver saw; it answers 503 to its first ``failures`` requests."""

    failures: int = 0
    url: str = ""
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def http_receiver(failures: int = 0) -> Iterator[Receiver]:
    seen = Receiver(failures)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.requests.append((dict(self.headers.items()), body))
            if seen.failures:
                seen.failures -= 1
                self.send_response(503)
            else:
                seen.accepted.append(json.loads(body))
                self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    seen.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    outbound.allow(["127.0.0.1/32"])  # as SUNRELAY_OUTBOUND_ALLOW does for a local receiver
    try:
        yield seen
    finally:
        outbound.allow([])
        server.shutdown()
        server.server_close()
