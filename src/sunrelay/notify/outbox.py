"""Delivering the outbox: claims, channels, retries, dead letters, and the drain loop.

- **Urgent first, always.** Each batch is the due notifications with urgent ones ahead of the
  rest, so a page never waits behind a storm of reminders.
- **Bounded batches, drained continuously.** ``sunrelay worker`` runs ``drain`` beside its job
  queue: a batch of at most ``BATCH``, again at once while anything is due, else a look every
  ``IDLE`` seconds. The every-minute job stays as a safety net (and for ``worker --burst``).
- **Claimed once.** A batch is claimed in one transaction (``FOR UPDATE SKIP LOCKED`` on
  PostgreSQL; SQLite runs claims one at a time), so several workers share the work and each
  notification is handed to its channels by one of them. A claim is a lease: a worker that
  dies mid-send leaves it to expire and another sends it again, with the same idempotency key
  (``X-Sunrelay-Delivery``): at least once (ADR 7). An urgent page's lease is a minute.
- **Withdrawn when no longer true.** A domain may register a check for its kinds of message:
  on-call withdraws a page whose alert resolved before it went out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from django.db import close_old_connections, connection, transaction
from django.db.models import Case, Field, Q, QuerySet, Value, When

from sunrelay.core import clock
from sunrelay.integrations import outbound
from sunrelay.notify import channels, logic
from sunrelay.notify.models import Notification

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
URGENT_LEASE = timedelta(minutes=1)
BATCH = 100
IDLE = 0.5  # seconds between looks when nothing is due

# kind prefix -> a check returning {notification pk: why it is no longer worth sending}
Withdrawal = Callable[[list[Notification]], dict[int, str]]
WITHDRAWALS: dict[str, Withdrawal] = {}


def register_withdrawal(kind_prefix: str, check: Withdrawal) -> None:
    WITHDRAWALS[kind_prefix] = check


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    withdrawn: int = 0


def due() -> QuerySet[Notification]:
    """What may be sent now, urgent first, then oldest first."""
    now = clock.now()
    waiting = Q(state=Notification.PENDING, deliver_after__lte=now)
    abandoned = Q(state=Notification.SENDING, lease_until__lt=now)  # its worker died
    return Notification.objects.filter(waiting | abandoned).order_by(
        "-urgent", "deliver_after", "pk"
    )


def claim(limit: int = BATCH) -> list[Notification]:
    """Take up to ``limit`` due notifications for this worker, urgent first."""
    now = clock.now()
    with transaction.atomic():
        pks = list(due().select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        if not pks:
            return []
        Notification.objects.filter(pk__in=pks).update(
            state=Notification.SENDING,
            lease_until=Case(
                When(urgent=True, then=Value(now + URGENT_LEASE)), default=Value(now + LEASE)
            ),
        )
    # with the recipient and their preferences (where webhooks and Slack go) read along
    found = Notification.objects.filter(pk__in=pks).select_related(
        "recipient", "recipient__preference"
    )
    return list(found.order_by("-urgent", "deliver_after", "pk"))


def _deliver(n: Notification) -> str:
    """Try each channel that has not yet accepted it; '' on success, else the errors."""
    errors = []
    for name in n.channels:
        if name in n.delivered:
            continue
        try:
            channels.get(name).deliver(n)
        except Exception as exc:  # a channel failure must never stop the outbox
            # the stored error is shown in the inbox: what went wrong, never socket details
            # or the URL (a Slack URL is a secret)
            said = str(exc) if isinstance(exc, channels.DeliveryFailed) else outbound.describe(exc)
            errors.append(f"{name}: {said}")
        else:
            n.delivered.append(name)
            if name == "inbox":
                n.inbox_at = clock.now()
    return "; ".join(errors)


def _withdrawn(batch: list[Notification]) -> dict[int, str]:
    found: dict[int, str] = {}
    for prefix, check in WITHDRAWALS.items():
        mine = [n for n in batch if n.kind.startswith(prefix)]
        if mine:
            found.update(check(mine))
    return found


FIELDS = ["state", "attempts", "lease_until", "sent_at", "last_error", "deliver_after",
          "delivered", "inbox_at"]  # fmt: skip
SETTLE_EVERY = 0.25  # seconds: how long a delivered notification may wait to be marked so


def _settle(n: Notification, error: str, report: DispatchReport) -> None:
    """The outcome of one attempt, on the object; ``_Settled`` writes it."""
    now = clock.now()
    n.attempts += 1
    n.lease_until = None
    if not error:
        n.state, n.sent_at, n.last_error = Notification.SENT, now, ""
        report.sent += 1
    elif n.attempts >= logic.MAX_ATTEMPTS:
        n.state, n.last_error = Notification.DEAD, error
        report.dead += 1
        log.warning("notification %s is a dead letter: %s", n.pk, error)
    else:
        n.state, n.last_error = Notification.PENDING, error
        n.deliver_after = now + logic.backoff(n.attempts)
        report.retried += 1


class _Settled:
    """Outcomes written together: one statement and one commit for what was settled in the
    last ``SETTLE_EVERY`` seconds (a storm of pages is a batch of 100 each a millisecond
    apart), not one commit per notification. A worker that dies between a delivery and its
    write leaves that notification leased, to be sent again (ADR 7); the window stays a
    quarter of a second, however slow the receivers."""

    def __init__(self) -> None:
        self.waiting: list[Notification] = []
        self.since = 0.0

    def add(self, n: Notification) -> None:
        if not self.waiting:
            self.since = time.monotonic()
        self.waiting.append(n)
        if time.monotonic() - self.since >= SETTLE_EVERY:
            self.write()

    def write(self) -> None:
        if self.waiting:
            write_outcomes(self.waiting)
            self.waiting = []


def write_outcomes(notifications: list[Notification]) -> None:
    """``FIELDS`` of each notification, in one transaction: one parametrised UPDATE run for
    every row (Django's ``bulk_update`` builds a CASE per field and row, which costs more
    than the commits it saves). Values are prepared by each field, as a save would."""
    fields = [cast(Field, Notification._meta.get_field(name)) for name in FIELDS]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(Notification._meta.db_table)} SET {sets} WHERE {quote('id')} = %s"
    rows = [
        [f.get_db_prep_save(getattr(n, f.attname), connection) for f in fields] + [n.pk]
        for n in notifications
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def dispatch_due(limit: int = BATCH) -> DispatchReport:
    """Deliver one batch of what is due now. Safe to run in several workers at once."""
    report = DispatchReport()
    batch = claim(limit)
    report.claimed = len(batch)
    withdrawn = _withdrawn(batch)
    settled = _Settled()
    try:
        for n in batch:
            if n.pk in withdrawn:
                n.state, n.last_error, n.lease_until = (
                    Notification.WITHDRAWN, withdrawn[n.pk], None
                )  # fmt: skip
                report.withdrawn += 1
            else:
                _settle(n, _deliver(n), report)
            settled.add(n)
    finally:
        settled.write()  # what was delivered is marked so, even when a later one raised
    return report


def drain(stop: threading.Event, *, batch: int = BATCH, idle: float = IDLE) -> None:
    """Deliver continuously until ``stop`` is set; the batch in hand is always finished."""
    while not stop.is_set():
        try:
            report = dispatch_due(batch)
        except Exception:  # a database hiccup must not end the loop
            log.exception("the outbox drain failed; trying again")
            report = DispatchReport()
        finally:
            close_old_connections()
        if report.claimed < batch:
            stop.wait(idle)


def start_drain(stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=drain, args=(stop,), name="outbox", daemon=True)
    thread.start()
    return thread
