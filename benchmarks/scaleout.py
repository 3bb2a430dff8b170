"""Scale-out: PostgreSQL and Redis, two web processes and two workers (docs/deploy.md).

The load: 10,000 Alertmanager deliveries of 10 alerts, each sent twice, once through each web
process at about the same moment (as two Alertmanager replicas do), while both workers page
the on-call for every new group through a webhook receiver that counts each delivery id.

Targets (the trust issue): 0 lost, 0 duplicated groups, 0 duplicated notifications; and 4
clients at least 1.6 times as fast as one client (no delivery waits on another's lock).
Baseline, measured in the same run on the same processes: one client on one web process.

    python benchmarks/scaleout.py [--deliveries 10000] [--seconds 10] [--rounds 5] [--web-threads 8]
"""

from __future__ import annotations

import argparse
import json
import os
import time

import httpx
from rich.console import Console
from rich.table import Table

from harness import (
    ALERTMANAGER,
    CpuLedger,
    counting_receiver,
    delivery,
    free_port,
    hub,
    postgres_available,
    redis_available,
    verdict,
    wrk,
)

DATABASE = "postgres://postgres@127.0.0.1:5432/sunrelay_scaleout"
REDIS = "redis://127.0.0.1:6379/7"


def send_twice(urls: list[str], deliveries: int, clients: int = 4) -> tuple[float, int]:
    """Every group key to every URL, the copies of a key back to back, from ``clients``
    threads with kept-alive connections. Returns seconds and the answers that were not 202."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    local = threading.local()
    bodies = [(url, json.dumps(delivery(f"{{}}:{{twice={i}}}"))) for i in range(deliveries)
              for url in urls]  # fmt: skip

    def post(job: tuple[str, str]) -> int:
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=120)
        url, body = job
        answer = local.client.post(url, content=body, headers={"Content-Type": "application/json"})
        return answer.status_code

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        codes = list(pool.map(post, bodies, chunksize=1))
    return time.perf_counter() - start, sum(code != 202 for code in codes)


def wait_until_drained(timeout: float) -> float:
    """Seconds until no page is left to send (reminders held for quiet hours may wait)."""
    from sunrelay.notify.models import Notification

    start = time.monotonic()
    pages = Notification.objects.filter(kind="page.alert", state__in=["pending", "sending"])
    while time.monotonic() - start < timeout:
        if not pages.exists():
            return time.monotonic() - start
        time.sleep(0.5)
    raise RuntimeError("the outbox did not drain in time")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--web-threads", type=int, default=8)
    args = parser.parse_args()
    console = Console(width=150)
    if not (postgres_available() and redis_available()):
        console.print("scale-out not measured: PostgreSQL or Redis is not on 127.0.0.1")
        return
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    assert ALERTMANAGER["version"] == "4"
    with counting_receiver() as hook, hub(DATABASE, REDIS) as made:
        made.env["SUNRELAY_OUTBOUND_ALLOW"] = "127.0.0.1/32"
        made.django()
        from sunrelay.integrations import outbound
        from sunrelay.notify import service
        from sunrelay.oncall.models import Alert, AlertGroup, Page
        from sunrelay.people.models import Person

        outbound.allow(["127.0.0.1/32"])
        for person in Person.objects.all():  # pages go to the counting receiver
            service.set_preferences(person, webhook_url=hook, routes={"page": ["webhook"]})
        ports = [free_port(), free_port()]
        processes = [made.serve(p, args.web_threads) for p in ports] + [
            made.worker(),
            made.worker(),
        ]
        urls = [f"http://127.0.0.1:{p}{made.intake_path}" for p in ports]
        try:
            wrk(urls[0], connections=1, seconds=2)  # warm up both
            wrk(urls[1], connections=1, seconds=2)
            roles = {"web": [p.pid for p in processes[:2]],
                     "workers": [p.pid for p in processes[2:]]}  # fmt: skip
            rounds = []  # one client, then four, in turn: a slow moment hits both alike
            for _ in range(args.rounds):
                with CpuLedger(roles) as alone:
                    one = wrk(urls[0], connections=1, seconds=args.seconds).per_second
                with CpuLedger(roles) as together:
                    four = parallel_rate(urls, args.seconds)
                rounds.append((four / one, one, four, alone, together))
            ratios = sorted(r[0] for r in rounds)
            _, one, four, alone, together = sorted(rounds, key=lambda r: r[0])[len(rounds) // 2]
            seconds, errors = send_twice(urls, args.deliveries)
            drained = wait_until_drained(900)
        finally:
            for p in processes:
                p.terminate()
            for p in processes:
                p.wait(60)
        groups = AlertGroup.objects.filter(group_key__contains="{twice=")
        made_groups = groups.count()
        counts = sorted(
            set(Alert.objects.filter(group__in=groups).values_list("received", flat=True))
        )
        pages = Page.objects.filter(group__in=groups).count()
        stats = httpx.get(hook.replace("/hook", "/stats")).json()
    expected = args.deliveries
    rows = [
        (
            "deliveries sent (each twice)",
            f"{2 * expected:,} in {seconds:.0f} s",
            f"{errors} non-2xx",
            "0 errors",
            verdict(-errors, 0),
        ),
        (
            "alert groups",
            f"{made_groups:,}",
            f"{expected:,} distinct keys",
            "0 lost, 0 duplicated",
            verdict(-abs(made_groups - expected), 0),
        ),
        (
            "alerts received per alert",
            ", ".join(map(str, counts)),
            "2 copies of each",
            "2",
            verdict(float(counts == [2]), 1),
        ),
        (
            "pages (one per group)",
            f"{pages:,}",
            f"{expected:,} groups",
            f"{expected:,}",
            verdict(-abs(pages - expected), 0),
        ),
        (
            "webhook deliveries",
            f"{stats['deliveries']:,} ({stats['repeated']} repeated)",
            f"drained {drained:.0f} s after the load",
            "0 repeated",
            verdict(-stats["repeated"], 0),
        ),
        (
            f"4 clients / 1 client (median of {len(ratios)} rounds)",
            f"{four / one:.2f}× ({four:.0f}/s)",
            f"1 client: {one:.0f} deliveries/s; rounds {ratios[0]:.2f}–{ratios[-1]:.2f}×",
            "≥ 1.6×",
            verdict(four / one, 1.6),
        ),
    ]
    for label, ledger, rate in (("1 client", alone, one), ("4 clients", together, four)):
        rows.append(spent(label, ledger, rate * args.seconds))
    # One client already keeps part of both cores busy (web, PostgreSQL and the workers run
    # side by side); 4 clients can at best fill the idle rest at the same CPU per delivery.
    ceiling = 1 / max(1 - alone.idle_share, 0.01)
    rows.append(
        (
            "ceiling on this machine",
            f"{ceiling:.2f}×",
            f"{os.cpu_count()} cores, {1 - alone.idle_share:.0%} busy at 1 client",
            "",
            "",
        )
    )
    table = Table(
        title="Scale-out: PostgreSQL + Redis, 2 web processes, 2 workers, 10 alerts a delivery"
    )
    for column in ("what", "measured", "baseline / expected", "target", ""):
        table.add_column(column, justify="right" if column != "what" else "left")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def spent(label: str, ledger: CpuLedger, deliveries: float) -> tuple[str, ...]:
    """Where the CPU went, per delivery: the two cores are the bound on this machine, so the
    scale-out ratio is capped by (2 cores) / (CPU per delivery) unless the machine sits idle."""
    per = {role: 1000 * s / max(deliveries, 1) for role, s in ledger.seconds.items()}
    total = sum(per.values())
    parts = ", ".join(f"{role} {ms:.1f}" for role, ms in per.items())
    return (
        f"CPU ms per delivery, {label}",
        f"{total:.1f} ({parts})",
        f"machine idle {ledger.idle_share:.0%}",
        "",
        "",
    )


def parallel_rate(urls: list[str], seconds: int) -> float:
    """Deliveries a second with 4 clients, 2 on each web process."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        loads = list(pool.map(lambda u: wrk(u, connections=2, seconds=seconds), urls))
    return sum(load.per_second for load in loads)


if __name__ == "__main__":
    main()
