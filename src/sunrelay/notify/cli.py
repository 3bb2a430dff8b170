"""``sunrelay notify``: queue a notification, list and re-send dead letters."""

from __future__ import annotations

import typer
from rich.table import Table

from sunrelay.cli.support import django_setup, handles_errors, out, print_json
from sunrelay.worktime import format_instant

notify_app = typer.Typer(no_args_is_help=True, help="Notifications and the outbox.")


@notify_app.command("send")
@handles_errors
def send(
    to: str = typer.Option(..., "--to", help="Person id."),
    subject: str = typer.Option(..., "--subject", "-s"),
    body: str = typer.Option("", "--body", "-b"),
    urgent: bool = typer.Option(False, "--urgent", help="Send at once, even outside hours."),
    key: str = typer.Option("", "--key", help="Idempotency key: the same key is sent once."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Queue one notification through the outbox (the worker delivers it)."""
    django_setup()
    from sunrelay.notify import service

    n = service.send(to, "notify.manual", subject, body, urgent=urgent, key=key or None)
    if as_json:
        print_json(
            {
                "id": n.pk,
                "key": n.key,
                "to": to,
                "state": n.state,
                "deliver_after": format_instant(n.deliver_after),
            }
        )
        return
    when = "now" if n.deliver_after <= n.created_at else format_instant(n.deliver_after)
    out.print(f"queued notification {n.pk} for {to}; deliverable {when}")


@notify_app.command("dead-letters")
@handles_errors
def dead_letters(
    retry: int = typer.Option(0, "--retry", help="Queue this dead letter again."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Notifications whose every try failed; --retry ID sends one again."""
    django_setup()
    from sunrelay.notify import service

    if retry:
        n = service.retry_dead_letter(retry)
        out.print(f"notification {n.pk} queued again for {n.recipient.slug}")
        return
    rows = [
        {
            "id": n.pk,
            "to": n.recipient.slug,
            "kind": n.kind,
            "subject": n.subject,
            "attempts": n.attempts,
            "error": n.last_error,
        }
        for n in service.dead_letters()
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("no dead letters")
        return
    table = Table("id", "to", "kind", "subject", "attempts", "last error")
    for r in rows:
        table.add_row(*(str(r[k]) for k in ("id", "to", "kind", "subject", "attempts", "error")))
    out.print(table)
