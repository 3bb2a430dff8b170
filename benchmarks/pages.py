"""Hub pages, API reads and time questions for a 5,000-person organisation.

Baseline: the design budget, 100 ms per page for a 5,000-person organisation. The script builds
a synthetic org (5,000 people over 24 zones, 250 teams of 20 in pods, 500 components), imports
it through `sunrelay org import`'s service into a throwaway SQLite database, then times each
request through Django's full stack (middleware, auth, templates), best of five.

    python benchmarks/pages.py [--people 5000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

ZONES = [
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Atlantic/Azores",
    "Europe/Lisbon",
    "Europe/Berlin",
    "Europe/Athens",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Mexico_City",
    "UTC",
]


def build_org(n: int) -> str:
    lines = ["version: 1", "organization: {name: Bench}", "people:"]
    for i in range(n):
        lines.append(
            f"  - {{id: p{i}, name: Person {i}, email: p{i}@bench.test, "
            f'timezone: {ZONES[i % len(ZONES)]}, working_hours: "09:00-17:00"}}'
        )
    lines.append("teams:")
    teams = max(1, n // 20)
    for t in range(teams):
        members = ", ".join(f"p{i}" for i in range(t * 20, min(n, t * 20 + 20)))
        parent = f", parent: t{t - t % 5}" if t % 5 else ""
        lines.append(
            f"  - {{id: t{t}, name: Team {t}, lead: p{t * 20}, members: [{members}]{parent},"
            " wip_limit: 3}"
        )
    lines.append("components:")
    for c in range(n // 10):
        lines.append(f"  - {{id: c{c}, name: Component {c}, owner: t{c % teams}, dri: p{c}}}")
    return "\n".join(lines) + "\n"


# Every page and API read measured, as (name, kind, address): a hub page, the part of one an
# htmx request asks for, or an API read. pages_http.py and scaling.py measure the same list.
READS = [
    ("my day (home)", "hub", "/"),
    ("directory page", "hub", "/directory/"),
    ("directory search (htmx)", "htmx", "/directory/?q=Person%2042"),
    ("global search", "hub", "/search/?q=Person%2042"),
    ("person page", "hub", "/people/p42/"),
    ("team page (pod of 20)", "hub", "/teams/t1/?tz=Europe/Lisbon"),
    ("team page (team + 4 pods)", "hub", "/teams/t0/?tz=Europe/Lisbon"),
    ("components page", "hub", "/components/"),
    ("API people, 50 a page", "api", "/api/v1/people?limit=50"),
    ("API who is online (everyone)", "api", "/api/v1/time/online?at=2026-11-23T10:00Z"),
    ("API overlap of a team", "api",
     "/api/v1/time/overlap?team=t0&from=2026-11-23T00:00Z&to=2026-11-30T00:00Z"),
    ("team week + digest (pod of 20)", "hub", "/cadence/teams/t1/2026-W48/"),
    ("team week + digest (team + 4 pods)", "hub", "/cadence/teams/t0/2026-W48/"),
    ("risk register", "hub", "/cadence/teams/t0/risks/"),
    ("hand-offs + chain (team + 4 pods)", "hub", "/cadence/handoffs/?team=t0"),
    ("API status due (team + 4 pods)", "api",
     "/api/v1/cadence/status/due?team=t0&week=2026-W48"),
    ("on call now (50 schedules)", "hub", "/oncall/"),
    ("schedule chart, 28 days (follow-the-sun)", "hub", "/oncall/schedules/s0/?days=28"),
    ("on-call setup (50 schedules, 50 policies)", "hub", "/oncall/setup/"),
    ("schedule editor", "hub", "/oncall/schedules/s1/edit/"),
    ("escalation policy editor", "hub", "/oncall/policies/s1/edit/"),
    ("work portfolio (250 teams)", "hub", "/work/"),
    ("work board (a team with a queue)", "hub", "/work/teams/t1/"),
    ("migration board (50 teams)", "hub", "/work/migrations/"),
    ("API work list, one team", "api", "/api/v1/work/initiatives?team=t1"),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="sunrelay-bench-")
    os.environ["SUNRELAY_VAR"] = workdir
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunrelay.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from rich.console import Console
    from rich.table import Table

    from sunrelay.core.tokens import create_token
    from sunrelay.people import orgfile, service

    console = Console()
    call_command("migrate", verbosity=0)
    text = build_org(args.people)
    t = time.perf_counter()
    spec = orgfile.parse(text)
    parse_s = time.perf_counter() - t
    t = time.perf_counter()
    service.import_org(spec)
    import_s = time.perf_counter() - t
    t = time.perf_counter()
    again = service.import_org(orgfile.parse(text))
    reimport_s = time.perf_counter() - t
    assert not again.changed

    oncall_setup(args.people)
    work_setup(args.people)
    client = Client()
    client.force_login(get_user_model().objects.create_user("p42", password="x" * 12))  # p42
    api = Client(HTTP_AUTHORIZATION=f"Bearer {create_token('bench').secret}")
    clients = {"hub": client, "htmx": client, "api": api}
    table = Table(title=f"{args.people:,} people: best of 5, full Django stack, SQLite")
    for column in ("request", "ms", "budget 100 ms"):
        table.add_column(column, justify="right" if column != "request" else "left")
    for name, kind, url in READS:
        c = clients[kind]
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            response = c.get(url, HTTP_HX_REQUEST="true" if kind == "htmx" else "")
            best = min(best, time.perf_counter() - t)
            assert response.status_code == 200, (url, response.status_code)
        ms = best * 1000
        table.add_row(name, f"{ms:.1f}", "within" if ms <= 100 else "[red]OVER[/red]")
    console.print(table)
    jobs(console)
    console.print(
        f"org file: parse {parse_s:.2f} s, first import {import_s:.2f} s, "
        f"re-import (no changes) {reimport_s:.2f} s"
    )


def oncall_setup(people: int) -> None:
    """50 schedules, each a weekly rotation of a team's 20 people with a restricted weekday
    layer, the first one also following the sun over team t0 and its pods; a policy each."""
    from sunrelay.oncall import policies, service

    for s in range(min(50, max(1, people // 20))):
        members = [f"p{i}" for i in range(s * 20, min(people, s * 20 + 20))]
        layers: list[dict[str, object]] = [
            {"name": "weekly", "participants": members, "shift": "1w", "start": "2026-01-05"},
            {
                "name": "office",
                "participants": members[:5],
                "shift": "1d",
                "start": "2026-01-05",
                "restrictions": [
                    {"days": ["mon", "tue", "wed", "thu", "fri"], "hours": "09:00-17:00"}
                ],
            },
        ]
        if s == 0:
            layers.append({"name": "sun", "type": "follow-the-sun", "team": "t0"})
        zone = ZONES[s % len(ZONES)]
        service.save_schedule({"id": f"s{s}", "team": f"t{s}", "timezone": zone, "layers": layers})
        steps = [{"notify": {"schedule": f"s{s}"}, "wait": "10m"}, {"notify": {"team": f"t{s}"}}]
        policies.save_policy({"id": f"s{s}", "team": f"t{s}", "steps": steps, "repeat": 1})


def work_setup(people: int) -> None:
    """Four initiatives a team (three start, the fourth queues behind the limit of three),
    and one migration across fifty teams."""
    from sunrelay.work import service

    teams = max(1, people // 20)
    for t in range(teams):
        for k in range(4):
            lead = f"p{t * 20}"
            draft = service.Draft(f"Initiative {t}.{k}", f"t{t}", f"p{t * 20 + k}", "customer")
            service.start(service.add_initiative(draft, lead).pk, lead)
    migration = service.Draft(
        "Move to OpenTelemetry", "t0", "p0", "internal-tooling",
        progress_teams=[f"t{t}" for t in range(min(50, teams))],
    )  # fmt: skip
    service.add_initiative(migration, None)


def jobs(console) -> None:  # type: ignore[no-untyped-def]
    """The cadence's periodic job over everyone. Baseline: its 15-minute period; the budget is
    a tenth of it (90 s), so one worker keeps up with room to spare."""
    from datetime import UTC, datetime

    from sunrelay.cadence import status
    from sunrelay.core import clock

    with clock.frozen(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)):
        t = time.perf_counter()
        sent = status.send_reminders()
        first = time.perf_counter() - t
        t = time.perf_counter()
        status.send_reminders()
        again = time.perf_counter() - t
    with clock.frozen(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)):
        t = time.perf_counter()
        digests = len(status.compile_digests())
        compiled = time.perf_counter() - t
    console.print(
        f"cadence job, everyone: reminders {first:.1f} s ({sent} queued), rerun {again:.1f} s; "
        f"{digests} digests compiled and queued {compiled:.1f} s (budget 90 s each)"
    )
    from sunrelay.work import capacity, valves

    t = time.perf_counter()
    valves.check()
    capacity.escalate_overdue()
    work_s = time.perf_counter() - t
    console.print(
        f"work jobs, every team: valves and signals checked in {work_s:.1f} s "
        "(baseline: their 5-minute period; budget 30 s)"
    )


if __name__ == "__main__":
    main()
