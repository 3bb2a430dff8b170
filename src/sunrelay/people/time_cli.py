"""``sunrelay time``: working-time questions, from the database or straight from a file."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date, timedelta
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from sunrelay.cli.support import django_setup, err, fail, handles_errors, out, print_json
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.people import timequery
from sunrelay.people.logic import Directory
from sunrelay.people.orgfile import OrgFileInvalid
from sunrelay.people.sources import read_source
from sunrelay.worktime import format_instant

time_app = typer.Typer(
    no_args_is_help=True,
    help="Working time: hours, who is online, overlap, meeting slots, follow-the-sun chains.",
)

ORG = typer.Option(None, "--org", help="Answer from this org file; no database needed.")
JSON = typer.Option(False, "--json", help="Print JSON.")
TEAM = typer.Option(None, "--team", help="Everyone in this team and its pods.")


def directory(
    org: Path | None, people: list[str] | None = None, team: str | None = None
) -> Directory:
    if org is not None:
        try:
            spec, _ = read_source([str(org)])
        except OrgFileInvalid as exc:
            raise fail(f"{org} is not valid:\n" + "\n".join(map(str, exc.problems))) from None
        return Directory.from_spec(spec)
    django_setup()
    from sunrelay.people.queries import load_directory

    return load_directory(people, team=team)


def _hours(seconds: int) -> str:
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"


@time_app.command("business-hours")
@handles_errors
def business_hours(
    person: str | None = typer.Argument(None),
    start: str | None = typer.Argument(None, metavar="FROM", help="ISO-8601 instant."),
    end: str | None = typer.Argument(None, metavar="TO", help="ISO-8601 instant."),
    batch: Path | None = typer.Option(None, "--batch", help="CSV of person,from,to ('-': stdin)."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Batch output (default stdout)."
    ),
    errors: Path | None = typer.Option(
        None, "--errors", help="Batch: write each bad row here (line,person,from,to,problem)."
    ),
    org: Path | None = ORG,
    as_json: bool = JSON,
) -> None:
    """Working time of PERSON between FROM and TO; or of every row of --batch."""
    if batch is not None:
        _batch(batch, output, errors, org)
        return
    if not (person and start and end):
        raise fail("give PERSON FROM TO, or --batch CSV", 2)
    result = timequery.business_hours(directory(org, [person]), person, start, end)
    if as_json:
        print_json(result)
    else:
        out.print(
            f"{person}: {_hours(result['seconds'])} of working time "
            f"({result['seconds']} s) from {result['from']} to {result['to']}"
        )


def _batch(batch: Path, output: Path | None, errors: Path | None, org: Path | None) -> None:
    """Stream the rows through people.batch: good rows out, bad ones reported with their
    line (to --errors, else stderr), a progress bar when stderr is a terminal, exit 1 when any
    row failed."""
    from sunrelay.people import batch as streaming

    try:
        source = sys.stdin.buffer if str(batch) == "-" else batch.open("rb")
    except OSError as exc:
        raise ValidationFailed(f"cannot read {batch}: {exc.strerror}", field="batch") from None
    source = source if hasattr(source, "peek") else io.BufferedReader(source)
    size = batch.stat().st_size if str(batch) != "-" else 0
    sink = output.open("wb") if output else sys.stdout.buffer
    report = errors.open("w", newline="", encoding="utf-8") if errors else None
    problems = csv.writer(report, lineterminator="\n") if report else None
    if problems is not None:
        problems.writerow(["line", "person", "from", "to", "problem"])
    shown = 0

    def bad(line: int, fields: list[str], why: str) -> None:
        nonlocal shown
        if problems is not None:
            problems.writerow([line, *fields, why])
        elif shown < 20:
            err.print(f"line {line}: {why}", markup=False)
        shown += 1

    directory_ = directory(org)
    rows = TextColumn("{task.fields[rows]:,} rows")
    bar = Progress(TextColumn("{task.description}"), BarColumn(), rows, console=err,
                   transient=True, disable=not err.is_terminal)  # fmt: skip
    try:
        with source, bar:
            task = bar.add_task("Working time", total=size or None, rows=0)
            done = streaming.run(
                directory_, source, sink, errors=bad,
                progress=lambda rows: bar.update(task, completed=_read(source), rows=rows),
            )  # fmt: skip
    finally:
        if output:
            sink.close()
        if report is not None:
            report.close()
    if done.failed:
        where = f"see {errors}" if errors else ("the first 20 above" if done.failed > 20 else "")
        total = done.rows + len(done.misshapen)
        err.print(f"{done.failed:,} of {total:,} rows failed{'; ' + where if where else ''}")
        raise typer.Exit(1)


def _read(source: object) -> int:
    try:
        return int(source.tell())  # type: ignore[attr-defined]
    except (OSError, AttributeError, ValueError):
        return 0


@time_app.command("online")
@handles_errors
def online(
    at: str | None = typer.Option(None, "--at", help="ISO-8601 instant (default: now)."),
    team: str | None = TEAM,
    org: Path | None = ORG,
    as_json: bool = JSON,
) -> None:
    """Who is inside their working hours at an instant."""
    if at is None:
        from datetime import UTC, datetime

        at = format_instant(datetime.now(UTC))
    result = timequery.who_is_online(directory(org, None, team), at, team)
    if as_json:
        print_json(result)
    else:
        out.print(f"online at {result['at']}: " + (", ".join(result["online"]) or "nobody"))


def _people_or_team(people: list[str] | None, team: str | None) -> list[str]:
    if people and team:
        raise fail("name people or --team, not both", 2)
    return people or []


@time_app.command("overlap")
@handles_errors
def overlap(
    people: list[str] | None = typer.Argument(None, metavar="[PERSON]..."),
    team: str | None = TEAM,
    start: str = typer.Option(..., "--from", help="ISO-8601 instant."),
    end: str = typer.Option(..., "--to", help="ISO-8601 instant."),
    org: Path | None = ORG,
    as_json: bool = JSON,
) -> None:
    """When everyone named is working at once."""
    ids = _people_or_team(people, team)
    result = timequery.common_overlap(directory(org, ids or None, team), ids, team, start, end)
    if as_json:
        print_json(result)
        return
    if not result["windows"]:
        out.print(f"no common working time for {', '.join(result['people'])}")
        return
    for s, e in result["windows"]:
        out.print(f"{s} → {e}")
    out.print(f"total {_hours(result['total_seconds'])}")


@time_app.command("slots")
@handles_errors
def slots(
    people: list[str] | None = typer.Argument(None, metavar="[PERSON]..."),
    team: str | None = TEAM,
    duration: str = typer.Option("30m", "--duration", help="e.g. 30m, 1h, 1h30m."),
    start: str = typer.Option(..., "--from", help="ISO-8601 instant."),
    end: str = typer.Option(..., "--to", help="ISO-8601 instant."),
    limit: int = typer.Option(5, "--limit"),
    org: Path | None = ORG,
    as_json: bool = JSON,
) -> None:
    """Meeting slots, fewest minutes outside anyone's working hours first."""
    ids = _people_or_team(people, team)
    result = timequery.meeting_slots(
        directory(org, ids or None, team), ids, team, duration, start, end, limit
    )
    if as_json:
        print_json(result)
        return
    table = Table("start (UTC)", "end", "minutes outside hours", "who")
    for s in result["slots"]:
        who = (
            ", ".join(f"{o['person']} {o['minutes']}m" for o in s["outside"]) or "everyone in hours"
        )
        table.add_row(s["start"], s["end"], str(s["outside_minutes"]), who)
    out.print(table if result["slots"] else "no slot fits in that range")


