"""``sunrelay``: the root command. Each domain contributes a sub-app; project-wide commands
(migrate, serve, worker) live here."""

from __future__ import annotations

import functools
import importlib
import os
from typing import Any

import typer
from typer.core import TyperGroup

from sunrelay.cli.children import exit_on_sigterm, start_worker, stop_worker, watch_parent
from sunrelay.cli.support import django_setup, handles_errors, out

# Each domain's sub-app, imported only when its command runs (or help lists it): a batch job
# or a single question does not pay for loading every other domain's commands.
DOMAINS = {
    "org": ("sunrelay.people.cli", "org_app"),
    "time": ("sunrelay.people.time_cli", "time_app"),
    "people": ("sunrelay.people.cli", "people_app"),
    "absence": ("sunrelay.people.cli", "absence_app"),
    "token": ("sunrelay.core.cli", "token_app"),
    "demo": ("sunrelay.demo.cli", "demo_app"),
    "notify": ("sunrelay.notify.cli", "notify_app"),
    "adr": ("sunrelay.decisions.cli", "adr_app"),
    "decision": ("sunrelay.decisions.cli", "decision_app"),
    "status": ("sunrelay.cadence.cli", "status_app"),
    "handoff": ("sunrelay.cadence.cli", "handoff_app"),
    "ritual": ("sunrelay.cadence.cli", "ritual_app"),
    "oncall": ("sunrelay.oncall.cli", "oncall_app"),
    "incident": ("sunrelay.incidents.cli", "incident_app"),
    "delivery": ("sunrelay.delivery.cli", "delivery_app"),
    "metrics": ("sunrelay.delivery.cli", "metrics_app"),
    "work": ("sunrelay.work.cli", "work_app"),
    "health": ("sunrelay.health.cli", "health_app"),
    "knowledge": ("sunrelay.knowledge.cli", "knowledge_app"),
    "access": ("sunrelay.access.cli", "access_app"),
    "onboarding": ("sunrelay.onboarding.cli", "onboarding_app"),
}
# Commands that never read an org file: they skip loading what org files are checked against
READ_NO_ORG_FILE = frozenset({"knowledge"})


@functools.cache
def org_sections() -> None:
    """Every command that reads an org file, with or without a database, checks the on-call
    sections and the agreement keys of every domain: they register with the org-file reader
    when imported (pure modules, no Django; Django's app registry imports them too)."""
    import sunrelay.access.orgfile
    import sunrelay.delivery.agreement
    import sunrelay.health.agreement
    import sunrelay.incidents.agreement
    import sunrelay.knowledge.agreement
    import sunrelay.onboarding.agreement
    import sunrelay.oncall.orgfile
    import sunrelay.work.agreement  # noqa: F401


class Domains(TyperGroup):
    """The root group: project-wide commands, then each domain's sub-app on demand."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *DOMAINS]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in READ_NO_ORG_FILE:
            org_sections()
        if name not in DOMAINS:
            return super().get_command(ctx, name)
        module, attribute = DOMAINS[name]
        # mounted as add_typer would mount it, so it reads and behaves the same
        holder = typer.Typer(add_completion=False)
        holder.add_typer(getattr(importlib.import_module(module), attribute), name=name)
        group = typer.main.get_command(holder)
        assert isinstance(group, TyperGroup)
        return group.get_command(ctx, name)


app = typer.Typer(
    name="sunrelay",
    cls=Domains,
    no_args_is_help=True,
    add_completion=False,
    help="Sunrelay: the async operating system for remote-first engineering teams.",
)


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

    from sunrelay.core import revisions
    from sunrelay.notify import outbox

    revisions.FREEZE = True  # a long-running process: what it keeps, out of the collector's way
    revisions.settle()
    watch_parent()

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
    from django.urls import reverse
    from waitress import serve as waitress_serve

    from sunrelay.core import revisions
    from sunrelay.core.admin_login import ensure_local_admin
    from sunrelay.wsgi import application

    login = ensure_local_admin()
    reverse("login")  # reversing reads every URL pattern: each view's module loads now
    revisions.FREEZE = True  # a long-running process: what it keeps, out of the collector's way
    revisions.settle()
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
