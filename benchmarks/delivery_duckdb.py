"""The DORA keys for a large organisation, against the same aggregation in DuckDB.

A year for 3,400 engineers: 1,000,000 merged pull requests and 100,000 deployments (facts
written in bulk, as `delivery.py` writes its year). Sunrelay's `dora` mode computes the keys
over the last twelve weeks from its database (`queries.dora_keys`: the stretch of history
the window needs, read from the facts derived as deliveries arrive, `queries.window_keys`,
ADR 25); the whole-history reader is timed beside it, and so is deriving those facts from
scratch (what a migration or a bulk load pays once; ingestion keeps them as it goes).
Baseline, in the same run: the same definitions written as one SQL query in DuckDB over the
raw rows, loaded into DuckDB first (the load is printed, not counted). All answers are
printed; they must agree. Then the pull-request figures (`prs.pr_flow`, read as columns from
the review facts kept as deliveries arrive, ADR 26) against the calendar time of their stages
as one DuckDB query (working time has no SQL equivalent), compared stage by stage, and
against the same figures worked out pull request by pull request (`pr_flow_by_pull`).
Target: Sunrelay within 2x of DuckDB.

DuckDB is a benchmark-only dependency (`pip install duckdb`; `make bench` installs it).

    python benchmarks/delivery_duckdb.py [--pulls 1000000] [--deployments 100000]
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta

from rich.console import Console
from rich.table import Table

from harness import hub, verdict

# The `dora` mode of docs/delivery.md as one query. Positions on the default branch are each
# commit's first arrival; a deployment ships the commits after the furthest position any
# earlier successful deployment reached, up to its own; the first one is a baseline.
SHIPPING = """
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
  GROUP BY p.repo, p.number, p.merge_sha, p.created_at)
"""
DORA_SQL = (
    "WITH "
    + SHIPPING
    + """,
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
)

# The calendar time of the pull-request stages of docs/delivery.md as one query, for the pull
# requests that became ready for review in [start, end): coding (first commit to ready),
# pickup (the review request, or ready, to the first human review), review (first review to
# the first approval after it), merge (the end of the stage before to the merge) and deploy
# (the merge to the deployment that shipped its commit). Working time has no SQL equivalent.
PULLS_SQL = (
    "WITH "
    + SHIPPING
    + """,
firsts AS (  -- every pull request's first commit, merged or not
  SELECT p.id, COALESCE(MIN(b.first_at), p.created_at) AS first_commit
  FROM (SELECT *, MAX(merged_at) OVER (PARTITION BY repo, head_ref ORDER BY created_at, id
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev FROM pr) p
  LEFT JOIN br b ON b.repo = p.repo AND b.ref = 'refs/heads/' || p.head_ref
    AND (p.merged_at IS NULL OR b.pushed_at <= p.merged_at)
    AND (p.prev IS NULL OR b.pushed_at > p.prev)
  GROUP BY p.id, p.created_at),
deployed AS (
  SELECT s.repo, s.sha, MIN(d3.dat) AS at FROM shipped s JOIN d3 ON d3.pk = s.pk
  GROUP BY s.repo, s.sha),
ready AS (
  SELECT p.*, f.first_commit, dp.at AS deployed_at,
    COALESCE(p.ready_at, CASE WHEN p.draft THEN NULL ELSE p.created_at END) AS ready
  FROM pr p JOIN firsts f ON f.id = p.id
  LEFT JOIN deployed dp ON dp.repo = p.repo AND dp.sha = p.merge_sha AND p.merge_sha <> ''
  WHERE p.created_at < $hi AND p.updated_at >= $lo),
win AS (SELECT * FROM ready WHERE ready >= $lo AND ready < $hi),
asked AS (
  SELECT q.pull_id, MIN(q.requested_at) FILTER (WHERE q.requested_at >= w.ready) AS asked,
    BOOL_OR(q.requested_at < w.ready) AS before
  FROM rq q JOIN win w ON w.id = q.pull_id GROUP BY q.pull_id),
human AS (
  SELECT v.pull_id, v.state, v.submitted_at FROM rv v JOIN win w ON w.id = v.pull_id
  WHERE NOT (v.reviewer LIKE '%[bot]' OR v.reviewer_type = 'Bot')
    AND lower(v.reviewer) <> lower(w.author)),
first_review AS (
  SELECT h.pull_id, MIN(h.submitted_at) AS at FROM human h JOIN win w ON w.id = h.pull_id
  WHERE h.submitted_at >= w.created_at GROUP BY h.pull_id),
approval AS (
  SELECT h.pull_id, MIN(h.submitted_at) AS at FROM human h JOIN first_review f USING (pull_id)
  WHERE h.state = 'approved' AND h.submitted_at >= f.at GROUP BY h.pull_id),
staged AS (
  SELECT w.*, f.at AS first_at, a.at AS approved_at,
    CASE WHEN k.asked IS NOT NULL AND NOT k.before THEN k.asked ELSE w.ready END AS pick
  FROM win w LEFT JOIN asked k ON k.pull_id = w.id
  LEFT JOIN first_review f ON f.pull_id = w.id LEFT JOIN approval a ON a.pull_id = w.id),
intervals AS (
  SELECT 'coding' AS stage, first_commit AS s, ready AS e FROM staged
  UNION ALL SELECT 'pickup', pick, greatest(pick, first_at) FROM staged
    WHERE first_at IS NOT NULL
  UNION ALL SELECT 'review', first_at, approved_at FROM staged WHERE approved_at IS NOT NULL
  UNION ALL SELECT 'merge', greatest(ready, COALESCE(greatest(pick, first_at), ready),
                                     COALESCE(approved_at, ready)), merged_at
    FROM staged WHERE merged_at IS NOT NULL
  UNION ALL SELECT 'deploy', merged_at, deployed_at FROM staged
    WHERE merged_at IS NOT NULL AND deployed_at IS NOT NULL)
SELECT stage, COUNT(*),
  quantile_cont(greatest(epoch(e - s), 0) / 3600.0, 0.5),
  quantile_cont(greatest(epoch(e - s), 0) / 3600.0, 0.9)
FROM intervals GROUP BY stage ORDER BY stage
"""
)

