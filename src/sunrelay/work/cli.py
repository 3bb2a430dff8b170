"""``sunrelay work``: initiatives, the team's board, capacity signals, valves, and the
initiatives as a YAML file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from sunrelay.cli.support import django_setup, fail, handles_errors, out, print_json

work_app = typer.Typer(no_args_is_help=True, help="Work in flight: initiatives, limits, valves.")
AS = typer.Option(None, "--as", help="Person id of whoever does it (none: an operator).")
JSON = typer.Option(False, "--json", help="Print JSON.")
REASON = typer.Option("", "--reason", help="Why; kept on the timeline.")


def _date(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"{field}: {text!r} is not a date like 2026-12-31") from None


def _show(pk: int, as_json: bool, message: str) -> None:
    from sunrelay.work import service
    from sunrelay.work.schemas import initiative_json

    if as_json:
        print_json(initiative_json(service.get_initiative(pk), detail=True))
    else:
        out.print(message)


@work_app.command("add")
@handles_errors
def add(
    title: str = typer.Argument(...),
    team: str = typer.Option(..., "--team"),
    dri: str = typer.Option(..., "--dri"),
    klass: str = typer.Option("", "--class", help="One of the team's classes (shed order)."),
    target: str = typer.Option("", "--target", help="Target date, YYYY-MM-DD."),
    criteria: list[str] = typer.Option([], "--criterion", help="An exit criterion (repeat)."),
    people: list[str] = typer.Option([], "--person", help="Someone assigned (repeat)."),
    depends_on: list[int] = typer.Option([], "--depends-on", help="An initiative id (repeat)."),
    actor: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """Propose an initiative for a team."""
    django_setup()
    from sunrelay.work import service

    draft = service.Draft(
        title=title,
        team=team,
        dri=dri,
        klass=klass or None,
        target=_date(target, "--target"),
        criteria=list(criteria),
        people=list(people),
        depends_on=list(depends_on),
    )
    found = service.add_initiative(draft, actor)
    _show(found.pk, as_json, f"Initiative #{found.pk} proposed for {team} ({found.klass}).")


def _moved(pk: int, verb: str, actor: str | None, reason: str, as_json: bool, **more: Any) -> None:
    django_setup()
    from sunrelay.work import service

    found = getattr(service, verb)(pk, actor, reason=reason, **more)
    _show(pk, as_json, f"#{pk} {found.title}: {found.state}.")


@work_app.command("start")
@handles_errors
def start(
    pk: int = typer.Argument(..., metavar="ID"),
    actor: str | None = AS,
    reason: str = REASON,
    force: bool = typer.Option(False, "--force", help="Beyond the limit (the lead; a reason)."),
    as_json: bool = JSON,
) -> None:
    """Start it, or queue it when the team is at its limit."""
    _moved(pk, "start", actor, reason, as_json, force=force)


@work_app.command("pause")
@handles_errors
def pause(
    pk: int = typer.Argument(..., metavar="ID"),
    actor: str | None = AS,
    reason: str = REASON,
    as_json: bool = JSON,
) -> None:
    """Pause it; the queue moves up."""
    _moved(pk, "pause", actor, reason, as_json)


@work_app.command("finish")
@handles_errors
def finish(
    pk: int = typer.Argument(..., metavar="ID"),
    actor: str | None = AS,
    reason: str = REASON,
    as_json: bool = JSON,
) -> None:
    """Finish it (every exit criterion met or waived)."""
    _moved(pk, "finish", actor, reason, as_json)


@work_app.command("drop")
@handles_errors
def drop(
    pk: int = typer.Argument(..., metavar="ID"),
    actor: str | None = AS,
    reason: str = REASON,
    as_json: bool = JSON,
) -> None:
    """Drop it, with a reason."""
    _moved(pk, "drop", actor, reason, as_json)


@work_app.command("assign")
@handles_errors
def assign(
    pk: int = typer.Argument(..., metavar="ID"),
    person: str = typer.Argument(...),
    remove: bool = typer.Option(False, "--remove"),
    actor: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """Assign someone (refused beyond their own limit), or --remove them."""
    django_setup()
    from sunrelay.work import service

    service.assign(pk, person, actor, remove=remove)
    _show(pk, as_json, f"#{pk}: {person} {'removed' if remove else 'assigned'}.")


@work_app.command("criterion")
@handles_errors
def criterion(
    pk: int = typer.Argument(..., metavar="ID"),
    position: int = typer.Argument(..., metavar="N"),
    waive: str = typer.Option("", "--waive", help="Waive it, with this reason."),
    actor: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """Mark exit criterion N met, or waive it."""
    django_setup()
    from sunrelay.work import service

    service.settle_criterion(pk, position, actor, waive=waive or None)
    _show(pk, as_json, f"#{pk}: criterion {position} {'waived' if waive else 'met'}.")


@work_app.command("add-criterion")
@handles_errors
def add_criterion(
    pk: int = typer.Argument(..., metavar="ID"),
    text: str = typer.Argument(...),
    actor: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """Add an exit criterion."""
    django_setup()
    from sunrelay.work import service

    made = service.add_criterion(pk, text, actor)
    _show(pk, as_json, f"#{pk}: criterion {made.position} added.")


@work_app.command("link")
@handles_errors
def link(
    pk: int = typer.Argument(..., metavar="ID"),
    decisions: list[int] = typer.Option([], "--decision", help="A decision record (repeat)."),
    depends_on: list[int] = typer.Option([], "--depends-on", help="An initiative (repeat)."),
    components: list[str] = typer.Option([], "--component", help="A component (repeat)."),
    items: list[int] = typer.Option([], "--item", help="A risk or ask (repeat)."),
    actor: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """Link decisions, risks and asks, the initiatives it depends on, its components."""
    django_setup()
    from sunrelay.work import service

    service.link(
        pk, actor, decisions=decisions, depends_on=depends_on, components=components, items=items
    )
    _show(pk, as_json, f"#{pk}: linked.")


@work_app.command("progress")
@handles_errors
def progress(
    pk: int = typer.Argument(..., metavar="ID"),
    state: str = typer.Argument(..., metavar="STATE", help="not-started, under-way or done."),
    team: str = typer.Option("", "--team"),
    component: str = typer.Option("", "--component"),
    note: str = typer.Option("", "--note", help="Why it is behind."),
    actor: str | None = AS,
    as_json: bool = JSON,
) -> None:
    """A migration's progress in one team or component."""
    if bool(team) == bool(component):
        raise fail("give one of --team or --component", 2)
    django_setup()
    from sunrelay.work import service

    service.set_progress(
        pk, actor, team=team or None, component=component or None, state=state, note=note
    )
    _show(pk, as_json, f"#{pk}: {team or component} {state}.")


