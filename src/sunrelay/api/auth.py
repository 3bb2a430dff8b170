"""Who is calling: a bearer token (read or write scope) or a signed-in hub user."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from sunrelay.core import tokens
from sunrelay.core.errors import PermissionDenied


@dataclass(frozen=True)
class Caller:
    name: str
    can_write: bool


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = tokens.authenticate(token)
        if found is None:
            return None
        return Caller(f"token:{found.prefix}", found.scope == found.WRITE)


class SessionUser(SessionAuth):
    """Signed-in hub users: staff may write, everyone else reads."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        user = super().authenticate(request, key)
        if not user:
            return None
        return Caller(f"user:{request.user.get_username()}", bool(request.user.is_staff))


def require_write(request: HttpRequest) -> Caller:
    caller: Caller = request.auth  # type: ignore[attr-defined]
    if not caller.can_write:
        raise PermissionDenied("this token may only read; create one with --scope write")
    return caller
