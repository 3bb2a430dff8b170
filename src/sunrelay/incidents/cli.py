"""``sunrelay incident``: declare, post a status update, move, resolve, list and show; roles and
command, timeline notes and decisions, the postmortem, and action items."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import typer
from rich.table import Table

from sunrelay.cli.support import django_setup, fail, handles_errors, out, print_json
from sunrelay.incidents import agreement  # noqa: F401  (the org file learns the incident keys)

incident_app = typer.Typer(no_args_is_help=True, help="Incidents: declare, update, resolve.")
action_app = typer.Typer(no_args_is_help=True, help="Action items: add, reassign, done, list.")
incident_app.add_typer(action_app, name="action")
AS = typer.Option(..., "--as", help="Person id of whoever does it.")
JSON = typer.Option(False, "--json", help="Print JSON.")


def _show(pk: int, as_json: bool, message: str) -> None:
    from sunrelay.incidents import timeline
    from sunrelay.incidents.schemas import incident_json

    found = incident_json(timeline.get_incident(pk), detail=as_json)
    if as_json:
        print_json(found)
    else:
        out.print(message)


@incident_app.command("declare")
@handles_errors
def declare(
    title: str = typer.Argument(...),
    severity: str = typer.Option("SEV2", "--severity", "-s"),
    actor: str = AS,
    team: str = typer.Option("", "--team"),
    component: str = typer.Option("", "--component"),
    summary: str = typer.Option("", "--summary"),
    drill: bool = typer.Option(False, "--drill", help="An exercise: kept out of metrics."),
    group: int = typer.Option(0, "--alert-group", help="Declare from this alert group."),
    as_json: bool = JSON,
) -> None:
    """Declare an incident; its severity decides who is paged."""
    django_setup()
    from sunrelay.incidents import service
    from sunrelay.people import service as people

    found = service.declare(
        title,
        severity,
        people.get_person(actor),
        team=team or None,
        component=component or None,
        summary=summary,
        drill=drill,
        group=group or None,
    )
    _show(found.pk, as_json, f"Incident #{found.pk} declared ({found.severity}).")


@incident_app.command("update")
@handles_errors
def update(
    pk: int = typer.Argument(..., metavar="INCIDENT"),
    text: str = typer.Argument(...),
    actor: str = AS,
    state: str = typer.Option("", "--state", help="Also move to: mitigated, declared."),
    as_json: bool = JSON,
) -> None:
    """Post a status update (and optionally change the state)."""
    django_setup()
    from sunrelay.incidents import service
    from sunrelay.people import service as people

    service.post_update(pk, text, people.get_person(actor), state)
    _show(pk, as_json, f"Update posted on #{pk}.")


@incident_app.command("resolve")
@handles_errors
def resolve(
    pk: int = typer.Argument(..., metavar="INCIDENT"),
    actor: str = AS,
    note: str = typer.Option("", "--note"),
    as_json: bool = JSON,
) -> None:
    """Resolve: the postmortem is created and its due time set."""
    django_setup()
    from sunrelay.incidents import service, timeline
    from sunrelay.people import service as people

    service.move(pk, "resolved", people.get_person(actor), note)
    pm = timeline.get_incident(pk).postmortem
    _show(pk, as_json, f"#{pk} resolved; postmortem due {pm.due_at:%Y-%m-%d %H:%M} UTC.")


@incident_app.command("list")
@handles_errors
def list_incidents(state: str = typer.Option("", "--state"), as_json: bool = JSON) -> None:
    """Incidents, newest first."""
    django_setup()
    from sunrelay.incidents import reports
    from sunrelay.incidents.schemas import incident_json

    rows = [incident_json(i) for i in reports.incidents(state or None)[:200]]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "sev", "state", "title", "commander", "declared")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["severity"] + (" drill" if r["drill"] else ""),
            r["state"],
            r["title"],
            r["roles"]["commander"] or "",
            r["declared_at"],
        )
    out.print(table)


@incident_app.command("show")
@handles_errors
def show(pk: int = typer.Argument(..., metavar="INCIDENT")) -> None:
    """The incident with its timeline, as JSON."""
    django_setup()
    _show(pk, True, "")


@incident_app.command("state")
@handles_errors
def state(
    pk: int = typer.Argument(..., metavar="INCIDENT"),
    to: str = typer.Argument(..., metavar="STATE", help="declared (reopen), mitigated, resolved"),
    actor: str = AS,
    note: str = typer.Option("", "--note"),
    as_json: bool = JSON,
) -> None:
    """Move an incident through its lifecycle."""
    django_setup()
    from sunrelay.incidents import service
    from sunrelay.people import service as people

    found = service.move(pk, to, people.get_person(actor), note)
    _show(pk, as_json, f"#{pk} is {found.state}.")


@incident_app.command("cause")
@handles_errors
def cause(
    pk: int = typer.Argument(..., metavar="INCIDENT"),
    sha: str = typer.Option("", "--sha", help="The commit that caused it (7+ hex digits)."),
    deployment: int | None = typer.Option(None, "--deployment", help="GitHub deployment id."),
    actor: str = AS,
    as_json: bool = JSON,
) -> None:
    """Name the commit or deployment that caused an incident (delivery metrics count it)."""
    django_setup()
    from sunrelay.incidents import service
    from sunrelay.people import service as people

    service.name_cause(pk, people.get_person(actor), sha=sha, deployment=deployment)
    _show(pk, as_json, f"#{pk}: cause recorded.")


@incident_app.command("role")
@handles_errors
def role(
    pk: int = typer.Argument(..., metavar="INCIDENT"),
    name: str = typer.Argument(
        ..., metavar="ROLE", help="commander, communications, scribe, responder"
    ),
    person: str = typer.Argument(..., metavar="PERSON"),
    actor: str = AS,
    note: str = typer.Option("", "--note", help="Hand-off note; required to hand over command."),
    as_json: bool = JSON,
) -> None:
    """Give a role, add a responder, or hand command over with a note."""
    django_setup()
    from sunrelay.incidents import service
    from sunrelay.people import service as people

    service.assign_role(pk, name, person, people.get_person(actor), note)
    _show(pk, as_json, f"{person} is now {name} on #{pk}.")


@incident_app.command("note")
@handles_errors
def note(
    pk: int = typer.Argument(..., metavar="INCIDENT"),
    text: str = typer.Argument(...),
    actor: str = AS,
    decision: bool = typer.Option(False, "--decision", help="Record a decision (say --why)."),
    action: bool = typer.Option(False, "--action", help="Record an action taken."),
    why: str = typer.Option("", "--why"),
    as_json: bool = JSON,
) -> None:
    """Add a note, a decision or an action to the timeline."""
    django_setup()
    from sunrelay.incidents import service
    from sunrelay.incidents.schemas import entry_json
    from sunrelay.people import service as people

    if decision and action:
        raise fail("choose --decision or --action, not both", 2)
    kind = "decision" if decision else "action" if action else "note"
    entry = service.add_entry(pk, kind, text, people.get_person(actor), why)
    if as_json:
        print_json(entry_json(entry))
    else:
        out.print(f"{kind.capitalize()} {entry.pk} added to #{pk}.")


@incident_app.command("promote")
@handles_errors
def promote(entry: int = typer.Argument(..., metavar="ENTRY"), actor: str = AS) -> None:
    """Turn a decision on a timeline into a draft ADR."""
    django_setup()
    from sunrelay.decisions import service as decisions
    from sunrelay.incidents import service
    from sunrelay.people import service as people

    record = decisions.get_record(service.promote_decision(entry, people.get_person(actor)))
    out.print(f"Draft {record.label}: {record.title}")


@incident_app.command("postmortem")
@handles_errors
def postmortem(
    pk: int = typer.Argument(..., metavar="INCIDENT"),
    actor: str = typer.Option("", "--as", help="Person id; needed to --write or --done."),
    write: Path | None = typer.Option(None, "--write", help="Replace the text with this file."),
    done: bool = typer.Option(False, "--done", help="Mark it done; the incident closes."),
) -> None:
    """Print the postmortem (Markdown), replace its text from a file, or mark it done."""
    django_setup()
    from sunrelay.incidents import followups, timeline
    from sunrelay.people import service as people

    if (write or done) and not actor:
        raise fail("say who you are with --as", 2)
    if write is not None:
        followups.save_postmortem(pk, _read(write), people.get_person(actor))
    if done:
        followups.complete_postmortem(pk, people.get_person(actor))
    incident = timeline.get_incident(pk)
    pm = getattr(incident, "postmortem", None)
    if pm is None:
        raise fail(f"#{pk} has no postmortem yet: it is written once the incident is resolved")
    if write or done:
        out.print(f"Postmortem of #{pk} saved{'; the incident is closed' if done else ''}.")
    else:
        out.print(pm.body, markup=False)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {path}: {exc}") from None


@action_app.command("add")
@handles_errors
def action_add(
    pk: int = typer.Argument(..., metavar="INCIDENT"),
    title: str = typer.Argument(...),
    owner: str = typer.Option(..., "--owner", help="Person id."),
    due: datetime = typer.Option(..., "--due", formats=["%Y-%m-%d"], help="YYYY-MM-DD"),
    actor: str = AS,
    as_json: bool = JSON,
) -> None:
    """Add an action item; its owner is reminded once a day from the due date until done."""
    django_setup()
    from sunrelay.incidents import followups
    from sunrelay.incidents.schemas import action_item_json
    from sunrelay.people import service as people

    item = followups.add_action_item(pk, title, owner, due.date(), people.get_person(actor))
    if as_json:
        print_json(action_item_json(item))
    else:
        who = item.owner.name if item.owner else owner
        out.print(f"Action item {item.pk} for {who}, due {item.due}.")


@action_app.command("reassign")
@handles_errors
def action_reassign(
    item: int = typer.Argument(..., metavar="ITEM"),
    to: str = typer.Option(..., "--to", help="Person id of the new owner."),
    actor: str = AS,
) -> None:
    """Hand an open action item to someone else (its owner, or those who run the incident)."""
    django_setup()
    from sunrelay.incidents import followups
    from sunrelay.people import service as people

    found = followups.reassign_action_item(item, to, people.get_person(actor))
    who = found.owner.name if found.owner else to
    out.print(f"Action item {found.pk} is {who}'s now.", markup=False)


@action_app.command("done")
@handles_errors
def action_done(item: int = typer.Argument(..., metavar="ITEM"), actor: str = AS) -> None:
    """Mark an action item done."""
    django_setup()
    from sunrelay.incidents import followups
    from sunrelay.people import service as people

    found = followups.complete_action_item(item, people.get_person(actor))
    out.print(f"Done: {found.title}")


@action_app.command("list")
@handles_errors
def action_list(
    owner: str = typer.Option("", "--owner", help="Only this person's."),
    all_items: bool = typer.Option(False, "--all", help="Include done ones."),
    as_json: bool = JSON,
) -> None:
    """Action items across incidents, soonest due first (open ones unless --all)."""
    django_setup()
    from sunrelay.incidents import followups
    from sunrelay.incidents.schemas import action_item_json

    rows = [
        action_item_json(a)
        for a in followups.action_items(open_only=not all_items, owner=owner or None)[:500]
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "incident", "title", "owner", "due", "done")
    for r in rows:
        table.add_row(
            str(r["id"]), f"#{r['incident']}", r["title"], r["owner"], r["due"], r["done_at"] or ""
        )
    out.print(table)


@incident_app.command("report")
@handles_errors
def report(
    days: int = typer.Option(90, "--days", min=1, max=3660, help="How far back."),
    as_json: bool = JSON,
) -> None:
    """Reliability over the last DAYS: incidents by severity, time to acknowledge, mitigate
    and resolve, postmortems done on time (drills left out)."""
    django_setup()
    from sunrelay.core import clock
    from sunrelay.incidents import reports
    from sunrelay.incidents.schemas import report_json

    end = clock.now()
    found = report_json(reports.report(end - timedelta(days=days), end))
    if as_json:
        print_json(found)
        return
    for key, value in found.items():
        out.print(f"{key}: {value}", markup=False)