@work_app.command("target")
@handles_errors
def target(
    pk: int = typer.Argument(..., metavar="ID"),
    when: str = typer.Argument(..., metavar="DATE", help="YYYY-MM-DD, or 'none'."),
    actor: str | None = AS,
    reason: str = REASON,
    as_json: bool = JSON,
) -> None:
    """Move the target date (a slip tells the dependent teams)."""
    django_setup()
    from sunrelay.work import service

    service.move_target(pk, None if when == "none" else _date(when, "DATE"), actor, reason=reason)
    _show(pk, as_json, f"#{pk}: target {when}.")


@work_app.command("show")
@handles_errors
def show(pk: int = typer.Argument(..., metavar="ID"), as_json: bool = JSON) -> None:
    """One initiative with its criteria and timeline."""
    django_setup()
    from sunrelay.work import service
    from sunrelay.work.schemas import initiative_json

    found = initiative_json(service.get_initiative(pk), detail=True)
    if as_json:
        print_json(found)
        return
    facts = f"{found['team']} · {found['state']} · {found['class']} · DRI {found['dri']}"
    out.print(f"#{pk} {found['title']}  {facts}", markup=False)
    for c in found["criteria"]:
        mark = "x" if c["met_at"] else ("~" if c["waived"] else " ")
        out.print(f"  [{mark}] {c['position']}. {c['text']}", markup=False)
    for e in found["timeline"]:
        out.print(
            f"  {e['at']}  {e['text']}" + (f" — {e['reason']}" if e["reason"] else ""), markup=False
        )


@work_app.command("list")
@handles_errors
def list_(
    team: str = typer.Option("", "--team"),
    state: str = typer.Option("", "--state"),
    as_json: bool = JSON,
) -> None:
    """Initiatives, each with its state and, when queued, its place in the queue."""
    django_setup()
    from sunrelay.work import queries
    from sunrelay.work.schemas import initiative_json

    positions: dict[int, int] = {}
    rows = list(queries.initiatives(team=team or None, state=state or None))
    for t in {i.team for i in rows if i.state == "queued"}:
        positions |= queries.queue_positions(t)
    found = [initiative_json(i, position=positions.get(i.pk)) for i in rows]
    if as_json:
        print_json(found)
        return
    table = Table("id", "team", "state", "class", "title", "DRI", "target")
    for i in found:
        where = f"queued #{i['queue_position']}" if "queue_position" in i else i["state"]
        table.add_row(
            str(i["id"]), i["team"], where, i["class"], i["title"], i["dri"], i["target"] or ""
        )
    out.print(table if found else "No initiatives.")


@work_app.command("board")
@handles_errors
def board(team: str = typer.Option(..., "--team"), as_json: bool = JSON) -> None:
    """The team's board: active against its limit, the queue, paused; signals and valves."""
    django_setup()
    from sunrelay.core.removal import LEFT
    from sunrelay.people import service as people
    from sunrelay.work import queries
    from sunrelay.work.schemas import board_json

    found = board_json(queries.board(people.get_team(team)))
    if as_json:
        print_json(found)
        return
    limit = found["wip_limit"]
    of = limit if limit is not None else "no limit"
    out.print(f"{team}: {len(found['active'])} active of {of}", markup=False)
    for title, key in (("Active", "active"), ("Queued", "queued"), ("Paused", "paused")):
        out.print(f"{title}:" if found[key] else f"{title}: none", markup=False)
        for i in found[key]:
            where = f"{i['queue_position']}. " if key == "queued" else ""
            flag = "  (exception)" if i["exception"] else ""
            out.print(f"  {where}#{i['id']} {i['title']} [{i['class']}]{flag}", markup=False)
    for v in found["valves"]:
        out.print(
            f"Valve {v['name']}: {v['state']} (opens on {v['trigger']}; by {v['openers']})",
            markup=False,
        )
    for s in found["signals"]:
        out.print(
            f"Signal #{s['id']} by {s['raised_by'] or LEFT}: {s['outcome']}",
            markup=False,
        )


