"""Alert intake through one real server process: alerts per second, CPU per delivery, p99.

Target (the trust issue): at least 1,000 alerts a second with 4 clients sending Alertmanager
deliveries of 10 alerts each to one `sunrelay serve` process, on SQLite and on PostgreSQL.
Baseline, measured in the same run against the same server: one client. A single process is
bounded by one core, so the figure that matters is the server's CPU per delivery (read from
/proc), printed beside the 20 ms a delivery of 10 new alerts cost before.

Two loads: every delivery a new alert group (a storm of new problems: each opens a group and
pages someone), and every group key sent 5 times (Alertmanager's repeats and HA copies).

    python benchmarks/intake.py [--seconds 10] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import subprocess

from rich.console import Console
from rich.table import Table

from harness import (
    Hub,
    Load,
    cpu_seconds,
    free_port,
    hub,
    parse_wrk,
    postgres_available,
    verdict,
    wrk,
)

TARGET_ALERTS_PER_S = 1000
BEFORE_CPU_MS = 20.0  # one delivery of 10 new alerts, measured before this change
ALERTS = 10


def measure(made: Hub, clients: int, seconds: int, repeats: int) -> tuple[Load, float]:
    port = free_port()
    server = made.serve(port)
    try:
        url = f"http://127.0.0.1:{port}{made.intake_path}"
        wrk(url, connections=1, seconds=1, repeats=repeats)  # warm up: imports, connections
        before = cpu_seconds(server.pid)
        load = wrk(url, connections=clients, seconds=seconds, repeats=repeats)
        cpu_ms = (cpu_seconds(server.pid) - before) * 1000 / max(load.requests, 1)
    finally:
        server.terminate()
        server.wait(30)
    return load, cpu_ms


def machine_speed(made: Hub, seconds: int = 3) -> float:
    """CPU ms a request of the sign-in page (no database work) on the same server: this run's
    measure of the machine, whose speed varies from day to day by up to three times."""
    port = free_port()
    server = made.serve(port)
    try:
        url = f"http://127.0.0.1:{port}/login/"
        subprocess.run(["wrk", "-t", "1", "-c", "1", "-d", "1s", url], capture_output=True,
                       check=True)  # fmt: skip
        before = cpu_seconds(server.pid)
        done = subprocess.run(["wrk", "-t", "1", "-c", "1", "-d", f"{seconds}s", "--latency", url],
                              capture_output=True, text=True, check=True)  # fmt: skip
        requests = parse_wrk(done.stdout).requests
        return (cpu_seconds(server.pid) - before) * 1000 / max(requests, 1)
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    databases = [("SQLite", "")] if args.only != "postgresql" else []
    if args.only != "sqlite" and postgres_available():
        databases.append(("PostgreSQL", "postgres://postgres@127.0.0.1:5432/sunrelay_bench"))
    table = Table(title="Alert intake, one server process, 10 alerts per delivery")
    for column in ("database", "load", "clients", "alerts/s", "CPU ms/delivery", "p50 ms",
                   "p99 ms", "errors", f"target ≥ {TARGET_ALERTS_PER_S}/s"):  # fmt: skip
        table.add_column(column, justify="right" if column != "load" else "left")
    for name, url in databases:
        for label, repeats in (("new groups", 1), ("repeats ×5", 5)):
            with hub(url) as made:
                for clients in (1, 4):
                    load, cpu = measure(made, clients, args.seconds, repeats)
                    rate = load.per_second * ALERTS
                    table.add_row(
                        name, label, f"{clients}" + (" (baseline)" if clients == 1 else ""),
                        f"{rate:,.0f}", f"{cpu:.1f} (before: {BEFORE_CPU_MS:.0f})",
                        f"{load.p50_ms:.1f}", f"{load.p99_ms:.1f}", str(load.errors),
                        verdict(rate, TARGET_ALERTS_PER_S) if clients == 4 else "",
                    )  # fmt: skip
    Console(width=160).print(table)
    with hub() as made:
        speed = machine_speed(made)
    Console(width=160).print(
        f"machine baseline, same run: the sign-in page costs {speed:.2f} ms of CPU a request "
        f"(the {BEFORE_CPU_MS:.0f} ms 'before' was measured on another day: compare with care)"
    )
    if args.only is None and len(databases) == 1:
        Console().print("PostgreSQL was not measured (not reachable on 127.0.0.1:5432).")


if __name__ == "__main__":
    main()
