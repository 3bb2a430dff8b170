"""Systems as the org file declares them (``systems:``): each role's least privilege and
longest grant, where revocations are sent, its long-lived credentials and their rotation.
Pure; a parser returns the value and every problem with its path."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]
Problems = list[tuple[Path, str]]

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
ENV = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")
URL = re.compile(r"^https?://[^\s/]+\S*$")
SYSTEM_KEYS = {"id", "name", "revoke_hook", "secret_env", "roles", "credentials"}
ROLE_KEYS = {"id", "grants", "max_days"}
CREDENTIAL_KEYS = {"id", "owner", "rotate_every"}
LONGEST = 366  # days: nothing is granted for longer than a year


@dataclass(frozen=True)
class RoleSpec:
    id: str
    grants: str  # the least privilege the role gives, in words
    max_days: int


@dataclass(frozen=True)
class CredentialSpec:
    id: str
    owner: str
    rotate_every: int  # days


@dataclass(frozen=True)
class SystemSpec:
    id: str
    name: str
    revoke_hook: str = ""
    secret_env: str = ""  # the environment variable holding the hook's signing secret
    roles: tuple[RoleSpec, ...] = ()
    credentials: tuple[CredentialSpec, ...] = field(default_factory=tuple)


def _whole(value: object, least: int, most: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        return None
    return value


def parse_system(item: Any, path: Path) -> tuple[SystemSpec | None, Problems]:
    problems: Problems = []
    if not isinstance(item, dict):
        return None, [(path, "must be a mapping with id, name and roles")]
    problems += [((*path, k), "unknown key") for k in sorted(set(item) - SYSTEM_KEYS, key=str)]
    ident = str(item.get("id", ""))
    if not ID.match(ident):
        problems.append(((*path, "id"), f"{item.get('id')!r} is not an id like 'prod-db'"))
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(((*path, "name"), "a system needs a name"))
    hook = item.get("revoke_hook", "")
    if hook and (not isinstance(hook, str) or not URL.match(hook)):
        problems.append(((*path, "revoke_hook"), f"{hook!r} is not an http(s) URL"))
    secret_env = item.get("secret_env", "")
    if secret_env and (not isinstance(secret_env, str) or not ENV.match(secret_env)):
        problems.append(((*path, "secret_env"), f"{secret_env!r} is not an environment variable"))
    if hook and not secret_env:
        problems.append(((*path, "secret_env"), "a revoke hook needs the variable of its secret"))
    roles = _roles(item.get("roles"), (*path, "roles"), problems)
    credentials = _credentials(item.get("credentials") or [], (*path, "credentials"), problems)
    if problems:
        return None, problems
    return SystemSpec(ident, str(name).strip(), hook, secret_env, roles, credentials), []


def _roles(items: object, path: Path, problems: Problems) -> tuple[RoleSpec, ...]:
    if not isinstance(items, list) or not items:
        problems.append((path, "a system needs at least one role"))
        return ()
    found: list[RoleSpec] = []
    for i, role in enumerate(items):
        at = (*path, i)
        if not isinstance(role, dict):
            problems.append((at, "must be a mapping with id, grants and max_days"))
            continue
        problems += [((*at, k), "unknown key") for k in sorted(set(role) - ROLE_KEYS, key=str)]
        ident, grants = str(role.get("id", "")), role.get("grants")
        days = _whole(role.get("max_days"), 1, LONGEST)
        if not ID.match(ident):
            problems.append(((*at, "id"), f"{role.get('id')!r} is not an id like 'read-only'"))
        elif ident in {r.id for r in found}:
            problems.append(((*at, "id"), f"duplicate role {ident!r}"))
        if not isinstance(grants, str) or not grants.strip():
            problems.append(((*at, "grants"), "say what the role may do: its least privilege"))
        if days is None:
            problems.append(((*at, "max_days"), f"must be a whole number of days, 1 to {LONGEST}"))
        if ID.match(ident) and isinstance(grants, str) and grants.strip() and days is not None:
            found.append(RoleSpec(ident, grants.strip(), days))
    return tuple(found)


def _credentials(items: object, path: Path, problems: Problems) -> tuple[CredentialSpec, ...]:
    if not isinstance(items, list):
        problems.append((path, "must be a list of {id, owner, rotate_every}"))
        return ()
    found: list[CredentialSpec] = []
    for i, item in enumerate(items):
        at = (*path, i)
        if not isinstance(item, dict):
            problems.append((at, "must be a mapping with id, owner and rotate_every"))
            continue
        problems += [
            ((*at, k), "unknown key") for k in sorted(set(item) - CREDENTIAL_KEYS, key=str)
        ]
        ident, owner = str(item.get("id", "")), item.get("owner")
        every = _whole(item.get("rotate_every"), 1, 3 * LONGEST)
        if not ID.match(ident):
            problems.append(((*at, "id"), f"{item.get('id')!r} is not an id like 'deploy-key'"))
        if not isinstance(owner, str) or not owner:
            problems.append(((*at, "owner"), "a credential needs an owner (a person id)"))
        if every is None:
            problems.append(((*at, "rotate_every"), "must be a whole number of days"))
        if ID.match(ident) and isinstance(owner, str) and owner and every is not None:
            found.append(CredentialSpec(ident, owner, every))
    return tuple(found)


def system_data(spec: SystemSpec) -> dict[str, Any]:
    """The org-file shape of a system, for export."""
    data: dict[str, Any] = {"id": spec.id, "name": spec.name}
    if spec.revoke_hook:
        data |= {"revoke_hook": spec.revoke_hook, "secret_env": spec.secret_env}
    data["roles"] = [{"id": r.id, "grants": r.grants, "max_days": r.max_days} for r in spec.roles]
    if spec.credentials:
        data["credentials"] = [
            {"id": c.id, "owner": c.owner, "rotate_every": c.rotate_every} for c in spec.credentials
        ]
    return data
