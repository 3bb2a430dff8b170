"""``sunrelay health``: operating states and the nine-question diagnostic."""

from __future__ import annotations

import typer
from rich.table import Table

from sunrelay.cli.support import django_setup, handles_errors, out, print_json

health_app = typer.Typer(no_args_is_help=True, help="Organisation health: states, diagnostic.")
JSON = typer.Option(False, "--json", help="Print JSON.")


@health_app.command("state")
@handles_errors
def state(
    team: str = typer.Option("", "--team"),
    week: str = typer.Option("", "--week", help="YYYY-Www; default: this week."),
    as_json: bool = JSON,
) -> None:
    """Each team's operating state for a week, with the signals behind it."""
    django_setup()
    from sunrelay.health import service
    from sunrelay.health.schemas import state_json

    found = [state_json(row) for row in service.states(team or None, week or None)]
    if as_json:
        print_json(found)
        return
    table = Table("team", "week", "state", "since", "why")
    for row in found:
        table.add_row(
            row["team"], row["week"], row["state"], row["since"], "; ".join(row["reasons"])
        )
    out.print(table)


@health_app.command("diagnose")
@handles_errors
def diagnose(team: str = typer.Option("", "--team"), as_json: bool = JSON) -> None:
    """Seed 004's nine questions, answered from the record; the missing ones named."""
    django_setup()
    from sunrelay.health import diagnose as diagnostic
    from sunrelay.health.schemas import diagnosis_json
    from sunrelay.people import service as people
    from sunrelay.people.models import Team

    teams = [people.get_team(team)] if team else list(Team.objects.order_by("slug"))
    found = [diagnosis_json(t.slug, diagnostic.diagnose(t)) for t in teams]
    if as_json:
        print_json(found if not team else found[0])
        return
    for item in found:
        answered = sum(q["answered"] for q in item["questions"])
        out.print(f"{item['team']}: {answered} of 9 answered", markup=False)
        for q in item["questions"]:
            if not q["answered"]:
                out.print(f"  - {q['id']}: {q['missing']}", markup=False)


@health_app.command("drift")
@handles_errors
def drift_(
    agenda: int = typer.Option(0, "--agenda", help="Write it into this ritual's next agenda."),
    actor: str | None = typer.Option(None, "--as"),
    as_json: bool = JSON,
) -> None:
    """Where teams are out of step, and optionally onto a cross-team sync's agenda."""
    django_setup()
    from sunrelay.health import drift

    items = drift.find()
    if agenda:
        count = drift.to_agenda(agenda, actor)
        out.print(f"{count} drift items on the next agenda of ritual {agenda}.")
        return
    if as_json:
        print_json([{"kind": i.kind, "teams": list(i.teams), "text": i.text} for i in items])
        return
    for i in items:
        out.print(i.markdown(), markup=False)
    if not items:
        out.print("No drift found.")


@health_app.command("trace")
@handles_errors
def trace_(
    kind: str = typer.Argument(..., help="decision, incident, initiative or concern."),
    pk: int = typer.Argument(..., metavar="ID"),
    actor: str = typer.Option("", "--as", help="Read as this person (default: an operator)."),
) -> None:
    """Who was told what and when, and what happened, as one timeline."""
    django_setup()
    from sunrelay.core.permissions import OPERATOR
    from sunrelay.health import trace
    from sunrelay.people.permissions import actor_of

    title, lines = trace.trace(kind, pk, actor_of(actor) if actor else OPERATOR)
    out.print(title, markup=False)
    for line in lines:
        seen = f" · delivered {line.delivered:%d %b %H:%M}" if line.delivered else ""
        seen += f" · read {line.read:%d %b %H:%M}" if line.read else ""
        out.print(
            f"  {line.at:%Y-%m-%d %H:%M} {line.kind:>12} {line.who}: {line.text}{seen}",
            markup=False,
        )


@health_app.command("maturity")
@handles_errors
def maturity_(team: str = typer.Option("", "--team"), as_json: bool = JSON) -> None:
    """Seed 000's Definition of Done per team, and the 30/60/90-day rollout, from evidence."""
    django_setup()
    from sunrelay.health import maturity
    from sunrelay.people import service as people
    from sunrelay.people.models import Team

    teams = [people.get_team(team)] if team else list(Team.objects.order_by("slug"))
    cards = {t.slug: maturity.scorecard(t) for t in teams}
    _, steps = maturity.rollout()
    if as_json:
        print_json(
            {
                "teams": [{"team": k, "checks": [c.json() for c in v]} for k, v in cards.items()],
                "rollout": [{"by_day": s.by_day, "label": s.label, "done": s.done} for s in steps],
            }
        )
        return
    for slug, checks in cards.items():
        met = sum(1 for c in checks if c.met)
        out.print(f"{slug}: {met} of {len(checks)} met", markup=False)
        for c in checks:
            mark = "?" if c.met is None else ("x" if c.met else " ")
            out.print(f"  [{mark}] {c.label} ({c.evidence})", markup=False)
    for step in steps:
        out.print(f"day {step.by_day}: [{'x' if step.done else ' '}] {step.label}", markup=False)


@health_app.command("skip-levels")
@handles_errors
def skip_levels(as_json: bool = JSON) -> None:
    """Skip-level 1:1 coverage per manager."""
    django_setup()
    from sunrelay.health import skiplevel

    found = skiplevel.coverage()
    if as_json:
        print_json(
            [
                {"manager": c.manager.slug, "reports": list(c.reports), "covered": list(c.covered)}
                for c in found
            ]
        )
        return
    for c in found:
        missing = ", ".join(sorted(set(c.reports) - set(c.covered))) or "none"
        share = f"{len(c.covered)} of {len(c.reports)}"
        out.print(f"{c.manager.slug}: {share} covered; not yet: {missing}", markup=False)


