"""Business hours over many (person, from, to) rows: Sunrelay against `business-duration`.

Baseline: the `business-duration` package (PyPI, 0.68), computing the same rows one at a time
with the same single schedule: 09:00-17:00, Monday to Friday, no holidays, in UTC (the package
knows no time zones). Both answer in seconds; the script checks they agree on every row the
baseline computed, then prints both rates and the ratio.

Sunrelay is measured twice: the bulk kernel on epoch-second arrays (what jobs and metrics use)
and the whole CSV path of `sunrelay time business-hours --batch` (parsing ISO-8601 text, grouping,
writing rows). Rates are on one core (NumPy is single-threaded here).

    python benchmarks/business_hours.py [--rows 1000000] [--baseline-rows 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import io
import time
from datetime import UTC, datetime
from datetime import time as clock

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from sunrelay.people.logic import Directory, PersonSpec, normalize_hours
from sunrelay.people.timequery import business_hours_csv
from sunrelay.worktime import Schedule, business_seconds_bulk

console = Console()
EPOCH_2025 = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())


def make_rows(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    starts = EPOCH_2025 + 60 * rng.integers(0, 700 * 1440, n, dtype=np.int64)
    ends = starts + 60 * rng.integers(0, 30 * 1440, n, dtype=np.int64)
    return starts, ends


def best_of(runs: int, fn):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--baseline-rows",
        type=int,
        default=None,
        help="rows for the baseline (default: all of them)",
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n = args.rows
    nb = min(n, args.baseline_rows if args.baseline_rows is not None else n)
    starts, ends = make_rows(n, args.seed)
    schedule = Schedule.build("UTC", "09:00-17:00", ["mon", "tue", "wed", "thu", "fri"])
    people = np.full(n, "p", dtype=object)

    kernel_s, ours = best_of(
        3, lambda: business_seconds_bulk({"p": schedule}, people, starts, ends)
    )

    fmt = "%Y-%m-%dT%H:%M:%SZ"
    text = "".join(
        f"p,{datetime.fromtimestamp(int(a), UTC):{fmt}},"
        f"{datetime.fromtimestamp(int(b), UTC):{fmt}}\n"
        for a, b in zip(starts, ends, strict=True)
    )
    directory = Directory(
        [PersonSpec("p", "P", "UTC", working_hours=normalize_hours("09:00-17:00", None))]
    )
    csv_s, csv_rows = best_of(1, lambda: list(business_hours_csv(directory, io.StringIO(text))))
    assert [int(r[3]) for r in csv_rows[1:]] == ours.tolist()

    from business_duration import businessDuration

    naive_a = [datetime.fromtimestamp(int(a), UTC).replace(tzinfo=None) for a in starts[:nb]]
    naive_b = [datetime.fromtimestamp(int(b), UTC).replace(tzinfo=None) for b in ends[:nb]]
    theirs = np.empty(nb, dtype=np.float64)
    t = time.perf_counter()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("business-duration (baseline)", total=nb)
        for i in range(nb):
            theirs[i] = businessDuration(
                naive_a[i], naive_b[i], clock(9), clock(17), [5, 6], None, "sec"
            )
            if i % 5000 == 0:
                progress.update(task, completed=i)
    base_s = time.perf_counter() - t

    diff = np.abs(np.nan_to_num(theirs, nan=-1) - ours[:nb])
    same = int(np.sum(diff == 0))
    table = Table(title=f"business hours over {n:,} rows (one schedule, 09:00-17:00 Mon-Fri, UTC)")
    table.add_column("implementation")
    table.add_column("rows", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("rows/s", justify="right")
    table.add_column("vs baseline", justify="right")
    base_rate = nb / base_s
    for name, rows, secs in (
        ("sunrelay bulk kernel (epoch arrays)", n, kernel_s),
        ("sunrelay --batch CSV path (parse+compute+write)", n, csv_s),
        ("business-duration 0.68 (baseline)", nb, base_s),
    ):
        rate = rows / secs
        table.add_row(name, f"{rows:,}", f"{secs:.3f}", f"{rate:,.0f}", f"{rate / base_rate:,.0f}x")
    console.print(table)
    console.print(
        f"agreement with the baseline: {same:,} of {nb:,} rows identical; "
        f"largest difference {diff.max():.0f} s"
    )
    target = 1_000_000
    verdict = "meets" if n / kernel_s >= target else "MISSES"
    console.print(
        f"target: {target:,} rows/s on one core: the kernel {verdict} it "
        f"({n / kernel_s:,.0f} rows/s)"
    )


if __name__ == "__main__":
    main()
