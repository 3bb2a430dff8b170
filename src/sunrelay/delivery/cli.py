"""``sunrelay delivery``: webhook sources, deliveries from a file, deriving facts again; and
``sunrelay metrics``: the DORA keys."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from sunrelay.cli.support import django_setup, err, handles_errors, out, print_json
from sunrelay.core.errors import ValidationFailed

delivery_app = typer.Typer(
    no_args_is_help=True, help="Delivery data: GitHub webhooks, backfills, deployments."
)
metrics_app = typer.Typer(no_args_is_help=True, help="Delivery metrics: the DORA keys.")

JSON = typer.Option(False, "--json", help="Print JSON.")
FROM = typer.Option(..., "--from", help="First day, YYYY-MM-DD (UTC).")
TO = typer.Option(..., "--to", help="The day after the last, YYYY-MM-DD.")
TEAM = typer.Option(None, "--team", help="Only this team's repositories.")
REPO = typer.Option(None, "--repo", help="Only OWNER/NAME.")


@delivery_app.command("add-source")
@handles_errors
def add_source(
    source_id: str = typer.Argument(..., metavar="ID"),
    name: str = typer.Option("", "--name"),
) -> None:
    """A GitHub webhook source: prints its payload URL and signing secret, once."""
    django_setup()
    from sunrelay.delivery import service

    made = service.create_source(source_id, name)
    out.print(f"Payload URL:   {made.url}")
    out.print(f"Secret:        {made.signing_secret}")
    out.print("Content type:  application/json")
    out.print(
        "Events:        push, pull requests, pull request reviews, deployments, "
        "deployment statuses, issues"
    )
    err.print("Both are shown this once; Sunrelay keeps only what it needs to check them.")


@delivery_app.command("rotate-source")
@handles_errors
def rotate_source(source_id: str = typer.Argument(..., metavar="ID")) -> None:
    """A new payload URL and secret for a source; the old ones stop working at once."""
    django_setup()
    from sunrelay.delivery import service

    made = service.rotate_source(source_id)
    out.print(f"Payload URL:   {made.url}")
    out.print(f"Secret:        {made.signing_secret}")
    err.print("Both are shown this once. Update the webhook on GitHub: until then its deliveries "
              "are refused.")  # fmt: skip


@delivery_app.command("sources")
@handles_errors
def list_sources(as_json: bool = JSON) -> None:
    """The webhook sources and when each last delivered."""
    django_setup()
    from sunrelay.delivery import service

    found = service.sources()
    rows = [{"id": s.slug, "name": s.name, "last_received_at": s.last_received_at} for s in found]
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("No delivery sources yet: `sunrelay delivery add-source github`.")
        return
    table = Table("id", "name", "last delivery")
    for r in rows:
        table.add_row(str(r["id"]), str(r["name"]), str(r["last_received_at"] or "never"))
    out.print(table)


@delivery_app.command("ingest")
@handles_errors
def ingest(
    file: Path = typer.Argument(..., help="JSONL, one delivery per line; - for stdin."),
    as_json: bool = JSON,
) -> None:
    """Deliveries from a file, each line exactly
    {"event": "<X-GitHub-Event>", "delivery": "<X-GitHub-Delivery>", "payload": {…}}."""
    django_setup()
    from sunrelay.delivery import service

    try:
        source = sys.stdin if str(file) == "-" else file.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ValidationFailed(f"cannot read {file}: {exc.strerror}", field="file") from None
    lines = TextColumn("{task.completed:,.0f} lines")
    bar = Progress(TextColumn("Ingesting"), BarColumn(), lines, console=err, transient=True,
                   disable=not err.is_terminal)  # fmt: skip
    with source, bar:
        task = bar.add_task("ingest", total=None)
        report = service.ingest(source, progress=lambda n: bar.advance(task, n))
    if as_json:
        print_json(report.json())
    else:
        out.print(
            f"{report.new:,} new, {report.duplicate:,} duplicate, {len(report.rejected):,} rejected"
        )
        for line, reason in report.rejected[:50]:
            err.print(f"line {line}: {reason}", markup=False)
        if len(report.rejected) > 50:
            err.print(f"… and {len(report.rejected) - 50:,} more (--json lists them all)")
    if report.rejected:
        raise typer.Exit(1)


@delivery_app.command("ingest-git")
@handles_errors
def ingest_git(
    path: Path = typer.Argument(..., help="A local clone."),
    repo: str | None = typer.Option(None, "--repo", help="OWNER/NAME (default: from origin)."),
) -> None:
    """Backfill the default branch's commits and merged branches from a local repository."""
    django_setup()
    from sunrelay.delivery import service

    with err.status("Reading the repository…"):
        report = service.ingest_git(str(path), repo)
    out.print(f"{report.new:,} new, {report.duplicate:,} already known")