pulse_app = typer.Typer(no_args_is_help=True, help="The weekly anonymous pulse.")
health_app.add_typer(pulse_app, name="pulse")


@pulse_app.command("answer")
@handles_errors
def pulse_answer(
    team: str = typer.Option(..., "--team"),
    clarity: int = typer.Option(..., "--clarity", min=1, max=5),
    autonomy: int = typer.Option(..., "--autonomy", min=1, max=5),
    pace: int = typer.Option(..., "--pace", min=1, max=5, help="Sustainable pace."),
    comment: str = typer.Option("", "--comment"),
    actor: str = typer.Option(..., "--as"),
) -> None:
    """Answer this week's pulse for your team, anonymously."""
    django_setup()
    from sunrelay.health import pulse

    pulse.answer(team, actor, clarity=clarity, autonomy=autonomy, pace=pace, comment=comment)
    out.print("Thanks: your answer is kept without your name.")


@pulse_app.command("results")
@handles_errors
def pulse_results(
    team: str = typer.Option(..., "--team"),
    weeks: int = typer.Option(8, "--weeks", min=1, max=52),
    as_json: bool = JSON,
) -> None:
    """The team's pulse per week (means only where enough people answered)."""
    django_setup()
    from sunrelay.health import pulse, service
    from sunrelay.people import service as people

    found = pulse.trend(people.get_team(team), service.current_week(), weeks)
    if as_json:
        print_json([{"week": r.week, "answers": r.answers, "means": r.means} for r in found])
        return
    for r in found:
        means = ", ".join(f"{k} {v}" for k, v in (r.means or {}).items()) or "too few to show"
        out.print(f"{r.week}: {r.answers} answers — {means}", markup=False)


concern_app = typer.Typer(no_args_is_help=True, help="Concerns: raise, acknowledge, act, list.")
health_app.add_typer(concern_app, name="concern")


@concern_app.command("raise")
@handles_errors
def raise_(
    team: str = typer.Option(..., "--team"),
    category: str = typer.Option(..., "--category", help="project-risk, interpersonal, …"),
    text: str = typer.Option(..., "--text"),
    severity: str = typer.Option("medium", "--severity", help="low, medium or high."),
    anonymous: bool = typer.Option(False, "--anonymous", help="Where the category allows."),
    actor: str = typer.Option(..., "--as"),
    as_json: bool = JSON,
) -> None:
    """Raise a concern; it goes along the category's route."""
    django_setup()
    from sunrelay.health import concerns
    from sunrelay.health.schemas import concern_json

    found = concerns.raise_concern(team, actor, category, severity, text, anonymous=anonymous)
    if as_json:
        print_json(concern_json(found))
    else:
        asked = ", ".join(s.person.slug for s in found.steps.all()) or "nobody"
        out.print(f"Concern #{found.pk} sent to {asked}.", markup=False)


@concern_app.command("ack")
@handles_errors
def ack(
    pk: int = typer.Argument(..., metavar="CONCERN"), actor: str = typer.Option(..., "--as")
) -> None:
    """Acknowledge a concern routed to you."""
    django_setup()
    from sunrelay.health import concerns

    concerns.acknowledge(pk, actor)
    out.print(f"Concern #{pk} acknowledged.")


@concern_app.command("act")
@handles_errors
def act(
    pk: int = typer.Argument(..., metavar="CONCERN"),
    action: str = typer.Option(..., "--action", help="What was done."),
    actor: str = typer.Option(..., "--as"),
) -> None:
    """Record what was done about a concern."""
    django_setup()
    from sunrelay.health import concerns

    concerns.act(pk, actor, action)
    out.print(f"Concern #{pk} acted on.")


@concern_app.command("list")
@handles_errors
def list_concerns(
    team: str = typer.Option("", "--team"),
    actor: str = typer.Option("", "--as", help="As this person (default: an operator)."),
    as_json: bool = JSON,
) -> None:
    """The concerns you may read."""
    django_setup()
    from sunrelay.core.permissions import OPERATOR
    from sunrelay.health import concerns
    from sunrelay.health.schemas import concern_json
    from sunrelay.people.permissions import actor_of

    who = actor_of(actor) if actor else OPERATOR
    found = [concern_json(c) for c in concerns.visible(who, team or None)]
    if as_json:
        print_json(found)
        return
    for c in found:
        state = "acted on" if c["acted_at"] else "acknowledged" if c["acknowledged_at"] else "open"
        out.print(
            f"#{c['id']} {c['team']} {c['category']} ({c['severity']}): {state}", markup=False
        )


@health_app.command("single-points")
@handles_errors
def single_points(team: str = typer.Option("", "--team"), as_json: bool = JSON) -> None:
    """People who are the only one able to act for something (its only DRI and maintainer,
    its only on-call, its only author, …) and what would stop while they are away."""
    django_setup()
    from sunrelay.health import spof
    from sunrelay.people import service as people

    if team:
        people.get_team(team)
    found = spof.as_json(spof.everyone(team or None))
    if as_json:
        print_json(found)
        return
    if not found:
        out.print("No single points of failure found.")
    for row in found:
        out.print(f"{row['team']}: {row['person']}: {'; '.join(row['stops'])}", markup=False)
