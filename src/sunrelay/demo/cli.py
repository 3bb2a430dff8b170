"""``sunrelay demo load``: the demo organisation and its history."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import typer

from sunrelay.cli.support import django_setup, handles_errors, out

demo_app = typer.Typer(no_args_is_help=True, help="The demo organisation.")


def demo_file() -> Path:
    return Path(str(resources.files("sunrelay.people") / "demo" / "org.yaml"))


@demo_app.command("load")
@handles_errors
def load_demo(
    if_empty: bool = typer.Option(False, "--if-empty", help="Only when the directory is empty."),
    history: bool = typer.Option(
        True, "--history/--no-history", help="Also write twelve weeks of what happened."
    ),
    seed: int = typer.Option(7, help="The same seed at the same moment writes the same history."),
) -> None:
    """Load the demo organisation (Acme, spread across eleven time zones) and its history:
    decisions, weekly updates, hand-offs, rituals, 1:1s, alerts, incidents, overrides."""
    django_setup()
    from django.db import transaction

    from sunrelay.demo import history as past
    from sunrelay.people import orgfile, service
    from sunrelay.people.models import Person

    if if_empty and Person.objects.exists():
        out.print("directory not empty; demo not loaded")
        return
    with transaction.atomic():
        report = service.import_org(orgfile.parse(demo_file().read_text(), "demo/org.yaml"))
        out.print(f"demo organisation loaded: {len(report.created)} records")
        if not history:
            return
        with out.status("Writing twelve weeks of history…") as shown:
            written = past.build(seed, step=lambda part: shown.update(f"Writing {part}…"))
    out.print("history written: " + ", ".join(f"{n} {what}" for what, n in written.written.items()))
