"""Who is calling: a bearer token (read or write scope) or a signed-in hub user."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from sunrelay.core import tokens
from sunrelay.core.errors import PermissionDenied, ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.people import service as people
from sunrelay.people.models import Person


@dataclass(frozen=True)
class Caller:
    name: str
    can_write: bool
    person: str | None = None  # the directory entry of a signed-in user
    session: bool = False  # a signed-in hub user, checked with their own rights


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
        from sunrelay.people.queries import person_for_user

        person = person_for_user(request.user)
        return Caller(
            f"user:{request.user.get_username()}",
            bool(request.user.is_staff),
            person.slug if person else None,
            session=True,
        )


def acting_person(request: HttpRequest, named: str | None) -> str:
    """Who a person-specific action (comment, approve, decide) is done as: a signed-in user is
    themselves; a write token names the person it acts for in ``actor``."""
    caller: Caller = request.auth  # type: ignore[attr-defined]
    if caller.person:
        return caller.person
    require_write(request)
    if not named:
        raise ValidationFailed(
            "this token acts for nobody; name the person in 'actor'", field="actor"
        )
    return named


def require_write(request: HttpRequest) -> Caller:
    caller: Caller = request.auth  # type: ignore[attr-defined]
    if not caller.can_write:
        raise PermissionDenied("this token may only read; create one with --scope write")
    return caller


def acting(request: HttpRequest, named: str | None) -> Person:
    """The directory entry ``acting_person`` names. Raises PersonNotFound."""
    return people.get_person(acting_person(request, named))


def acting_actor(request: HttpRequest, named: str | None) -> Actor:
    """``acting_person`` with the rights they act with: a signed-in user's own, a write
    token's operator rights."""
    caller: Caller = request.auth  # type: ignore[attr-defined]
    person = acting_person(request, named)
    if caller.session:
        return Actor(person, staff=caller.can_write)
    return Actor(person, staff=True, operator=True)


def actor(request: HttpRequest, named: str | None = None, *, read: bool = False) -> Actor:
    """Who a write (or, with ``read``, a read of something private) is checked as
    (docs/permissions.md): a signed-in user with their own rights; a token as an operator,
    acting for the person it names in ``actor``. Raises PermissionDenied for a read token
    asked to write."""
    caller: Caller = request.auth  # type: ignore[attr-defined]
    if caller.session:
        return Actor(caller.person, staff=caller.can_write)
    if not read:
        require_write(request)
    return Actor(named or None, staff=True, operator=True)
