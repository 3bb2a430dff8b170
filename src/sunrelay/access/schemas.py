"""Shapes of access grants for the API and the CLI's --json."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from sunrelay.access.models import Credential, Grant, System


class GrantIn(Schema):
    system: str
    role: str
    person: str
    reason: str
    days: int
    team: str | None = None
    actor: str | None = None  # with a write token: whose request it is


class DecisionIn(Schema):
    reason: str = ""
    actor: str | None = None


class GrantOut(Schema):
    """A grant in a listing (the page of one has its audit trail too)."""

    id: int
    system: str
    role: str
    person: str | None
    person_name: str
    team: str | None
    reason: str
    days: int
    state: str
    approver: str | None
    requested_at: str | None
    granted_at: str | None
    expires_at: str | None
    closed_at: str | None
    revoke_error: str
    revoke_attempts: int

    @staticmethod
    def resolve_id(g: Grant) -> int:
        return int(g.pk)

    @staticmethod
    def resolve_system(g: Grant) -> str:
        return g.system.slug

    @staticmethod
    def resolve_person(g: Grant) -> str | None:
        return g.person.slug if g.person else None

    @staticmethod
    def resolve_team(g: Grant) -> str | None:
        return g.team.slug if g.team else None

    @staticmethod
    def resolve_approver(g: Grant) -> str | None:
        return g.approver.slug if g.approver else None

    @staticmethod
    def resolve_requested_at(g: Grant) -> str | None:
        return _at(g.requested_at)

    @staticmethod
    def resolve_granted_at(g: Grant) -> str | None:
        return _at(g.granted_at)

    @staticmethod
    def resolve_expires_at(g: Grant) -> str | None:
        return _at(g.expires_at)

    @staticmethod
    def resolve_closed_at(g: Grant) -> str | None:
        return _at(g.closed_at)


def _at(value: Any) -> str | None:
    return value.isoformat() if value else None


def grant_json(g: Grant, *, events: bool = False) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": g.pk,
        "system": g.system.slug,
        "role": g.role,
        "person": g.person.slug if g.person else None,
        "person_name": g.person_name,
        "team": g.team.slug if g.team else None,
        "reason": g.reason,
        "days": g.days,
        "state": g.state,
        "approver": g.approver.slug if g.approver else None,
        "requested_at": _at(g.requested_at),
        "granted_at": _at(g.granted_at),
        "expires_at": _at(g.expires_at),
        "closed_at": _at(g.closed_at),
        "revoke_error": g.revoke_error,
        "revoke_attempts": g.revoke_attempts,
    }
    if events:
        found["events"] = [
            {"at": _at(e.at), "kind": e.kind, "actor": e.actor, "text": e.text}
            for e in g.events.all()
        ]
    return found


def system_json(s: System, due: Any) -> dict[str, Any]:
    return {
        "id": s.slug,
        "name": s.name,
        "revoke_hook": bool(s.revoke_hook),
        "roles": list(s.roles),
        "credentials": [credential_json(c, due(c)) for c in s.credentials.all()],
    }


def credential_json(c: Credential, due: Any) -> dict[str, Any]:
    return {
        "id": c.slug,
        "owner": c.owner.slug if c.owner else None,
        "rotate_every": c.rotate_every,
        "rotated_at": _at(c.rotated_at),
        "due": _at(due),
    }
