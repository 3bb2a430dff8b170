"""Who is changing something, and the one way a rule says no.

Every write in a domain's ``service.py`` asks that domain's ``permissions.py`` whether its
``Actor`` may do it; the hub, the API and the CLI only say who the actor is (docs/permissions.md):

- a signed-in hub user is their directory entry, with staff rights when their sign-in is staff;
- a write token is an operator (staff rights), with the person it names in ``actor`` recorded
  as the one who acted;
- ``sunrelay … --as PERSON`` acts as that person, with their own rights; a command without
  ``--as``, the org-file import and background jobs act as ``OPERATOR``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sunrelay.core.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    person: str | None  # the directory entry's id, when there is one
    staff: bool = False
    operator: bool = False  # holds the server (CLI, write token, import, job): staff and more

    def is_person(self, slug: str | None) -> bool:
        return self.person is not None and self.person == slug


OPERATOR = Actor(None, staff=True, operator=True)


def require(allowed: bool, who: str, what: str, field: str | None = None) -> None:
    """Raises PermissionDenied "only WHO may WHAT" unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(f"only {who} may {what}", field=field)
