"""The bulk working-time kernel against what a user would write instead, on 1 M rows.

Two cases, each with its baseline measured in the same run on the same rows:

- **Berlin**, 09:00-17:00 Monday to Friday less German public holidays. Baseline: the
  numpy + pandas recipe (pandas converts every instant to Berlin wall time, then
  ``numpy.busday_count`` with the holidays counts whole days and the two partial days are
  clipped by hand). Target: the kernel at least 2x as fast.
- **UTC**, 09:00-17:00 Monday to Friday. Baseline: the same recipe without pandas (no zone to
  convert). Target: the kernel at least as fast.

The recipes know one daytime window per weekday and nothing else; the kernel also handles
night shifts, split shifts, absences and daylight-saving gaps, so it is measured on the general
path, not a special case. Every answer must be identical on all rows (checked before timing),
and a third implementation, the ``business-duration`` package, is checked on a sample.

Timings are medians of interleaved runs on one core (NumPy is single-threaded here). The
kernel is ``business_seconds_coded``: rows coded by person, as a columnar reader gives them
(the batch CLI gets the codes from Arrow). ``business_seconds_bulk`` takes a Python list of
person ids and codes it in one Python pass: shown on its own line.

    python benchmarks/business_hours.py [--rows 1000000] [--runs 5] [--check-rows 20000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as clock

import holidays
import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from sunrelay.worktime import Schedule, business_seconds_bulk, business_seconds_coded

DAY = 86_400
OPEN, CLOSE = 9 * 3600, 17 * 3600
EPOCH_2025 = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
Ints = np.ndarray


def make_rows(n: int, seed: int) -> tuple[Ints, Ints]:
    """Starts over 700 days from 2025, each a minute-aligned range of up to 30 days."""
    rng = np.random.default_rng(seed)
    starts = EPOCH_2025 + 60 * rng.integers(0, 700 * 1440, n, dtype=np.int64)
    ends = starts + 60 * rng.integers(0, 30 * 1440, n, dtype=np.int64)
    return starts, ends


def busday_recipe(a: Ints, b: Ints, holidays: np.ndarray | None = None) -> Ints:
    """09:00-17:00 on business days between two arrays of wall-clock seconds."""
    no_days = np.array([], dtype="datetime64[D]")
    off = no_days if holidays is None else holidays
    day_a, day_b = a // DAY, b // DAY
    into_a, into_b = a - day_a * DAY, b - day_b * DAY
    da, db = day_a.astype("datetime64[D]"), day_b.astype("datetime64[D]")
    works_a, works_b = np.is_busday(da, holidays=off), np.is_busday(db, holidays=off)
    span = CLOSE - OPEN
    head = np.where(works_a, np.clip(CLOSE - np.maximum(into_a, OPEN), 0, span), 0)
    tail = np.where(works_b, np.clip(np.minimum(into_b, CLOSE) - OPEN, 0, span), 0)
    whole = np.busday_count(da + 1, np.maximum(db, da + 1), holidays=off) * span
    one_day = np.clip(np.minimum(into_b, CLOSE) - np.maximum(into_a, OPEN), 0, None)
    return np.where(day_a == day_b, np.where(works_a, one_day, 0), head + whole + tail)


def berlin_recipe(a: Ints, b: Ints, german: np.ndarray) -> Ints:
    def wall(t: Ints) -> Ints:
        local = pd.to_datetime(t, unit="s", utc=True).tz_convert("Europe/Berlin")
        return local.tz_localize(None).to_numpy().astype("datetime64[s]").astype(np.int64)

    return busday_recipe(wall(a), wall(b), german)


def medians(runs: int, contenders: dict[str, Callable[[], Ints]]) -> dict[str, float]:
    """Median seconds of each, run in turn ``runs`` times (interleaved, so a slow moment of
    the machine hits every contender alike)."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, run in contenders.items():
            t = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(found) for name, found in times.items()}


def business_duration_agrees(schedule: Schedule, a: Ints, b: Ints) -> str:
    """The UTC case against the business-duration package, row by row, on a sample."""
    from business_duration import businessDuration

    ours = business_seconds_coded([schedule], None, a, b)

    def naive(t: int) -> datetime:
        return datetime.fromtimestamp(t, UTC).replace(tzinfo=None)

    weekend = [5, 6]
    theirs = [
        businessDuration(naive(int(x)), naive(int(y)), clock(9), clock(17), weekend, None, "sec")
        for x, y in zip(a, b, strict=True)
    ]
    same = sum(int(np.nan_to_num(t, nan=0)) == o for t, o in zip(theirs, ours, strict=True))
    return f"business-duration 0.68 agrees on {same:,} of {len(a):,} sampled rows"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--check-rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    console = Console(width=150)
    n = args.rows
    starts, ends = make_rows(n, args.seed)
    years = range(2024, 2028)
    german = np.array(sorted(holidays.country_holidays("DE", years=years)), dtype="datetime64[D]")
    cases = [
        ("Berlin 09-17 + German holidays", "numpy + pandas recipe", 2.0,
         Schedule.build("Europe/Berlin", "09:00-17:00", holidays="DE"),
         lambda: berlin_recipe(starts, ends, german)),
        ("UTC 09-17", "numpy.busday_count recipe", 1.0,
         Schedule.build("UTC", "09:00-17:00"),
         lambda: busday_recipe(starts, ends)),
    ]  # fmt: skip
    people = ["p"] * n
    table = Table(title=f"Bulk working time, {n:,} rows, median of {args.runs} interleaved runs")
    for column in ("case", "implementation", "seconds", "M rows/s", "vs baseline", "target"):
        left = column in ("case", "implementation")
        table.add_column(column, justify="left" if left else "right")
    for label, baseline, target, schedule, recipe in cases:
        ours = business_seconds_coded([schedule], None, starts, ends)
        theirs = recipe()
        same = int(np.sum(ours == theirs))
        if same != n:
            raise SystemExit(f"{label}: the kernel and the recipe differ on {n - same:,} rows")
        timed = medians(
            args.runs,
            {
                "kernel": lambda s=schedule: business_seconds_coded([s], None, starts, ends),
                "list": lambda s=schedule: business_seconds_bulk({"p": s}, people, starts, ends),
                "recipe": recipe,
            },
        )
        ratio = timed["recipe"] / timed["kernel"]
        met = "[green]meets[/green]" if ratio >= target else "[red]misses[/red]"
        rows = [
            ("sunrelay kernel (rows coded by person)", timed["kernel"],
             f"{ratio:.1f}×", f"≥ {target:g}×: {met}"),
            ("sunrelay from a list of person ids", timed["list"],
             f"{timed['recipe'] / timed['list']:.1f}×", ""),
            (f"{baseline} (baseline)", timed["recipe"], "1.0×", ""),
        ]  # fmt: skip
        for i, (name, seconds, versus, verdict) in enumerate(rows):
            table.add_row(label if i == 0 else "", name, f"{seconds:.4f}",
                          f"{n / seconds / 1e6:.1f}", versus, verdict)  # fmt: skip
        table.add_row("", f"answers identical on {same:,} of {n:,} rows", "", "", "", "")
    console.print(table)
    sample = slice(0, min(args.check_rows, n))
    console.print(business_duration_agrees(cases[1][3], starts[sample], ends[sample]))
    first, last = date(2025, 1, 1), date(2026, 12, 31)
    console.print(f"rows start between {first} and {last} and last up to 30 days")


if __name__ == "__main__":
    main()
