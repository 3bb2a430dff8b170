"""The DORA keys for a large organisation, against the same aggregation in DuckDB.

A year for 3,400 engineers: 1,000,000 merged pull requests and 100,000 deployments (facts
written in bulk, as `delivery.py` writes its year). Sunrelay's `dora` mode computes the keys
over the last twelve weeks from its database (`queries.dora_keys`: the stretch of history
the window needs, read from the facts derived as deliveries arrive, `queries.window_keys`,
ADR 25); the whole-history reader is timed beside it, and so is deriving those facts from
scratch (what a migration or a bulk load pays once; ingestion keeps them as it goes).
Baseline, in the same run: the same definitions written as one SQL query in DuckDB over the
raw rows, loaded into DuckDB first (the load is printed, not counted). All answers are
printed; they must agree. Target: Sunrelay within 2x of DuckDB.

DuckDB is a benchmark-only dependency (`pip install duckdb`; `make bench` installs it).

    python benchmarks/delivery_duckdb.py [--pulls 1000000] [--deployments 100000]
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import time
from datetime import date, timedelta

from rich.console import Console
from rich.table import Table

from harness import hub, verdict

# The `dora` mode of docs/delivery.md as one query. Positions on the default branch are each
# commit's first arrival; a deployment ships the commits after the furthest position any
# earlier successful deployment reached, up to its own; the first one is a baseline.
DORA_SQL = """
WITH
main AS (
  SELECT repo, sha, MIN(rn) AS pos FROM (
    SELECT repo, sha, row_number() OVER (
      PARTITION BY repo ORDER BY pushed_at, push_id, position) AS rn
    FROM mainc) GROUP BY repo, sha),
dated AS (
  SELECT d.pk, d.id, d.repo, d.environment, d.sha,
         MIN(s.created_at) FILTER (WHERE s.state = 'success') AS ok,
         MIN(s.created_at) FILTER (WHERE s.state IN ('failure', 'error')) AS bad
  FROM dep d JOIN st s ON s.deployment_id = d.pk GROUP BY ALL),
d2 AS (
  SELECT dated.*, COALESCE(ok, bad) AS dat, m.pos
  FROM dated LEFT JOIN main m USING (repo, sha) WHERE COALESCE(ok, bad) IS NOT NULL),
