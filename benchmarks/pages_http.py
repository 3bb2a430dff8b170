"""Hub pages and API reads for a 5,000-person organisation through a real server.

The same organisation and the same reads as `pages.py` (its READS), served by `sunrelay serve`
(Waitress) on SQLite, loaded with wrk for a few seconds per request: p50 and p99 with one
client and with four. Targets (the performance issue): p50 < 50 ms and p99 < 100 ms for one
client, p99 < 250 ms for four.
Baseline, measured in the same run on the same server: the sign-in page (no database work).

    python benchmarks/pages_http.py [--people 5000] [--seconds 5]
"""

from __future__ import annotations

import argparse
import subprocess

from rich.console import Console
from rich.table import Table

from harness import free_port, hub, parse_wrk, verdict
from pages import READS, build_org, oncall_setup, work_setup

BASELINE = ("sign-in page (baseline)", "hub", "/login/")


def get(url: str, headers: list[str], connections: int, seconds: int):  # type: ignore[no-untyped-def]
    given = [arg for header in headers for arg in ("-H", header)]
    done = subprocess.run(
        ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s",
         "--latency", *given, url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    )  # fmt: skip
    return parse_wrk(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    console = Console(width=150)
    with hub(demo=False) as made:
        made.django()
        from django.contrib.auth import get_user_model
        from django.test import Client

        from sunrelay.core.tokens import create_token
        from sunrelay.people import orgfile, service

        service.import_org(orgfile.parse(build_org(args.people)))
        oncall_setup(args.people)
        work_setup(args.people)
        client = Client()
        client.force_login(get_user_model().objects.create_user("p42", password="x" * 12))
        cookie = f"Cookie: sessionid={client.cookies['sessionid'].value}; tz=Europe/Lisbon"
        bearer = f"Authorization: Bearer {create_token('bench').secret}"
        port = free_port()
        server = made.serve(port)
        table = Table(title=f"{args.people:,} people through `sunrelay serve`, SQLite")
        for column in ("request", "1 client p50", "p99", "4 clients p99", "errors", "targets"):
            table.add_column(column, justify="left" if column == "request" else "right")
        try:
            for name, kind, path in [BASELINE, *READS]:
                url = f"http://127.0.0.1:{port}{path}"
                headers = {"hub": [cookie], "htmx": [cookie, "HX-Request: true"], "api": [bearer]}
                get(url, headers[kind], 1, 1)  # warm up: the read model, templates, connections
                one = get(url, headers[kind], 1, args.seconds)
                four = get(url, headers[kind], 4, args.seconds)
                ok = one.p50_ms < 50 and one.p99_ms < 100 and four.p99_ms < 250
                ok = ok and one.errors + four.errors == 0
                table.add_row(
                    name, f"{one.p50_ms:.1f}", f"{one.p99_ms:.1f}", f"{four.p99_ms:.1f}",
                    str(one.errors + four.errors), verdict(float(ok), 1.0),
                )  # fmt: skip
        finally:
            server.terminate()
            server.wait(30)
        console.print(table)
        console.print("targets: one client p50 < 50 ms and p99 < 100 ms; four clients p99 < 250 ms")


if __name__ == "__main__":
    main()
