"""Errors are data: a stable ``code``, a message naming the problem, and the field at fault.

Each surface maps them in one place: the API to JSON ``{"code", "message", "field"}`` with an
HTTP status, the CLI to exit code 1 and a message, pages to a form error.
"""

from __future__ import annotations


class SunrelayError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationFailed(SunrelayError):
    """``problems`` lists every ``(field, message)`` found when a form can show them all at once;
    ``field`` and ``message`` are the first of them."""

    code = "invalid"
    status = 422

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        problems: list[tuple[str, str]] | None = None,
    ):
        super().__init__(message, field=field, code=code)
        self.problems = problems or [(field or "", message)]


class NotFound(SunrelayError):
    code = "not_found"
    status = 404


class Conflict(SunrelayError):
    code = "conflict"
    status = 409


class PermissionDenied(SunrelayError):
    code = "forbidden"
    status = 403


def whole_number(value: object, field: str, *, low: int = 0, high: int = 2**31) -> int:
    """A whole number from a form, query or option, ``low`` to ``high``. Raises
    ValidationFailed naming ``field``: a 4xx, never a ValueError's 500."""
    text = str(value if value is not None else "").strip()
    try:
        number = int(text)
    except ValueError:
        raise ValidationFailed(f"must be a whole number, not {text[:40]!r}", field=field) from None
    if not low <= number <= high:
        raise ValidationFailed(f"must be from {low} to {high}", field=field)
    return number
