"""Server memory and latency tails under time questions, through one real server process.

Target (the trust issue): server memory flat (under 50 MB of growth over 1,000 "who is
online" requests) and p99 under twice p50. Before, each request's directory stayed alive in a
method cache: +6.6 MB a request, 2.6 GB after ~1,500, and full-GC pauses of seconds that were
the 0.7-7.5 s p99 tails.

Baseline, measured in the same run: the server's memory after 50 warm-up requests, and the
p50 of the 1,000 requests. The organisation is 5,000 people in 250 teams (benchmarks/pages.py);
each request asks who of one team and its pods is online, team after team; requests are sent
one at a time on a kept-alive connection, so each latency is the server's alone.

    python benchmarks/memory.py [--requests 1000] [--people 5000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from harness import free_port, hub, rss_mb, verdict
from pages import build_org

GROWTH_LIMIT_MB = 50.0


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--people", type=int, default=5000)
    args = parser.parse_args()
    with hub() as made:
        org = Path(made.var) / "org.yaml"
        org.write_text(build_org(args.people))
        made.run("org", "import", str(org))
        token = made.run("token", "create", "--name", "bench", "--scope", "read").split()[0]
        port = free_port()
        server = made.serve(port)
        teams = max(1, args.people // 20)
        try:
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            ) as client:

                def ask(i: int) -> float:
                    start = time.perf_counter()
                    answer = client.get(
                        "/api/v1/time/online",
                        params={"at": "2026-11-23T10:00Z", "team": f"t{i % teams}"},
                    )
                    answer.raise_for_status()
                    return (time.perf_counter() - start) * 1000

                for i in range(50):
                    ask(i)
                warm = rss_mb(server.pid)
                latencies = [ask(i) for i in range(args.requests)]
                after = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(30)
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    table = Table(
        title=f"{args.requests:,} 'who is online' requests, one server, {args.people:,} people"
    )
    for column in ("what", "measured", "baseline, same run", "target", ""):
        table.add_column(column, justify="right" if column != "what" else "left")
    growth = after - warm
    table.add_row(
        "server memory growth",
        f"{growth:+.1f} MB",
        f"{warm:.0f} MB after 50 requests",
        f"< {GROWTH_LIMIT_MB:.0f} MB",
        verdict(growth, GROWTH_LIMIT_MB, higher_is_better=False),
    )
    table.add_row(
        "p99 latency",
        f"{p99:.1f} ms",
        f"p50 {p50:.1f} ms",
        f"< {2 * p50:.1f} ms (2 × p50)",
        verdict(p99, 2 * p50, higher_is_better=False),
    )
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
