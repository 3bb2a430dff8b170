"""The outbox: notifications a minute from one worker, and how long an urgent page waits.

Targets (the trust issue): at least 10,000 inbox notifications and 2,000 webhook deliveries a
minute from one worker against a local receiver, and an urgent page queued behind 10,000
others sent within 5 s.

Baselines, measured in the same run on the same database:
- inbox: the outbox as it was, one claim and one full save per row, oldest first (and it ran
  once a minute with 500 at most, so it could never pass 500 a minute);
- webhooks: a new HTTP client for every delivery, as before;
- the urgent page: a message without urgency queued at the same moment, which waits its turn.

The receiver is a separate process on 127.0.0.1 answering 200; the latency test runs a real
`sunrelay worker`.

    python benchmarks/outbox.py [--inbox 20000] [--webhooks 3000] [--behind 10000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import timedelta

from rich.console import Console
from rich.table import Table

from harness import free_port, hub, verdict, wait_for_port

RECEIVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # as real receivers do: no 40 ms delayed-ACK stalls
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def queue(person, n: int, *, channels: list[str], prefix: str, urgent: bool = False) -> None:
    from sunrelay.core import clock
    from sunrelay.notify.models import Notification

    now = clock.now() - timedelta(seconds=1)
    Notification.objects.bulk_create(
        (Notification(key=f"{prefix}:{i}", recipient=person, kind="status.reminder",
                      subject="Your update is due", channels=channels, urgent=urgent,
                      created_at=now, deliver_after=now) for i in range(n)),
        batch_size=2000,
    )  # fmt: skip


def drain_all() -> int:
    from sunrelay.notify import outbox

    sent = 0
    while (report := outbox.dispatch_due()).claimed:
        sent += report.sent
    return sent


def old_dispatch(limit: int) -> int:
    """The outbox before: oldest first, one claim, one read and one full save per row."""
    from django.db.models import Q

    from sunrelay.core import clock
    from sunrelay.notify import logic, outbox
    from sunrelay.notify.models import Notification

    sent = 0
    now = clock.now()
    waiting = Q(state=Notification.PENDING, deliver_after__lte=now)
    for pk in list(
        Notification.objects.filter(waiting).order_by("deliver_after", "pk")
        .values_list("pk", flat=True)[:limit]
    ):  # fmt: skip
        claimable = Q(state=Notification.PENDING)
        if not Notification.objects.filter(claimable, pk=pk).update(
            state=Notification.SENDING, lease_until=now + outbox.LEASE
        ):
            continue
        n = Notification.objects.get(pk=pk)
        error = outbox._deliver(n)
        n.attempts += 1
        n.state = Notification.SENT if not error else Notification.PENDING
        n.sent_at = clock.now()
        n.deliver_after = now + logic.backoff(n.attempts)
        n.save()
        sent += 1
    return sent


def per_minute(count: int, seconds: float) -> float:
    return count / seconds * 60 if seconds else 0.0


def timed(run, *args) -> tuple[int, float]:
    start = time.perf_counter()
    count = run(*args)
    return count, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inbox", type=int, default=20_000)
    parser.add_argument("--webhooks", type=int, default=3_000)
    parser.add_argument("--behind", type=int, default=10_000)
    args = parser.parse_args()
    port = free_port()
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, str(port)])
    wait_for_port(port)
    rows = []
    try:
        with hub() as made:
            made.env["SUNRELAY_OUTBOUND_ALLOW"] = "127.0.0.1/32"
            made.django()
            from sunrelay.integrations import outbound
            from sunrelay.notify import service
            from sunrelay.notify.models import Notification
            from sunrelay.people.models import Person

            outbound.allow(["127.0.0.1/32"])
            ana = Person.objects.get(slug="ana")
            service.set_preferences(ana, webhook_url=f"http://127.0.0.1:{port}/hook")
            drain_all()  # what the demo's history left due (it depends on today's date) first

            baseline_n = min(5_000, args.inbox)
            queue(ana, baseline_n, channels=["inbox"], prefix="old")
            old, old_s = timed(old_dispatch, baseline_n)
            queue(ana, args.inbox, channels=["inbox"], prefix="inbox")
            new, new_s = timed(drain_all)
            rows.append(("inbox, one worker", per_minute(new, new_s),
                         f"{per_minute(old, old_s):,.0f} (one row at a time; capped at 500)",
                         10_000, True))  # fmt: skip

            queue(ana, args.webhooks, channels=["webhook"], prefix="hook")
            hooks, hooks_s = timed(drain_all)
            baseline_hooks = min(500, args.webhooks)
            start = time.perf_counter()
            import httpx

            for i in range(baseline_hooks):
                httpx.post(f"http://127.0.0.1:{port}/hook", json={"n": i}, timeout=10)
            client_s = time.perf_counter() - start
            rows.append(("webhooks, one worker", per_minute(hooks, hooks_s),
                         f"{per_minute(baseline_hooks, client_s):,.0f} (a new client each)",
                         2_000, True))  # fmt: skip
            ours = Notification.objects.filter(key__regex=r"^(old|inbox|hook):")
            delivered = ours.filter(state="sent").count()
            assert delivered == baseline_n + args.inbox + args.webhooks, delivered

            queue(ana, args.behind, channels=["inbox"], prefix="behind")
            worker = made.worker()
            try:
                page = service.send("ana", "page.alert", "Ledger down", urgent=True)
                queue(ana, 1, channels=["inbox"], prefix="plain")  # due now, not urgent
                plain = Notification.objects.get(key="plain:0")
                urgent_s = wait_sent(page.pk, 120)
                plain_s = wait_sent(plain.pk, 600)
            finally:
                worker.terminate()
                worker.wait(60)
            rows.append((f"urgent page behind {args.behind:,}", urgent_s,
                         f"{plain_s:.1f} s (not urgent)", 5.0, False))  # fmt: skip
            after = Notification.objects.filter(key__startswith="behind:", state="sent").count()
            assert after == args.behind, after
    finally:
        receiver.terminate()
    table = Table(title="The outbox (SQLite, one worker)")
    for column in ("what", "measured", "baseline, same run", "target", ""):
        table.add_column(column, justify="right" if column != "what" else "left")
    for what, value, baseline, target, per_min in rows:
        shown = f"{value:,.0f}/min" if per_min else f"{value:.2f} s"
        goal = f"≥ {target:,}/min" if per_min else f"≤ {target:.0f} s"
        table.add_row(what, shown, baseline, goal,
                      verdict(value, target, higher_is_better=per_min))  # fmt: skip
    Console(width=140).print(table)


def wait_sent(pk: int, timeout: float) -> float:
    """Seconds from queueing to sent, read from the row (bounded wait)."""
    from sunrelay.notify.models import Notification

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = Notification.objects.get(pk=pk)
        if n.sent_at is not None:
            return (n.sent_at - n.created_at).total_seconds()
        time.sleep(0.05)
    raise RuntimeError(f"notification {pk} was not sent within {timeout:.0f} s")


if __name__ == "__main__":
    main()
