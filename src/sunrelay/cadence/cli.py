"""``sunrelay status``: post a weekly update, see who is due when, read a team's digest;
``sunrelay handoff``: write, list and acknowledge follow-the-sun hand-offs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import typer
from rich.markdown import Markdown
from rich.table import Table

from sunrelay.cli.support import django_setup, fail, handles_errors, out, print_json

status_app = typer.Typer(no_args_is_help=True, help="Weekly async status updates.")
handoff_app = typer.Typer(no_args_is_help=True, help="Follow-the-sun hand-offs.")


def _text(value: str) -> str:
    """A section given inline, or read from a file with @path (``-`` is stdin)."""
    if value.startswith("@"):
        source = value[1:]
        return typer.get_text_stream("stdin").read() if source == "-" else Path(source).read_text()
    return value


@status_app.command("post")
@handles_errors
def post(
    author: str = typer.Option(..., "--as", help="Person id of the author."),
    done: str = typer.Option("", "--done", help="Markdown, or @file."),
    next_: str = typer.Option("", "--next", help="Markdown, or @file."),
    risks: str = typer.Option("", "--risks", help="One bullet per risk; @person owns it."),
    asks: str = typer.Option("", "--asks", help="One bullet per ask; @person owns it."),
    link: list[str] = typer.Option([], "--link", help="A URL (PR, ADR, dashboard); repeat."),
    week: str = typer.Option("", "--week", help="YYYY-Www; default: the author's current week."),
    team: str = typer.Option("", "--team", help="Which team its risks and asks belong to."),
    capacity: str = typer.Option(
        "", "--capacity", help="We're at capacity: why (raises the team's capacity signal)."
    ),
    outlook: str = typer.Option(
        "", "--outlook", help="How the team is doing: struggling, steady or ahead."
    ),
    outlook_why: str = typer.Option("", "--why", help="Why (with --outlook)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Post (or edit) a weekly update: Done / Next / Risks / Asks."""
    django_setup()
    from sunrelay.cadence import status
    from sunrelay.cadence.schemas import update_json
    from sunrelay.people import service as people

    update = status.post_update(
        people.get_person(author),
        week=week or None,
        team=team or None,
        links=list(link),
        done=_text(done),
        next=_text(next_),
        risks=_text(risks),
        asks=_text(asks),
        capacity=capacity,
        outlook=outlook,
        outlook_why=outlook_why,
    )
    if as_json:
        print_json(update_json(update))
        return
    late = "" if update.on_time else " (after its due time)"
    out.print(f"Posted {author}'s update for {update.week}{late}; {update.items.count()} items.")


