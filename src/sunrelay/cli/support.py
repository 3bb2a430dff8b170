"""What every CLI command shares: Django on demand, error handling, output helpers.

Commands that answer from a file (``--org``) never set Django up, so they need no database
and leave nothing behind.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from sunrelay.core.errors import SunrelayError

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])


@functools.cache
def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunrelay.settings")
    import django

    django.setup()


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", markup=True)
    return typer.Exit(code)


def handles_errors(func: F) -> F:
    """Turn domain errors into a clear message on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SunrelayError as exc:
            where = f"{exc.field}: " if exc.field else ""
            raise fail(f"{where}{exc.message}") from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None

    return wrapper  # type: ignore[return-value]


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")