@work_app.command("capacity")
@handles_errors
def capacity_(
    team: str = typer.Option(..., "--team"),
    actor: str = typer.Option(..., "--as", help="Person id of whoever says it."),
    note: str = typer.Option(..., "--note"),
    as_json: bool = JSON,
) -> None:
    """Say the team is at capacity; the agreement's responders must answer."""
    django_setup()
    from sunrelay.work import capacity
    from sunrelay.work.schemas import signal_json

    found = capacity.raise_signal(team, actor, note)
    if as_json:
        print_json(signal_json(found))
    else:
        asked = ", ".join(a.person.slug for a in found.asks.all()) or "nobody"
        out.print(f"Signal #{found.pk} sent to {asked}.")


@work_app.command("respond")
@handles_errors
def respond(
    pk: int = typer.Argument(..., metavar="SIGNAL"),
    actor: str = typer.Option(..., "--as"),
    shed: list[int] = typer.Option([], "--shed", help="Pause this initiative (repeat)."),
    drop: bool = typer.Option(False, "--drop", help="Drop what --shed names instead."),
    resequence: bool = typer.Option(False, "--resequence"),
    add_capacity: bool = typer.Option(False, "--add-capacity"),
    accept_until: str = typer.Option(
        "", "--accept-until", help="Accept for now; look again on DATE."
    ),
    note: str = typer.Option("", "--note"),
    as_json: bool = JSON,
) -> None:
    """Answer a capacity signal with exactly one response."""
    chosen = [
        name
        for name, on in (
            ("shed", bool(shed)),
            ("resequence", resequence),
            ("add-capacity", add_capacity),
            ("accept", bool(accept_until)),
        )
        if on
    ]
    if len(chosen) != 1:
        raise fail("choose one of --shed ID…, --resequence, --add-capacity, --accept-until DATE", 2)
    django_setup()
    from sunrelay.work import capacity
    from sunrelay.work.schemas import signal_json

    found = capacity.respond(
        pk,
        actor,
        chosen[0],
        shed=shed,
        drop=drop,
        until=_date(accept_until, "--accept-until"),
        note=note,
    )
    if as_json:
        print_json(signal_json(found))
    else:
        out.print(f"Signal #{pk}: {capacity.outcome(found)}.")


@work_app.command("valve")
@handles_errors
def valve(
    move: str = typer.Argument(..., metavar="open|close"),
    name: str = typer.Argument(...),
    team: str = typer.Option(..., "--team"),
    actor: str = typer.Option(..., "--as"),
    why: str = typer.Option("", "--why"),
    as_json: bool = JSON,
) -> None:
    """Open a valve (propose it, or confirm a proposal), or close it."""
    if move not in ("open", "close"):
        raise fail("the first argument is open or close", 2)
    django_setup()
    from sunrelay.work import valves
    from sunrelay.work.schemas import opening_json

    if move == "open":
        found = valves.open_valve(team, name, actor, why=why)
    else:
        found = valves.close(team, name, actor, why=why)
    found.refresh_from_db()
    if as_json:
        print_json(opening_json(found))
    else:
        out.print(f"Valve {name} ({team}): {found.state}.")


@work_app.command("export")
@handles_errors
def export(path: str = typer.Argument("-", metavar="FILE")) -> None:
    """Write every initiative as YAML (to FILE, or - for standard output)."""
    django_setup()
    from sunrelay.work import transfer, workfile

    text = workfile.dump(transfer.export())
    if path == "-":
        typer.echo(text, nl=False)
    else:
        Path(path).write_text(text, encoding="utf-8")
        out.print(f"Wrote {path}.")


@work_app.command("import")
def import_(path: str = typer.Argument(..., metavar="FILE"), actor: str | None = AS) -> None:
    """Add or update initiatives from a YAML file, all or nothing; FILE:LINE for each problem."""
    from sunrelay.work import workfile

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise fail(f"{path}: {exc.strerror}") from None
    try:
        entries = workfile.parse(text, path)
    except workfile.WorkFileInvalid as exc:
        for problem in exc.problems:
            typer.echo(str(problem))
        raise typer.Exit(1) from None
    django_setup()
    _import(entries, actor)


@handles_errors
def _import(entries: list[Any], actor: str | None) -> None:
    from sunrelay.work import transfer

    report = transfer.apply(entries, actor)
    out.print(f"{report.created} created, {report.updated} updated.")
