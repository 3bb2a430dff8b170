"""``sunrelay knowledge``: truck factors from git history, per repository and per component."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from sunrelay.cli.support import django_setup, err, handles_errors, out, print_json

knowledge_app = typer.Typer(no_args_is_help=True, help="Knowledge: truck factors, ownership gaps.")
JSON = typer.Option(False, "--json", help="Print JSON.")


@knowledge_app.command("busfactor")
@handles_errors
def busfactor(
    path: Path = typer.Argument(..., help="A local git repository."),
    rev: str = typer.Option("HEAD", "--rev", help="Count the files present at this revision."),
    paths: list[str] = typer.Option(
        [], "--paths", help="Only files matching this glob (repeat for more)."
    ),
    aliases: Path | None = typer.Option(
        None, "--aliases", help="A file of NAME;ALIAS lines: two names of one developer."
    ),
    exclude_from: Path | None = typer.Option(
        None, "--exclude-from", help="A file of globs, one per line: files left out."
    ),
    algorithm: str = typer.Option("greedy", "--algorithm", help="greedy or pruned."),
    all_files: bool = typer.Option(
        False, "--all-files", help="Keep vendored, generated and documentation files."
    ),
    as_json: bool = JSON,
) -> None:
    """The truck factor of a repository (Avelino et al., ICPC 2016): how many of its top
    authors must leave before fewer than half its files have an author left."""
    from sunrelay.knowledge import repository

    options = repository.Options(
        rev=rev,
        paths=tuple(paths),
        exclude=tuple(repository.read_globs(exclude_from)) if exclude_from else (),
        aliases=tuple(repository.read_aliases(aliases)) if aliases else (),
        algorithm=algorithm,
        defaults=not all_files,
    )
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    ) as bar:  # fmt: skip
        task = bar.add_task("Reading the history…", total=None)
        result, warnings = repository.truck_factor(
            path, options, lambda n: bar.update(task, description=f"Read {n:,} commits…")
        )
    for warning in warnings:
        err.print(f"warning: {warning}", markup=False)
    if as_json:
        print_json(result.json())
        return
    shown = (
        "pruned greedy (the reference tool's later variant)" if algorithm == "pruned" else "greedy"
    )
    out.print(
        f"Truck factor {result.truck_factor} ({shown}): {result.authored_files} of "
        f"{result.files} files have an author",
        markup=False,
    )
    table = Table("removed", "author", "files authored", "files still authored after")
    for i, dev in enumerate(result.tf_authors, 1):
        left = result.coverage[i][1] if i < len(result.coverage) else 0.0
        table.add_row(str(i), dev.name, str(len(dev.files)), f"{left:.0%}")
    out.print(table)


@knowledge_app.command("refresh")
@handles_errors
def refresh(
    component: str = typer.Option("", "--component", help="Only this component."),
    as_json: bool = JSON,
) -> None:
    """Recompute components' truck factors from the clones under the repositories folder
    (SUNRELAY_REPOS, as OWNER/NAME folders)."""
    django_setup()
    from sunrelay.knowledge import service
    from sunrelay.knowledge.schemas import knowledge_json

    if component:
        found = [service.refresh(component)]
    else:
        with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("Truck factors", total=None)

            def each(c: object, i: int, n: int) -> None:
                bar.update(task, total=n, completed=i, description=f"Truck factor of {c}")

            found = service.refresh_all(each=each)
    rows = [knowledge_json(k) for k in found]
    if as_json:
        print_json(rows if not component else rows[0])
        return
    for row in rows:
        shown = row["truck_factor"] if row["truck_factor"] is not None else "not computed"
        out.print(f"{row['component']}: {shown} {row['problem']}".rstrip(), markup=False)


@knowledge_app.command("components")
@handles_errors
def components(team: str = typer.Option("", "--team"), as_json: bool = JSON) -> None:
    """Each component's truck factor, its top authors, maintainers and what it flags."""
    django_setup()
    from sunrelay.knowledge import service
    from sunrelay.knowledge.schemas import row_json
    from sunrelay.people import service as people

    rows = [row_json(r) for r in service.rows(people.get_team(team) if team else None)]
    if as_json:
        print_json(rows)
        return
    table = Table("component", "criticality", "truck factor", "target", "top authors")
    for r in rows:
        tf = "—" if r["truck_factor"] is None else str(r["truck_factor"])
        tf += f" ({r['problem']})" if r["problem"] else ""
        table.add_row(
            r["component"], r["criticality"], tf, str(r["target"]), ", ".join(r["tf_authors"])
        )
    out.print(table)
    for r in rows:
        for flag in r["flags"]:
            out.print(f"⚑ {r['component']}: {flag}", markup=False)


@knowledge_app.command("docs")
@handles_errors
def documentation(team: str = typer.Option("", "--team"), as_json: bool = JSON) -> None:
    """Documentation coverage: each component's documents and their freshness, and the share
    of components up to date per team and organisation (target 90 %)."""
    django_setup()
    from sunrelay.knowledge import docs
    from sunrelay.knowledge.schemas import docs_json
    from sunrelay.people import service as people

    found = docs.rows(people.get_team(team) if team else None)
    per_team, org = docs.coverage(found)
    if as_json:
        print_json(docs_json(found, per_team, org))
        return
    table = Table("team", "up to date", "share", "target 90 %")
    for c in [*per_team, org]:
        shown = "—" if c.share is None else f"{c.share:.0%}"
        table.add_row(
            c.name, f"{c.up_to_date} of {c.total}", shown, "meets" if c.meets else "under"
        )
    out.print(table)
    for r in found:
        if not r.up_to_date:
            out.print(f"{r.component.slug}: {r.why}", markup=False)