@time_app.command("chain")
@handles_errors
def chain(
    team: str = typer.Option(..., "--team"),
    day: str | None = typer.Option(None, "--date", help="A typical day (default: next Wednesday)."),
    org: Path | None = ORG,
    as_json: bool = JSON,
) -> None:
    """The team's follow-the-sun order: who hands over to whom, when, with what overlap."""
    when = _day(day)
    result = timequery.follow_the_sun(directory(org, None, team), team, when)
    if as_json:
        print_json(result)
        return
    table = Table("from", "to", "hand-over (UTC)", "overlap")
    for h in result["handoffs"]:
        minutes = h["overlap_minutes"]
        gap = f"+{minutes} min" if minutes >= 0 else f"gap {-minutes} min"
        table.add_row(h["from"], h["to"], h["at_utc"], gap)
    out.print(f"{team} on {result['date']} ({result['units']})")
    out.print(table if result["handoffs"] else "nobody works that day")
    if result["off"]:
        out.print("off that day: " + ", ".join(result["off"]))


def _day(text: str | None) -> date:
    if text:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValidationFailed(
                f"{text!r} is not a date like 2026-03-04", field="date"
            ) from None
    today = clock.now().date()
    return today + timedelta(days=(2 - today.weekday()) % 7 or 7)