d3 AS (
  SELECT *,
    MAX(CASE WHEN ok IS NOT NULL THEN pos END) OVER w AS upto,
    COUNT(CASE WHEN ok IS NOT NULL AND pos IS NOT NULL THEN 1 END) OVER w AS earlier
  FROM d2
  WINDOW w AS (
    PARTITION BY repo ORDER BY dat, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
shipped AS (
  SELECT d3.pk, d3.repo, m.sha FROM d3
  JOIN main m ON m.repo = d3.repo AND m.pos > d3.upto AND m.pos <= d3.pos
  WHERE d3.ok IS NOT NULL AND d3.pos IS NOT NULL AND d3.earlier > 0),
prs AS (
  SELECT p.repo, p.merge_sha, COALESCE(MIN(b.first_at), p.created_at) AS first_commit
  FROM (SELECT *, MAX(merged_at) OVER (PARTITION BY repo, head_ref ORDER BY created_at
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev FROM pr) p
  LEFT JOIN br b ON b.repo = p.repo AND b.ref = 'refs/heads/' || p.head_ref
    AND b.pushed_at <= p.merged_at AND (p.prev IS NULL OR b.pushed_at > p.prev)
  WHERE p.merged_at IS NOT NULL AND p.base_is_default AND p.merge_sha <> ''
  GROUP BY p.repo, p.number, p.merge_sha, p.created_at),
issues AS (
  SELECT repo, number,
    arg_max(incident, (updated_at, event_id)) AS incident,
    arg_max(closed_at, (updated_at, event_id)) AS closed_at,
    arg_max(root_cause, (updated_at, event_id)) FILTER (WHERE root_cause <> '') AS cause
  FROM iss GROUP BY repo, number),
causes AS (  -- Incident issues, and Sunrelay incidents (any repository) naming a cause
  SELECT repo, cause, NULL::BIGINT AS deployment, closed_at FROM issues
  WHERE incident AND length(cause) >= 7
  UNION ALL
  SELECT NULL, cause_sha, cause_deployment, resolved_at FROM inc),
linked AS (
  SELECT DISTINCT d3.pk, c.closed_at FROM d3 JOIN causes c
    ON (c.repo IS NULL OR c.repo = d3.repo)
  WHERE d3.id = c.deployment OR (length(c.cause) >= 7 AND (
    starts_with(d3.sha, c.cause) OR EXISTS (
      SELECT 1 FROM shipped s WHERE s.pk = d3.pk AND starts_with(s.sha, c.cause))))),
judged AS (
  SELECT d3.*, (d3.bad IS NOT NULL OR l.pk IS NOT NULL) AS failed,
    (SELECT MIN(x.dat) FROM d3 x WHERE x.repo = d3.repo AND x.environment = d3.environment
       AND x.ok IS NOT NULL AND x.dat > d3.dat) AS next_ok,
    (SELECT MIN(l2.closed_at) FROM linked l2 WHERE l2.pk = d3.pk AND l2.closed_at > d3.dat)
      AS closed
  FROM d3 LEFT JOIN (SELECT DISTINCT pk FROM linked) l ON l.pk = d3.pk),
win AS (SELECT * FROM judged WHERE CAST(dat AS DATE) >= $start AND CAST(dat AS DATE) < $end),
lead AS (
  SELECT epoch(w.dat - c.first_commit) / 3600.0 AS hours FROM win w
  JOIN shipped s ON s.pk = w.pk JOIN prs c ON c.repo = s.repo AND c.merge_sha = s.sha)
SELECT
  (SELECT COUNT(*) FROM win) AS deployments,
  (SELECT quantile_cont(hours, 0.5) FROM lead) AS lead_median,
  (SELECT quantile_cont(hours, 0.9) FROM lead) AS lead_p90,
  (SELECT AVG(CASE WHEN failed THEN 1.0 ELSE 0.0 END) FROM win) AS cfr,
  (SELECT quantile_cont(epoch(LEAST(next_ok, closed) - dat) / 3600.0, 0.5)
     FROM win WHERE failed AND LEAST(next_ok, closed) IS NOT NULL) AS restore_median
"""

TABLES = {  # DuckDB name: the query over Sunrelay's SQLite tables
    "dep": "SELECT id AS pk, github_id AS id, repo, environment, sha FROM delivery_deployment "
    "WHERE production",
    "st": "SELECT deployment_id, state, created_at FROM delivery_status",
    "mainc": "SELECT p.repo, c.sha, p.pushed_at, c.push_id, c.position FROM delivery_pushcommit c "
    "JOIN delivery_push p ON p.event_id = c.push_id WHERE p.main",
    "pr": "SELECT repo, number, merge_sha, created_at, merged_at, head_ref, base_is_default "
    "FROM delivery_pullrequest",
    "br": "SELECT repo, ref, pushed_at, first_at FROM delivery_push "
    "WHERE NOT main AND first_at IS NOT NULL",
    "inc": "SELECT cause_sha, cause_deployment, resolved_at FROM incidents_incident "
    "WHERE NOT drill AND (cause_sha <> '' OR cause_deployment IS NOT NULL)",
    "iss": "SELECT repo, number, incident, COALESCE(root_cause, '') AS root_cause, closed_at, "
    "updated_at, event_id FROM delivery_issueevent",
}
TIMES = {
    "pushed_at", "created_at", "merged_at", "first_at", "closed_at", "updated_at", "resolved_at",
}  # fmt: skip
FLAGS = {"base_is_default", "incident"}  # SQLite keeps booleans as 0 and 1


def load(duck: object, path: str) -> float:
    """Sunrelay's rows into DuckDB tables, times parsed: the rows both sides compute from."""
    import pyarrow as pa

    began = time.perf_counter()
    source = sqlite3.connect(path)
    for name, query in TABLES.items():
        cursor = source.execute(query)
        columns = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
        arrays = {c: pa.array([r[i] for r in rows]) for i, c in enumerate(columns)}
        table = pa.table(arrays)
        duck.register(f"raw_{name}", table)  # type: ignore[attr-defined]
        casts = ", ".join(
            f"CAST({c} AS TIMESTAMPTZ) AS {c}"
            if c in TIMES
            else f"CAST({c} AS BOOLEAN) AS {c}"
            if c in FLAGS
            else c
            for c in columns
        )
        duck.execute(f"CREATE TABLE {name} AS SELECT {casts} FROM raw_{name}")  # type: ignore[attr-defined]
    return time.perf_counter() - began


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pulls", type=int, default=1_000_000)
    parser.add_argument("--deployments", type=int, default=100_000)
    args = parser.parse_args()
    import duckdb

    from delivery import org_file, year_of_facts

    console = Console(width=150)
    engineers = max(20, args.pulls // 300 // 20 * 20)
    with hub(demo=False) as made:
        made.django()
        from django.db import connection

        from sunrelay.delivery.ingest import derived
        from sunrelay.delivery.metrics import dora, queries
        from sunrelay.people import orgfile, service

        service.import_org(orgfile.parse(org_file(engineers)))
        began = time.perf_counter()
        pulls, deployments = year_of_facts(engineers, args.pulls, args.deployments)
        took = time.perf_counter() - began
        console.print(f"  wrote {pulls:,} pull requests and {deployments:,} deployments for "
                      f"{engineers:,} engineers in {took:.0f} s")  # fmt: skip
        end = date(2026, 11, 2)
        start = end - timedelta(weeks=12)
        timings, ours = [], {}
        for _ in range(2):
            began = time.perf_counter()
            ours = queries.dora_keys(start, end, queries.scope(None))
            timings.append(time.perf_counter() - began)
        began = time.perf_counter()  # the whole-history reader (trends, and the tests' oracle)
        whole = dora.compute(*queries.dora_rows(queries.scope(None)), start, end)
        whole_took = time.perf_counter() - began
        assert whole == ours, "the window reader and the whole history disagree"
        began = time.perf_counter()
        derived.derive_all()
        derive_took = time.perf_counter() - began
        assert queries.dora_keys(start, end, queries.scope(None)) == ours
        path = connection.settings_dict["NAME"]
        duck = duckdb.connect()
        duck.execute("SET TimeZone = 'UTC'")  # Django keeps UTC instants without an offset
        loaded = load(duck, str(path))
        theirs, duck_times = None, []
        for _ in range(3):
            began = time.perf_counter()
            theirs = duck.execute(DORA_SQL, {"start": start, "end": end}).fetchone()
            duck_times.append(time.perf_counter() - began)
    assert theirs is not None
    answer = (
        ours["deployments"],
        ours["lead_time_hours"]["median"],
        ours["lead_time_hours"]["p90"],
        ours["change_failure_rate"]["value"],
        ours["time_to_restore_hours"]["median"],
    )
    agree = all(same(a, b) for a, b in zip(answer, theirs, strict=True))
    mine, floor = min(timings), min(duck_times)
    table = Table(title=f"The DORA keys, twelve weeks of a year of {pulls:,} pull requests and "
                        f"{deployments:,} deployments (SQLite)")  # fmt: skip
    for column in ("what", "seconds", "x DuckDB", "target", "verdict"):
        table.add_column(column, justify="left" if column == "what" else "right")
    table.add_row("baseline: one SQL query in DuckDB (best of 3)", f"{floor:.2f}", "1.0", "", "")
    table.add_row("  (loading the rows into DuckDB first, not counted)", f"{loaded:.1f}", "", "",
                  "")  # fmt: skip
    ratio = mine / floor
    table.add_row("`dora_keys` from the database (best of 2)", f"{mine:.2f}", f"{ratio:.1f}",
                  "< 2x", verdict(ratio, 2, higher_is_better=False))  # fmt: skip
    table.add_row("  (the same keys from the whole history, `dora_rows`)", f"{whole_took:.2f}",
                  f"{whole_took / floor:.1f}", "", "")  # fmt: skip
    table.add_row("  (deriving landings and first commits from scratch, paid once)",
                  f"{derive_took:.1f}", "", "", "")  # fmt: skip
    console.print(table)
    console.print(f"  Sunrelay: {answer}")
    console.print(f"  DuckDB:   {tuple(theirs)}")
    console.print("  the same answer" if agree else "  [red]the answers differ[/red]")


if __name__ == "__main__":
    main()
