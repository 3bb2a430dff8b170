"""``sunrelay token``: issue, list and revoke API tokens."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from sunrelay.cli.support import django_setup, handles_errors, out, print_json

token_app = typer.Typer(no_args_is_help=True, help="API bearer tokens.")


@token_app.command("create")
@handles_errors
def create(
    name: str = typer.Option(..., "--name", help="What the token is for."),
    scope: str = typer.Option("read", help="read, or write (read and write)."),
    days: int = typer.Option(90, help="Days until it expires."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Issue a token. The secret is shown once; only its hash is stored."""
    django_setup()
    from sunrelay.core.tokens import create_token

    issued = create_token(name, scope=scope, days=days)
    info = {
        "name": issued.token.name,
        "scope": issued.token.scope,
        "expires_at": issued.token.expires_at.isoformat(),
        "token": issued.secret,
    }
    if as_json:
        print_json(info)
    else:
        out.print(issued.secret)
        out.print(
            f"[dim]{scope} token {name!r}, expires {issued.token.expires_at:%Y-%m-%d}. "
            "It will not be shown again.[/dim]"
        )


@token_app.command("list")
@handles_errors
def list_tokens(as_json: bool = typer.Option(False, "--json")) -> None:
    """Tokens with their prefix, scope and state."""
    django_setup()
    from sunrelay.core.models import ApiToken

    rows: list[dict[str, Any]] = [
        {
            "prefix": t.prefix,
            "name": t.name,
            "scope": t.scope,
            "expires_at": t.expires_at.isoformat(),
            "revoked": t.revoked_at is not None,
        }
        for t in ApiToken.objects.all()
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("prefix", "name", "scope", "expires", "state")
    for r in rows:
        table.add_row(
            r["prefix"],
            r["name"],
            r["scope"],
            r["expires_at"][:10],
            "revoked" if r["revoked"] else "live",
        )
    out.print(
        table if rows else "No tokens yet. Create one with: sunrelay token create --name NAME"
    )


@token_app.command("revoke")
@handles_errors
def revoke(prefix: str = typer.Argument(..., help="The first characters of the token.")) -> None:
    """Revoke a token at once."""
    django_setup()
    from sunrelay.core.tokens import revoke_token

    token = revoke_token(prefix)
    out.print(f"revoked {token.name!r} ({token.prefix}…)")
