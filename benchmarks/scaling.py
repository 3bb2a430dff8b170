"""How each cost grows with the organisation: 500, 5,000 and 20,000 people.

The performance issue asks that the periodic jobs finish within a tenth of their period and
the pages stay within their budget at 20,000 people in 1,000 teams, and that each cost grows
linearly or better. Each size runs in its own process on a fresh SQLite database (the org of
`benchmarks/pages.py`: teams of 20 in pods, a component per 10 people, 50 on-call schedules),
then the table shows every figure beside its budget and how much it grew from 5,000 to 20,000
people (four times the people: growing four times is linear).

Baseline, measured in the same run: the smallest organisation.

    python benchmarks/scaling.py [--sizes 500,5000,20000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pages import READS

# the pages the HTTP benchmark serves, by the same names and addresses
MEASURED = ("my day (home)", "directory page", "team page (team + 4 pods)",
            "on call now (50 schedules)", "API who is online (everyone)")  # fmt: skip
PAGES = [(name, kind == "api", url) for name, kind, url in READS if name in MEASURED]
# a tenth of each job's period; reminders and digests are parts of one job (cadence.tasks)
JOBS = [
    ("cadence job: reminders", 0.0),
    ("cadence job: digests", 0.0),
    ("cadence job, both (every 15 min)", 90.0),
    ("hand-off escalation (every 5 min)", 30.0),
    ("alert escalation, a group per schedule due (every min)", 6.0),
]
PAGE_BUDGET_MS = 100.0


def measure(people: int) -> dict[str, float]:
    """One size, in this process (called in a child process per size)."""
    work = tempfile.mkdtemp(prefix="sunrelay-scale-")
    os.environ.update(
        SUNRELAY_VAR=work,
        DATABASE_URL=f"sqlite:///{work}/bench.sqlite3",
        DJANGO_SETTINGS_MODULE="sunrelay.settings",
        ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    from datetime import UTC, datetime, timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from pages import build_org, oncall_setup
    from sunrelay.cadence import handoffs, status
    from sunrelay.core import clock
    from sunrelay.core.tokens import create_token
    from sunrelay.oncall import alerts, escalation
    from sunrelay.people import orgfile, service
    from sunrelay.people.models import Team

    call_command("migrate", verbosity=0)
    service.import_org(orgfile.parse(build_org(people)))
    oncall_setup(people)
    out: dict[str, float] = {}
    hub = Client()
    hub.force_login(get_user_model().objects.create_user("p42", password="x" * 12))
    api = Client(HTTP_AUTHORIZATION=f"Bearer {create_token('bench').secret}")
    for name, is_api, url in PAGES:
        client = api if is_api else hub
        best = float("inf")
        for _ in range(4):  # the first builds the read models
            t = time.perf_counter()
            response = client.get(url)
            best = min(best, time.perf_counter() - t)
            assert response.status_code == 200, (url, response.status_code)
        out[name] = best * 1000
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with clock.frozen(monday):
        t = time.perf_counter()
        status.send_reminders()
        out[JOBS[0][0]] = time.perf_counter() - t
    with clock.frozen(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)):
        t = time.perf_counter()
        status.compile_digests()
        out[JOBS[1][0]] = time.perf_counter() - t
        t = time.perf_counter()
        handoffs.escalate_overdue()
        out[JOBS[3][0]] = time.perf_counter() - t
    out[JOBS[2][0]] = out[JOBS[0][0]] + out[JOBS[1][0]]
    with clock.frozen(monday):
        for team in Team.objects.filter(slug__in=[f"t{s}" for s in range(50)]):
            alerts.open_page(team, f"Bench {team.slug}", "load", f"bench:{team.slug}")
    with clock.frozen(monday + timedelta(minutes=11)):
        t = time.perf_counter()
        escalation.escalate_due()
        out[JOBS[4][0]] = time.perf_counter() - t
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000,20000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child: one size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    from rich.console import Console
    from rich.table import Table

    sizes = [int(s) for s in args.sizes.split(",")]
    found: dict[int, dict[str, float]] = {}
    for size in sizes:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            capture_output=True, text=True, check=True, cwd=Path(__file__).parent,
            env={**os.environ, "LOG_LEVEL": "WARNING"},
        )  # fmt: skip
        found[size] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{size:,} people measured in {time.perf_counter() - started:.0f} s", flush=True)
    table = Table(title="Cost by organisation size (in-process, SQLite; pages: best of four)")
    table.add_column("what")
    for size in sizes:
        table.add_column(f"{size:,} people" + (" (baseline)" if size == sizes[0] else ""),
                         justify="right")  # fmt: skip
    table.add_column("growth, last two sizes", justify="right")
    table.add_column("budget", justify="right")
    table.add_column("", justify="right")
    rows = [(name, "ms", PAGE_BUDGET_MS) for name, _, _ in PAGES]
    rows += [(name, "s", budget) for name, budget in JOBS]
    for name, unit, budget in rows:
        values = [found[s][name] for s in sizes]
        growth = values[-1] / values[-2] if len(values) > 1 and values[-2] > 0 else 0.0
        people = sizes[-1] / sizes[-2] if len(sizes) > 1 else 1.0
        table.add_row(
            name,
            *[f"{v:,.1f} {unit}" for v in values],
            f"{growth:.1f}× for {people:g}× the people",
            f"{budget:g} {unit}" if budget else "",
            ("within" if values[-1] <= budget else "[red]OVER[/red]") if budget else "",
        )
    Console(width=170).print(table)


if __name__ == "__main__":
    main()