@delivery_app.command("deploy")
@handles_errors
def deploy(
    repo: str = typer.Option(..., "--repo", help="OWNER/NAME"),
    sha: str = typer.Option(..., "--sha", help="The commit deployed."),
    environment: str = typer.Option("production", "--environment"),
    status: str = typer.Option(..., "--status", help="success, failure, error, in_progress"),
    at: str = typer.Option("", "--at", help="ISO-8601 instant (default: now)."),
    deployment: str = typer.Option("", "--id", help="Names the deployment across statuses."),
) -> None:
    """Record a deployment from a CI system other than GitHub."""
    django_setup()
    from sunrelay.core import clock
    from sunrelay.delivery import service

    when = clock.read_instant(at or None, "at", default_now=True)
    payload = {"repo": repo, "sha": sha, "environment": environment, "status": status,
               "time": when.isoformat(), "id": deployment or None}  # fmt: skip
    taken = service.record_deployment(payload)
    out.print("recorded" if taken.stored else "already recorded")


@delivery_app.command("rebuild")
@handles_errors
def rebuild() -> None:
    """Derive every fact again from the stored deliveries (after a parser fix)."""
    django_setup()
    from sunrelay.delivery import service

    done = service.rebuild()
    out.print(f"{done.events:,} deliveries read again; {len(done.unreadable):,} unreadable")
    for delivery, reason in done.unreadable[:50]:
        err.print(f"{delivery}: {reason}", markup=False)


@metrics_app.command("dora")
@handles_errors
def dora_keys(
    start: str = FROM,
    end: str = TO,
    team: str | None = TEAM,
    repo: str | None = REPO,
    mode: str = typer.Option("dora", "--mode", help="dora (Sunrelay's) or fourkeys."),
    bands: str = typer.Option("2024", "--bands", help="The DORA report whose bands: 2024, …"),
    as_json: bool = JSON,
) -> None:
    """The four DORA keys over [--from, --to)."""
    django_setup()
    from sunrelay.delivery.metrics import queries

    result = queries.dora_keys(*queries.asked(start, end, team, repo), mode, bands)
    if as_json:
        print_json(result)
        return
    table = Table("key", "value", "bucket", title=f"DORA ({mode}) {start} → {end}")
    freq, lead = result["deployment_frequency"], result["lead_time_hours"]
    cfr, ttr = result["change_failure_rate"], result["time_to_restore_hours"]
    table.add_row("deployments", f"{result['deployments']:,}", "")
    table.add_row("per week", f"{freq['per_week']:.2f}", freq["bucket"])
    table.add_row("lead time (median h)", _num(lead["median"]), lead["bucket"])
    table.add_row("change failure rate", _num(cfr["value"], "{:.1%}"), cfr["bucket"])
    table.add_row("time to restore (median h)", _num(ttr["median"]), ttr["bucket"])
    out.print(table)


@metrics_app.command("prs")
@handles_errors
def pull_requests(
    start: str = FROM,
    end: str = TO,
    team: str | None = TEAM,
    repo: str | None = REPO,
    as_json: bool = JSON,
) -> None:
    """Pull-request flow over [--from, --to): each stage in the working time of whoever it
    waited on and in calendar time, sizes, review requests against the team's agreement, and
    work in progress per engineer now."""
    django_setup()
    from sunrelay.delivery.metrics import prs, queries

    result = prs.pr_flow(*queries.asked(start, end, team, repo), team)
    if as_json:
        print_json(result)
        return
    table = Table("stage", "count", "median (working h)", "p90 (working h)",
                  "median (calendar h)", title=f"Pull requests {start} → {end}")  # fmt: skip
    for stage, row in result["stages"].items():
        working, calendar = row["working_hours"], row["calendar_hours"]
        table.add_row(stage, str(row["count"]), _num(working["median"]), _num(working["p90"]),
                      _num(calendar["median"]))  # fmt: skip
    out.print(table)
    sla = result["review_sla"]
    out.print(
        f"Review requests answered in time: {sla['in_time']} of {sla['requests']}"
        + (f" ({sla['share']:.0%})" if sla["share"] is not None else "")
    )
    over = [w for w in result["wip"] if w["over"]]
    for w in over:
        out.print(f"{w['person']}: {w['total']} in flight (agreed {w['limit']})")
    if result["unmapped"]:
        err.print("Not in the directory (add github: to people): " + ", ".join(result["unmapped"]))


def _num(value: float | None, shape: str = "{:.1f}") -> str:
    return "—" if value is None else shape.format(value)
