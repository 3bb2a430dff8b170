"""``sunrelay``: the root command. Each domain contributes a sub-app; project-wide commands
(migrate, serve, worker) live here."""

from __future__ import annotations

import os

import typer

from sunrelay.cadence.cli import handoff_app, ritual_app, status_app
from sunrelay.cli.children import exit_on_sigterm, start_worker, stop_worker
from sunrelay.cli.support import django_setup, handles_errors, out
from sunrelay.core.cli import token_app
from sunrelay.decisions.cli import adr_app, decision_app
from sunrelay.demo.cli import demo_app
from sunrelay.incidents.cli import incident_app
from sunrelay.notify.cli import notify_app
from sunrelay.oncall.cli import oncall_app
from sunrelay.people.cli import absence_app, org_app, people_app
from sunrelay.people.time_cli import time_app

app = typer.Typer(
    name="sunrelay",
    no_args_is_help=True,
    add_completion=False,
    help="Sunrelay: the async operating system for remote-first engineering teams.",
)
app.add_typer(org_app, name="org")
app.add_typer(time_app, name="time")
app.add_typer(people_app, name="people")
app.add_typer(absence_app, name="absence")
app.add_typer(token_app, name="token")
app.add_typer(demo_app, name="demo")
app.add_typer(notify_app, name="notify")
app.add_typer(adr_app, name="adr")
app.add_typer(decision_app, name="decision")
app.add_typer(status_app, name="status")
app.add_typer(handoff_app, name="handoff")
app.add_typer(ritual_app, name="ritual")
app.add_typer(oncall_app, name="oncall")
app.add_typer(incident_app, name="incident")


@app.command()
@handles_errors
def migrate() -> None:
    """Create or upgrade the database named by DATABASE_URL (default: var/sunrelay.sqlite3)."""
    django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@app.command()
@handles_errors
def worker(
    burst: bool = typer.Option(
        False, "--burst", help="Run everything due now (periodic and queued jobs), then exit."
    ),
    all_periodic: bool = typer.Option(
        False, "--all-periodic", help="With --burst: run every periodic job, due or not."
    ),
) -> None:
    """Run the background worker (Huey consumer) until stopped, or once with --burst."""
    django_setup()
    if burst:
        from sunrelay.core.burst import run_burst

        report = run_burst(all_periodic=all_periodic)
        out.print(f"ran {report.periodic} periodic and {report.queued} queued jobs")
        return
    import threading

    from django.core.management import call_command

    from sunrelay.notify import outbox

    stop = threading.Event()
    drain = outbox.start_drain(stop)  # the outbox, continuously, beside the job queue
    try:
        call_command("run_huey")
    finally:
        stop.set()
        drain.join(timeout=60)  # the batch in hand is finished, never abandoned


@app.command()
@handles_errors
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    threads: int = typer.Option(8, help="Web worker threads."),
    with_worker: bool = typer.Option(
        True, "--worker/--no-worker", help="Also run the background worker."
    ),
) -> None:
    """Serve the hub and the API (and the background worker) on one address."""
    address = os.environ.get("SUNRELAY_URL") or local_url(host, port)
    os.environ["SUNRELAY_URL"] = address  # links in feeds, pages and mail (and the worker's)
    django_setup()
    from django.conf import settings

    settings.SUNRELAY_URL = address.rstrip("/")
    from waitress import serve as waitress_serve

    from sunrelay.core.admin_login import ensure_local_admin
    from sunrelay.wsgi import application

    login = ensure_local_admin()
    exit_on_sigterm()
    child = start_worker() if with_worker else None
    out.print(f"Sunrelay is serving at [bold]http://{host}:{port}/[/bold]")
    out.print(f"  API:   http://{host}:{port}/api/v1/  (OpenAPI at /api/v1/openapi.json)")
    out.print(f"  Login: {login}")
    out.print("  Background worker: " + ("running" if child else "not started (--no-worker)"))
    try:
        waitress_serve(application, host=host, port=port, threads=threads, ident="sunrelay")
    finally:
        if child is not None:
            out.print("Stopping the background worker…")
            stop_worker(child)


def local_url(host: str, port: int) -> str:
    """The address a browser on this machine uses for the hub ``serve`` listens on."""
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::", "localhost") else host
    return f"http://{shown}:{port}"


def main() -> None:
    app()
