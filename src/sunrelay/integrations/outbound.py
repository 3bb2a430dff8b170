"""The one HTTP client every outbound call uses (Slack, signed webhooks), on urllib3.

- **Only public addresses.** A URL a person types (their Slack or webhook URL) must not make
  the hub reach into its own network: loopback, private, link-local (cloud metadata),
  shared, multicast and reserved addresses are refused. The check runs on the address the
  socket actually connects to, after DNS, so a name that resolves to 127.0.0.1 (or rebinds
  to it between a check and the request) is refused as well. ``allow`` lets a self-hosted
  receiver through: ``SUNRELAY_OUTBOUND_ALLOW=10.0.0.0/8,hooks.internal``.
- **One client, reused.** Connections are pooled across deliveries: a new client per delivery
  cost 22 ms of CPU against 0.6 ms reused. urllib3's pool costs less than half of httpx's
  per request (0.43 ms against 0.95 ms of CPU to a local receiver), and a storm of pages
  is that many requests (ADR 27).
- **No redirects, no retries.** A redirect could point inside the network; the outbox
  retries on its own schedule.
- **Plain errors.** ``describe`` says what went wrong without socket details (no "connection
  refused" against "timed out" to map which ports are open).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    HTTPError,
    LocationValueError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    SSLError,
)
from urllib3.exceptions import TimeoutError as Timeout

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class DeliveryError(Exception):
    """An outbound request that did not succeed."""


class Blocked(DeliveryError):
    """The target is on a network Sunrelay does not send to."""


class Rejected(DeliveryError):
    """The receiver answered, with a status other than 2xx."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the receiver answered {status}")
        self.status = status


class Allowance:
    """Which otherwise blocked targets may be reached: networks and host names."""

    def __init__(self, entries: Iterable[str] = ()) -> None:
        self.networks: list[Network] = []
        self.hosts: set[str] = set()
        for entry in (e.strip() for e in entries):
            if not entry:
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(entry.lower().rstrip("."))

    def permits(self, host: str, address: Address) -> bool:
        if host.lower().rstrip(".") in self.hosts:
            return True
        return any(address in net for net in self.networks) or address.is_global


_allowance = Allowance()


def allow(entries: Iterable[str]) -> None:
    """Set the targets outside the public internet that may be reached (replaces the list)."""
    global _allowance
    _allowance = Allowance(entries)


def check(host: str, address: str) -> Address:
    """Raises Blocked unless ``address`` (which ``host`` resolved to) may be reached."""
    found = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        found = found.ipv4_mapped
    if not _allowance.permits(host, found):
        raise Blocked(f"{host} is not on the public internet; Sunrelay does not send there")
    return found


def refusal(url: str) -> str:
    """Why ``url`` would be refused, checked when it is saved ('' if it may be used; a name
    that does not resolve yet may still be saved: the check at sending time stands)."""
    try:
        host = (urllib3.util.parse_url(url).host or "").strip("[]")  # an IPv6 literal's brackets
    except LocationValueError:
        return "not a URL"
    if not host:
        return "the URL names no host"
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return ""
    try:
        for info in found:
            check(host, str(info[4][0]))
    except Blocked as exc:
        return str(exc)
    return ""


class _Guarded(HTTPConnection):
    """Connects only where ``check`` allows: every address the name resolves to is checked,
    and the socket connects to the first one, the address that was checked."""

    def _new_conn(self) -> socket.socket:
        name = self._dns_host
        try:
            found = socket.getaddrinfo(name, self.port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        addresses = [check(name, str(info[4][0])) for info in found]
        self._dns_host = str(addresses[0])
        try:
            return super()._new_conn()
        finally:
            self._dns_host = name


class _GuardedHTTPS(_Guarded, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _Guarded


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPS


_client: urllib3.PoolManager | None = None
_lock = threading.Lock()


def client() -> urllib3.PoolManager:
    """The shared pool (thread-safe; made on first use)."""
    global _client
    with _lock:
        if _client is None:
            _client = urllib3.PoolManager(
                num_pools=50,
                maxsize=20,  # kept-alive connections per receiver
                retries=False,
                headers={"User-Agent": "Sunrelay"},
            )
            _client.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
        return _client


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float = 10.0) -> int:
    """POST ``body``; the status when it is 2xx. Raises ``Blocked``, ``Rejected`` (another
    status) or urllib3's ``HTTPError`` (no answer in ``timeout`` seconds, no connection)."""
    answer = client().request(
        "POST",
        url,
        body=body,
        headers={"User-Agent": "Sunrelay", **headers},
        timeout=urllib3.Timeout(connect=timeout, read=timeout),
        redirect=False,
    )
    if not 200 <= answer.status < 300:
        raise Rejected(answer.status)
    return int(answer.status)


def describe(exc: BaseException) -> str:
    """What a person may be told about a failed delivery: the kind of failure, never the
    socket's own words."""
    if isinstance(exc, Blocked) or isinstance(exc.__cause__, Blocked):
        return str(exc if isinstance(exc, Blocked) else exc.__cause__)
    if isinstance(exc, Rejected):
        return str(exc)
    if isinstance(exc, Timeout | NewConnectionError | ProtocolError | SSLError | OSError):
        return "could not deliver: the receiver did not answer"
    if isinstance(exc, HTTPError):
        return "could not deliver"
    return "could not deliver: " + type(exc).__name__
