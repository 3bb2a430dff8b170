"""What every hub page knows of its viewer: who they are in the directory, if anyone."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sunrelay.people.queries import person_for_user


def viewer(request: HttpRequest) -> dict[str, Any]:
    """``viewer_person``: the signed-in user's directory entry (None: not linked yet), read
    only when a page uses it."""
    return {"viewer_person": SimpleLazyObject(lambda: person_for_user(request.user))}
