"""On-call rosters: how long the final roster of a schedule takes to compute.

Baseline: the hub's page budget of 100 ms (docs/architecture.md: pages answer in under 100 ms
for a 5,000-person organisation). The schedule page computes 28 days of roster and the
on-call-now page one roster per schedule, so a roster must cost a small part of that.

Three schedules are measured, pure (no database): a weekly rotation of 8 people with a
restricted daytime layer and 20 overrides over a year; hourly shifts over 90 days across
daylight-saving changes; and a follow-the-sun layer over 6 pods of 10 people (60 working
schedules with holidays) for 28 days. Best of 5 runs each.

    python benchmarks/oncall.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table

from sunrelay.oncall import roster
from sunrelay.oncall.specs import parse_schedule
from sunrelay.worktime import Schedule

BUDGET_MS = 100.0
DAY = 86_400


def t(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def best(run: Callable[[], roster.Roster], times: int = 5) -> tuple[float, roster.Roster]:
    found, fastest = None, float("inf")
    for _ in range(times):
        start = time.perf_counter()
        found = run()
        fastest = min(fastest, time.perf_counter() - start)
    assert found is not None
    return fastest * 1000, found


def main() -> None:
    people = [f"p{i}" for i in range(8)]
    weekly, _ = parse_schedule(
        {
            "id": "weekly",
            "timezone": "America/New_York",
            "layers": [
                {"participants": people, "shift": "1w", "start": "2026-01-05"},
                {
                    "participants": people[:4],
                    "shift": "1d",
                    "start": "2026-01-05",
                    "restrictions": [
                        {"days": ["mon", "tue", "wed", "thu", "fri"], "hours": "09:00-17:00"}
                    ],
                },
            ],
        }
    )
    hourly, _ = parse_schedule(
        {
            "id": "hourly",
            "timezone": "Australia/Sydney",
            "layers": [{"participants": people, "shift": "1h", "start": "2026-03-01"}],
        }
    )
    fts, _ = parse_schedule(
        {"id": "fts", "timezone": "UTC", "layers": [{"type": "follow-the-sun", "team": "sre"}]}
    )
    assert weekly and hourly and fts
    year = t("2026-01-05T00:00:00"), t("2027-01-04T00:00:00")
    overrides = [
        roster.Override("p7", year[0] + k * 17 * DAY, year[0] + k * 17 * DAY + 2 * DAY, "p1")
        for k in range(20)
    ]
    zones = [
        "America/Los_Angeles",
        "America/Sao_Paulo",
        "Europe/Lisbon",
        "Asia/Kolkata",
        "Asia/Tokyo",
        "Australia/Sydney",
    ]
    holidays = ["US", "BR", "PT", "IN", "JP", "AU"]
    schedules, units = {}, []
    for pod, (tz, cal) in enumerate(zip(zones, holidays, strict=True)):
        members = [f"s{pod}-{i}" for i in range(10)]
        units.append((f"pod{pod}", members))
        for m in members:
            schedules[m] = Schedule.build(tz, "09:00-17:00", holidays=cal)
    month = t("2026-10-19T00:00:00"), t("2026-11-16T00:00:00")
    rows = [
        (
            "weekly + restricted layer + 20 overrides, 1 year",
            lambda: roster.compute(weekly, *year, overrides=overrides),
        ),
        (
            "hourly shifts, 90 days across DST",
            lambda: roster.compute(hourly, t("2026-03-01T00:00:00"), t("2026-05-30T00:00:00")),
        ),
        (
            "follow-the-sun, 6 pods x 10 people, 28 days",
            lambda: roster.compute(fts, *month, units={"sre": units}, schedules=schedules),
        ),
    ]
    table = Table(
        "roster", "shifts", "gaps", "best of 5 (ms)", f"share of the {BUDGET_MS:g} ms page budget"
    )
    for name, run in rows:
        ms, found = best(run)
        table.add_row(
            name, str(len(found.shifts)), str(len(found.gaps)), f"{ms:.1f}", f"{ms / BUDGET_MS:.0%}"
        )
    Console().print(table)


if __name__ == "__main__":
    main()