TABLES = {  # DuckDB name: the query over Sunrelay's SQLite tables
    "dep": "SELECT id AS pk, github_id AS id, repo, environment, sha FROM delivery_deployment "
    "WHERE production",
    "st": "SELECT deployment_id, state, created_at FROM delivery_status",
    "mainc": "SELECT p.repo, c.sha, p.pushed_at, c.push_id, c.position FROM delivery_pushcommit c "
    "JOIN delivery_push p ON p.event_id = c.push_id WHERE p.main",
    "pr": "SELECT id, repo, number, merge_sha, created_at, merged_at, head_ref, base_is_default, "
    "author, draft, ready_at, updated_at FROM delivery_pullrequest",
    "rq": "SELECT pull_id, requested_at FROM delivery_reviewrequest",
    "rv": "SELECT pull_id, reviewer, reviewer_type, state, submitted_at FROM delivery_review",
    "br": "SELECT repo, ref, pushed_at, first_at FROM delivery_push "
    "WHERE NOT main AND first_at IS NOT NULL",
    "inc": "SELECT cause_sha, cause_deployment, resolved_at FROM incidents_incident "
    "WHERE NOT drill AND (cause_sha <> '' OR cause_deployment IS NOT NULL)",
    "iss": "SELECT repo, number, incident, COALESCE(root_cause, '') AS root_cause, closed_at, "
    "updated_at, event_id FROM delivery_issueevent",
}
TIMES = {
    "pushed_at", "created_at", "merged_at", "first_at", "closed_at", "updated_at", "resolved_at",
    "ready_at", "requested_at", "submitted_at",
}  # fmt: skip
FLAGS = {"base_is_default", "incident", "draft"}  # SQLite keeps booleans as 0 and 1


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
        pull_figures = compare_pulls(duck, start, end)
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
    table.add_row("  (deriving every kept fact from scratch: paid once)",
                  f"{derive_took:.1f}", "", "", "")  # fmt: skip
    console.print(table)
    console.print(f"  Sunrelay: {answer}")
    console.print(f"  DuckDB:   {tuple(theirs)}")
    console.print("  the same answer" if agree else "  [red]the answers differ[/red]")
    console.print(pull_figures)


def compare_pulls(duck: object, start: date, end: date) -> Table:
    """The pull-request figures (`prs.pr_flow`: every stage in working and calendar time,
    review SLAs, sizes, work in progress) against the calendar time of their stages as one
    DuckDB query, answers compared stage by stage."""
    from sunrelay.delivery.metrics import prs, queries

    timings, ours = [], {}
    for _ in range(2):
        began = time.perf_counter()
        ours = prs.pr_flow(start, end, queries.scope(None))
        timings.append(time.perf_counter() - began)
    mine = min(timings)
    began = time.perf_counter()  # the same figures pull request by pull request (the oracle)
    by_pull = prs.pr_flow_by_pull(start, end, queries.scope(None))
    by_pull_took = time.perf_counter() - began
    assert by_pull == ours, "the columns and the pull-by-pull figures disagree"
    lo = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
    hi = datetime.combine(end, datetime.min.time(), tzinfo=UTC)
    rows, duck_times = [], []
    for _ in range(3):
        began = time.perf_counter()
        rows = duck.execute(PULLS_SQL, {"lo": lo, "hi": hi}).fetchall()  # type: ignore[attr-defined]
        duck_times.append(time.perf_counter() - began)
    theirs = {stage: (count, median, p90) for stage, count, median, p90 in rows}
    differ = [
        stage
        for stage, figures in ours["stages"].items()
        if figures["count"]
        and not (
            theirs.get(stage, (0,))[0] == figures["count"]
            and same(theirs[stage][1], figures["calendar_hours"]["median"])
            and same(theirs[stage][2], figures["calendar_hours"]["p90"])
        )
    ]
    floor = min(duck_times)
    table = Table(title=f"Pull-request figures, twelve weeks ({ours['pulls']:,} pull requests "
                        "ready for review)")  # fmt: skip
    for column in ("what", "seconds", "x DuckDB", "target", "verdict"):
        table.add_column(column, justify="left" if column == "what" else "right")
    table.add_row("baseline: their stages' calendar time, one SQL query in DuckDB (best of 3)",
                  f"{floor:.2f}", "1.0", "", "")  # fmt: skip
    table.add_row("`prs.pr_flow`: working and calendar time, SLAs, sizes, WIP (best of 2)",
                  f"{mine:.2f}", f"{mine / floor:.1f}", "< 2x",
                  verdict(mine / floor, 2, higher_is_better=False))  # fmt: skip
    table.add_row("  (the same, pull request by pull request: `pr_flow_by_pull`, same answer)",
                  f"{by_pull_took:.2f}", f"{by_pull_took / floor:.1f}", "", "")  # fmt: skip
    table.caption = (
        "calendar time of every stage: the same answer"
        if not differ
        else f"[red]calendar time differs for {', '.join(differ)}[/red]"
    )
    return table


if __name__ == "__main__":
    main()