@status_app.command("due")
@handles_errors
def due(
    team: str = typer.Option("", "--team"),
    week: str = typer.Option("", "--week", help="YYYY-Www; default: this week (UTC)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Each person's due instant, in UTC and on their own clock, and whether they posted."""
    django_setup()
    from sunrelay.cadence import logic, status
    from sunrelay.cadence.schemas import due_json
    from sunrelay.core import clock

    rows = [
        due_json(r) for r in status.dues(week or logic.week_of(clock.now().date()), team or None)
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("person", "due (UTC)", "due (their time)", "state")
    for r in rows:
        table.add_row(r["person"], r["due_utc"], r["due_local"], r["state"])
    out.print(table)


@status_app.command("digest")
@handles_errors
def digest(
    team: str = typer.Option(..., "--team"),
    week: str = typer.Option("", "--week", help="YYYY-Www; default: this week (UTC)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The team's digest for the week: as sent, or a preview until it is compiled."""
    django_setup()
    from sunrelay.cadence import logic, status
    from sunrelay.core import clock
    from sunrelay.people import service as people

    week = status.check_week(week or logic.week_of(clock.now().date()))
    found = people.get_team(team)
    sent = found.digests.filter(week=week).first()
    body = sent.body if sent else status.digest_markdown(found, week, status.dues(week, team))
    if as_json:
        print_json({"team": team, "week": week, "compiled": bool(sent), "body": body})
        return
    out.print(Markdown(body))
    if not sent:
        out.print("[dim]A preview: the digest is sent once the last member's due time passes.[/]")


@handoff_app.command("write")
@handles_errors
def write(
    author: str = typer.Option(..., "--as", help="Person id of the author."),
    team: str = typer.Option(..., "--team"),
    next_action: str = typer.Option(..., "--next", help="What the next region should do first."),
    context: str = typer.Option("", "--context"),
    state: str = typer.Option("", "--state", help="Where things stand."),
    blockers: str = typer.Option("", "--blockers"),
    owner: str = typer.Option("", "--owner", help="Person id who owns the work now."),
    link: list[str] = typer.Option([], "--link"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Hand your work to the next region of the team's follow-the-sun chain."""
    django_setup()
    from sunrelay.cadence import handoffs
    from sunrelay.cadence.schemas import handoff_json
    from sunrelay.people import service as people

    h = handoffs.write_handoff(
        people.get_person(author),
        team,
        next_action=next_action,
        context=context,
        state=state,
        blockers=blockers,
        owner=owner,
        links=list(link),
    )
    if as_json:
        print_json(handoff_json(h))
        return
    out.print(f"Hand-off {h.pk}: {h.source} → {h.target}, delivered {h.deliver_at:%a %H:%M} UTC.")


@handoff_app.command("list")
@handles_errors
def list_open(
    team: str = typer.Option("", "--team"), as_json: bool = typer.Option(False, "--json")
) -> None:
    """Open hand-offs and how long they have waited, in the receivers' working time."""
    django_setup()
    from sunrelay.cadence import handoffs
    from sunrelay.cadence.schemas import handoff_json

    rows = handoffs.open_handoffs(team or None)
    if as_json:
        print_json([handoff_json(o.handoff, o) for o in rows])
        return
    table = Table("id", "team", "from → to", "next action", "waiting", "")
    for o in rows:
        h = o.handoff
        flag = "overdue" if o.overdue else ""
        table.add_row(
            str(h.pk),
            h.team.slug,
            f"{h.source} → {h.target}",
            h.next_action[:60],
            handoffs.age_label(o.waiting_seconds),
            flag,
        )
    out.print(table if rows else "No open hand-offs.")


@handoff_app.command("ack")
@handles_errors
def ack(
    handoff_id: int = typer.Argument(...),
    person: str = typer.Option(..., "--as", help="Person id of the receiver."),
) -> None:
    """Acknowledge a hand-off as one of its receivers (or the team lead)."""
    django_setup()
    from sunrelay.cadence import handoffs
    from sunrelay.people import service as people

    h = handoffs.acknowledge(handoff_id, people.get_person(person))
    out.print(f"Hand-off {h.pk} acknowledged by {person}.")


# -- the risk register and participation --------------------------------------------------------


@status_app.command("risks")
@handles_errors
def risks(
    team: str = typer.Argument(...),
    state: str = typer.Option("open", "--state", help="open, resolved or dropped"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The team's risk register: the risks and asks raised in weekly updates."""
    django_setup()
    from sunrelay.cadence import status
    from sunrelay.cadence.schemas import item_json

    found = [item_json(i) for i in status.register(team, state=state)]
    if as_json:
        print_json(found)
        return
    table = Table("id", "kind", "text", "owner", "raised")
    for i in found:
        table.add_row(str(i["id"]), i["kind"], i["text"], i["owner"], i["raised_at"])
    out.print(table if found else f"No {state} risks or asks.")


@status_app.command("settle")
@handles_errors
def settle(
    item: int = typer.Argument(..., metavar="ITEM"),
    actor: str = typer.Option(..., "--as", help="The owner, whoever raised it, or the lead."),
    state: str = typer.Option("resolved", "--state", help="resolved or dropped"),
    resolution: str = typer.Option("", "--resolution"),
    owner: str = typer.Option("", "--owner", help="Hand it to someone else instead."),
) -> None:
    """Resolve or drop a risk or ask, or hand it to a new owner."""
    django_setup()
    from sunrelay.cadence import status
    from sunrelay.core.removal import LEFT
    from sunrelay.people import service as people

    found = status.settle_item(
        item, people.get_person(actor), state=state, resolution=resolution, owner=owner
    )
    holder = found.owner.slug if found.owner else LEFT
    out.print(f"Item {found.pk} is {found.state}, owned by {holder}.")


@status_app.command("participation")
@handles_errors
def participation(
    team: str = typer.Argument(...),
    weeks: int = typer.Option(8, "--weeks", min=1, max=52),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Who posted on time, late or not at all, week by week, with each person's rate."""
    django_setup()
    from sunrelay.cadence import logic, status
    from sunrelay.core import clock

    last = logic.week_of(clock.now().date())
    found = status.participation(team, [logic.shift_week(last, -k) for k in reversed(range(weeks))])
    if as_json:
        print_json(found)
        return
    table = Table("person", *[w[-3:] for w in found["weeks"]], "rate")
    for row in found["people"]:
        rate = "—" if row["rate"] is None else f"{row['rate']:.0%}"
        table.add_row(row["id"], *[row["weeks"].get(w, "") for w in found["weeks"]], rate)
    out.print(table)


# -- rituals and 1:1s ----------------------------------------------------------------------------

ritual_app = typer.Typer(no_args_is_help=True, help="Rituals and 1:1s: what is next, notes.")
AS = typer.Option(..., "--as", help="Person id (a 1:1 is seen by its two attendees only).")


@ritual_app.command("list")
@handles_errors
def list_rituals(actor: str = AS, as_json: bool = typer.Option(False, "--json")) -> None:
    """Your rituals and 1:1s, with their next occurrence."""
    django_setup()
    from sunrelay.cadence import rituals
    from sunrelay.cadence.schemas import ritual_json
    from sunrelay.core import clock
    from sunrelay.people import service as people

    now, rows = clock.now(), []  # rituals_for: the person's teams', theirs, their 1:1s
    for r in rituals.rituals_for(people.get_person(actor)):
        upcoming = rituals.occurrences(r, now, now + timedelta(days=62))
        rows.append({**ritual_json(r), "next": upcoming[0].isoformat() if upcoming else None})
    if as_json:
        print_json(rows)
        return
    table = Table("id", "title", "kind", "next (UTC)")
    for row in rows:
        table.add_row(str(row["id"]), row["title"], row["kind"], row["next"] or "—")
    out.print(table if rows else "No rituals.")


@ritual_app.command("note")
@handles_errors
def note(
    ritual: int = typer.Argument(..., metavar="RITUAL"),
    at: str = typer.Option(..., "--at", help="The occurrence's start, ISO-8601."),
    actor: str = AS,
    agenda: str | None = typer.Option(None, "--agenda", help="Text, or @file."),
    notes: str | None = typer.Option(None, "--notes", help="Text, or @file."),
    recording: str | None = typer.Option(None, "--recording", help="An http(s) link."),
    state: str | None = typer.Option(None, "--state", help="held or skipped"),
) -> None:
    """Write an occurrence's agenda, notes, recording or state."""
    django_setup()
    from sunrelay.cadence import rituals
    from sunrelay.core import clock

    found = rituals.get_ritual(ritual, actor)
    saved = rituals.save_occurrence(
        found,
        clock.read_instant(at, "at"),
        actor,
        agenda=_text(agenda) if agenda is not None else None,
        notes=_text(notes) if notes is not None else None,
        recording_url=recording,
        state=state,
    )
    out.print(f"Saved {found.title} at {saved.start.isoformat()}.")


retro_app = typer.Typer(no_args_is_help=True, help="A retrospective's board and its actions.")
ritual_app.add_typer(retro_app, name="retro")


@retro_app.command("add")
@handles_errors
def retro_add(
    ritual: int = typer.Argument(..., metavar="RITUAL"),
    start: str = typer.Option(..., "--start", help="The meeting's start, ISO 8601."),
    kind: str = typer.Option("not-working", "--kind", help="went-well, not-working or idea."),
    text: str = typer.Option(..., "--text"),
    author: str = typer.Option(..., "--as"),
) -> None:
    """Add a card to a retrospective's board."""
    django_setup()
    from sunrelay.cadence import retros
    from sunrelay.worktime import parse_instant

    try:
        at = parse_instant(start)
    except ValueError:
        raise fail(f"--start: {start!r} is not an instant") from None
    made = retros.add_input(ritual, at, author, kind=kind, text=text)
    out.print(f"Card #{made.pk} added.")


@retro_app.command("action")
@handles_errors
def retro_action(
    card: int = typer.Argument(..., metavar="CARD"),
    owner: str = typer.Option(..., "--owner"),
    due: str = typer.Option(..., "--due", help="YYYY-MM-DD."),
    author: str = typer.Option(..., "--as"),
) -> None:
    """Make a card an action with an owner and a due date."""
    django_setup()
    from datetime import date

    from sunrelay.cadence import retros

    try:
        day = date.fromisoformat(due)
    except ValueError:
        raise fail(f"--due: {due!r} is not a date like 2026-12-31") from None
    retros.make_action(card, author, owner=owner, due=day)
    out.print(f"Card #{card} is {owner}'s, due {day}.")


@retro_app.command("done")
@handles_errors
def retro_done(
    card: int = typer.Argument(..., metavar="CARD"), author: str = typer.Option(..., "--as")
) -> None:
    """Finish an action."""
    django_setup()
    from sunrelay.cadence import retros

    retros.complete_action(card, author)
    out.print(f"Action #{card} done.")
