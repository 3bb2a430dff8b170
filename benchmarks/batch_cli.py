"""`sunrelay time business-hours --batch`, whole process, against the pyarrow floor.

Baseline, measured in the same run on the same file: a minimal pyarrow script that reads the
CSV, converts both instants with Arrow, subtracts them and writes the CSV back (the floor of
any pyarrow-based answer: no working time at all). Targets (the performance issue): the CLI
within 1.5x of that floor on 1 M rows, and 10 M rows in under 400 MiB. Time and peak memory
are each process's own (``os.wait4``), best of 3 with bytecode cached as in an install. The
CLI's answers are checked against single questions on a sample of rows first.

    python benchmarks/batch_cli.py [--rows 1000000] [--big-rows 10000000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from harness import measure

ROOT = Path(__file__).resolve().parents[1]
ORG = ROOT / "src" / "sunrelay" / "people" / "demo" / "org.yaml"
PEOPLE = ["ana", "bruno", "chloe", "mia", "yuki", "sagar", "liam", "noah", "olivia", "sofia"]
FLOOR = """
import sys
import pyarrow as pa, pyarrow.compute as pc, pyarrow.csv as c
t = c.read_csv(sys.argv[1], convert_options=c.ConvertOptions(column_types={
    "person": pa.string(), "from": pa.string(), "to": pa.string()}))
a = pc.cast(pc.cast(t["from"], pa.timestamp("s", "UTC")), pa.int64())
b = pc.cast(pc.cast(t["to"], pa.timestamp("s", "UTC")), pa.int64())
c.write_csv(t.append_column("seconds", pc.subtract(b, a)), sys.argv[2],
            c.WriteOptions(quoting_style="none", quoting_header="none"))
"""


def write_rows(path: Path, n: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    start = int(datetime(2026, 1, 5, tzinfo=UTC).timestamp())
    a = start + 60 * rng.integers(0, 300 * 1440, n)
    b = a + 60 * rng.integers(0, 10 * 1440, n)
    who = rng.integers(0, len(PEOPLE), n)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    with path.open("w") as f:
        f.write("person,from,to\n")
        for lo in range(0, n, 100_000):
            f.writelines(
                f"{PEOPLE[w]},{datetime.fromtimestamp(int(x), UTC):{fmt}},"
                f"{datetime.fromtimestamp(int(y), UTC):{fmt}}\n"
                for w, x, y in zip(who[lo:lo + 100_000], a[lo:lo + 100_000], b[lo:lo + 100_000],
                                   strict=True)
            )  # fmt: skip


def check(rows: Path, out: Path, sample: int = 200) -> None:
    """The CLI's answers equal single questions on a sample of rows."""
    sys.path.insert(0, str(ROOT / "src"))
    from sunrelay.people import timequery
    from sunrelay.people.logic import Directory

    sys.argv = sys.argv[:1]
    spec = _org()
    directory = Directory.from_spec(spec)
    lines = out.read_text().splitlines()[1 : sample + 1]
    for line in lines:
        person, a, b, seconds = line.split(",")
        assert int(seconds) == timequery.business_hours(directory, person, a, b)["seconds"], line


def _org():  # type: ignore[no-untyped-def]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunrelay.settings")
    os.environ.setdefault("SUNRELAY_VAR", tempfile.mkdtemp(prefix="sunrelay-bench-"))
    import django

    django.setup()  # the org file's on-call sections are registered by the apps
    from sunrelay.people.sources import read_source

    return read_source([str(ORG)])[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--big-rows", type=int, default=10_000_000)
    args = parser.parse_args()
    console = Console(width=150)
    sunrelay = [sys.executable, "-m", "sunrelay", "time", "business-hours"]
    with tempfile.TemporaryDirectory() as tmp:
        rows, out, floor_out = Path(tmp, "rows.csv"), Path(tmp, "out.csv"), Path(tmp, "f.csv")
        write_rows(rows, args.rows)
        cli = [*sunrelay, "--batch", str(rows), "-o", str(out), "--org", str(ORG)]
        ours, ours_mb = min(measure(cli, tmp) for _ in range(3))
        check(rows, out)
        floor, floor_mb = min(measure([sys.executable, "-c", FLOOR, str(rows), str(floor_out)], tmp)
                              for _ in range(3))  # fmt: skip
        table = Table(title=f"business hours, whole process, {args.rows:,} rows (best of 3)")
        for column in ("implementation", "seconds", "rows/s", "peak MiB", "target"):
            table.add_column(column, justify="left" if column == "implementation" else "right")
        ratio = ours / floor
        table.add_row(
            "sunrelay time business-hours --batch",
            f"{ours:.2f}",
            f"{args.rows / ours:,.0f}",
            f"{ours_mb:.0f}",
            f"≤ 1.5× floor: {ratio:.2f}× {'meets' if ratio <= 1.5 else 'MISSES'}",
        )
        table.add_row("pyarrow read + convert + write (floor, baseline)", f"{floor:.2f}",
                      f"{args.rows / floor:,.0f}", f"{floor_mb:.0f}", "")  # fmt: skip
        if args.big_rows:
            big = Path(tmp, "big.csv")
            write_rows(big, args.big_rows, seed=8)
            rows.unlink()
            big_cli = [*sunrelay, "--batch", str(big), "-o", str(out), "--org", str(ORG)]
            seconds, mb = measure(big_cli, tmp)
            big_floor = [sys.executable, "-c", FLOOR, str(big), str(floor_out)]
            floor_big, floor_big_mb = measure(big_floor, tmp)
            table.add_row(f"sunrelay --batch, {args.big_rows:,} rows", f"{seconds:.2f}",
                          f"{args.big_rows / seconds:,.0f}", f"{mb:.0f}",
                          f"< 400 MiB: {'meets' if mb < 400 else 'MISSES'}")  # fmt: skip
            table.add_row(f"floor, {args.big_rows:,} rows (all in memory)", f"{floor_big:.2f}",
                          f"{args.big_rows / floor_big:,.0f}", f"{floor_big_mb:.0f}",
                          f"{seconds / floor_big:.2f}× at this size")  # fmt: skip
        console.print(table)


if __name__ == "__main__":
    main()
