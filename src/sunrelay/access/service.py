"""Access grants: requested, approved (never by the grantee), reminded before they expire,
revoked at expiry through the system's signed revoke hook with the outbox's retries, and on
leaving the team they were granted for or the organisation. Every change is on the grant's
audit trail. Long-lived credentials are reminded when their rotation falls due."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from sunrelay.access import specs
from sunrelay.access.errors import GrantNotFound, SystemNotFound
from sunrelay.access.models import Credential, Grant, GrantEvent, System
from sunrelay.access.permissions import (
    require_approval,
    require_request,
    require_revoke,
    require_rotation,
)
from sunrelay.core import clock
from sunrelay.core.errors import Conflict, NotFound, ValidationFailed
from sunrelay.core.permissions import OPERATOR, Actor
from sunrelay.notify import service as notify
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team

CHANNEL = "access-revoke"
REMIND_BEFORE = timedelta(days=2)
ROTATION_WARNING = timedelta(days=7)
SUNRELAY = "Sunrelay"


# -- systems, from the org file ------------------------------------------------------------------


def import_systems(items: list[dict[str, Any]], report: people.ImportReport) -> None:
    keep = set()
    for i, item in enumerate(items):
        spec, problems = specs.parse_system(item, ("systems", i))
        if spec is None:
            path, message = problems[0]
            raise ValidationFailed(message, field=".".join(str(p) for p in path))
        found = System.objects.filter(slug=spec.id).first()
        before = specs.system_data(spec_of(found)) if found else None
        system, _ = System.objects.update_or_create(
            slug=spec.id,
            defaults={
                "name": spec.name, "revoke_hook": spec.revoke_hook,
                "secret_env": spec.secret_env, "roles": specs.system_data(spec)["roles"],
            },
        )  # fmt: skip
        ids = []
        for c in spec.credentials:
            owner = Person.objects.filter(slug=c.owner).first()
            if owner is None:
                raise ValidationFailed(f"no person {c.owner!r}", field=f"systems.{i}.credentials")
            Credential.objects.update_or_create(
                system=system, slug=c.id,
                defaults={"owner": owner, "rotate_every": c.rotate_every},
                create_defaults={"owner": owner, "rotate_every": c.rotate_every,
                                 "created_at": clock.now()},
            )  # fmt: skip
            ids.append(c.id)
        system.credentials.exclude(slug__in=ids).delete()
        keep.add(spec.id)
        if before is None:
            report.created.append(f"system {spec.id}")
        elif before != specs.system_data(spec):
            report.updated.append(f"system {spec.id}")
    for gone in System.objects.exclude(slug__in=keep):
        if gone.grants.filter(state__in=Grant.OPEN).exists():
            raise ValidationFailed(
                f"system {gone.slug} still has open grants: revoke them first", field="systems"
            )
        report.removed.append(f"system {gone.slug}")
        gone.grants.all().delete()
        gone.delete()


def spec_of(system: System) -> specs.SystemSpec:
    return specs.SystemSpec(
        system.slug, system.name, system.revoke_hook, system.secret_env,
        tuple(specs.RoleSpec(r["id"], r["grants"], r["max_days"]) for r in system.roles),
        tuple(
            specs.CredentialSpec(c.slug, c.owner.slug if c.owner else "", c.rotate_every)
            for c in system.credentials.select_related("owner")
        ),
    )  # fmt: skip


def export_systems() -> list[dict[str, Any]]:
    return [specs.system_data(spec_of(s)) for s in System.objects.all()]


people.register_section("systems", import_systems, export_systems)


def get_system(slug: str) -> System:
    found = System.objects.filter(slug=slug).first()
    if found is None:
        raise SystemNotFound(f"no system {slug!r}", field="system")
    return found


def get_grant(pk: int) -> Grant:
    found = Grant.objects.select_related("system", "person", "approver").filter(pk=pk).first()
    if found is None:
        raise GrantNotFound(f"no access grant {pk}", field="grant")
    return found


def _locked(pk: int) -> Grant:
    get_grant(pk)
    return Grant.objects.select_for_update(of=("self",)).select_related(
        "system", "person", "approver"
    ).get(pk=pk)  # fmt: skip


def _name(actor: Actor) -> str:
    if actor.person is None:
        return SUNRELAY if actor.operator else "someone"
    found = Person.objects.filter(slug=actor.person).first()
    return found.name if found else actor.person


def _event(grant: Grant, kind: str, actor: str, text: str = "") -> None:
    GrantEvent.objects.create(grant=grant, at=clock.now(), kind=kind, actor=actor, text=text)


# -- requests and decisions ------------------------------------------------------------------------


def request_grant(
    system: str,
    role: str,
    person: str,
    reason: str,
    days: int,
    *,
    team: str | None = None,
    by: Actor = OPERATOR,
) -> Grant:
    """Ask for ``role`` on ``system`` for ``person``, for ``days``. Raises SystemNotFound,
    PersonNotFound, TeamNotFound, ValidationFailed (an unknown role, a period beyond the
    role's longest, no reason, a team they are not in), PermissionDenied."""
    found = get_system(system)
    roles = {r["id"]: r for r in found.roles}
    if role not in roles:
        raise ValidationFailed(
            f"{role!r} is not a role of {system}; its roles: {', '.join(roles)}", field="role"
        )
    longest = roles[role]["max_days"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= longest:
        raise ValidationFailed(
            f"{role} on {system} is granted for 1 to {longest} days, not {days!r}", field="days"
        )
    if not reason or not reason.strip():
        raise ValidationFailed("say why the access is needed", field="reason")
    grantee = people.get_person(person)
    for_team = people.get_team(team) if team else None
    if for_team is not None and not for_team.members.filter(pk=grantee.pk).exists():
        raise ValidationFailed(f"{person} is not in {team}", field="team")
    require_request(by, grantee)
    with transaction.atomic():
        if Grant.objects.filter(
            system=found, role=role, person=grantee, state__in=(Grant.REQUESTED, Grant.ACTIVE)
        ).exists():
            raise Conflict(f"{person} already has or asked for {role} on {system}", field="role")
        grant = Grant.objects.create(
            system=found, role=role, person=grantee, person_name=grantee.name, team=for_team,
            reason=reason.strip(), days=days, requested_at=clock.now(),
            requested_by=Person.objects.filter(slug=by.person or "").first(),
        )  # fmt: skip
        _event(grant, "requested", _name(by), f"{role} for {days} days: {reason.strip()}")
    return grant


def _deciding(pk: int, by: Actor) -> Grant:
    """Inside a transaction: the grant, locked, once ``by`` may decide and it waits for it."""
    grant = _locked(pk)
    require_approval(by, grant)
    if grant.state != Grant.REQUESTED:
        raise Conflict(f"grant {pk} is {grant.state}, not waiting for a decision", field="grant")
    return grant


def approve(pk: int, by: Actor) -> Grant:
    """Raises GrantNotFound, Conflict (not waiting for a decision), PermissionDenied."""
    with transaction.atomic():
        grant = _deciding(pk, by)
        now = clock.now()
        grant.state, grant.granted_at = Grant.ACTIVE, now
        grant.expires_at = now + timedelta(days=grant.days)
        grant.approver = Person.objects.filter(slug=by.person or "").first()
        grant.save()
        _event(grant, "approved", _name(by), f"expires {grant.expires_at.isoformat()}")
    if grant.person is not None:
        notify.send(
            grant.person, "access.granted", f"Access granted: {grant.role} on {grant.system.name}",
            f"Until {grant.expires_at:%Y-%m-%d %H:%M} UTC. {grant.reason}",
            url=f"/access/grants/{grant.pk}/", key=f"access.granted:{grant.pk}",
        )  # fmt: skip
    return grant


def deny(pk: int, reason: str, by: Actor) -> Grant:
    """Raises GrantNotFound, Conflict, PermissionDenied, ValidationFailed (no reason)."""
    if not reason or not reason.strip():
        raise ValidationFailed("say why it is denied", field="reason")
    with transaction.atomic():
        grant = _deciding(pk, by)
        grant.state, grant.closed_at = Grant.DENIED, clock.now()
        grant.save()
        _event(grant, "denied", _name(by), reason.strip())
    return grant


def revoke(pk: int, reason: str, by: Actor) -> Grant:
    """End a grant early. Raises GrantNotFound, Conflict (not active), PermissionDenied."""
    with transaction.atomic():
        grant = _locked(pk)
        require_revoke(by, grant)
        if grant.state != Grant.ACTIVE:
            raise Conflict(f"grant {pk} is {grant.state}, not active", field="grant")
        _start_revocation(grant, _name(by), reason.strip() or "revoked early")
    return grant


def _start_revocation(grant: Grant, actor: str, why: str) -> None:
    """Inside the caller's transaction: the grant is revoking, and its system's hook is told
    through the outbox (or, with no hook, it is closed here and the approver told to remove it
    by hand)."""
    grant.state, grant.closed_at = Grant.REVOKING, None
    grant.save()
    _event(grant, "revoking", actor, why)
    answerer = grant.approver or grant.requested_by or grant.person
    if not grant.system.revoke_hook:
        grant.state, grant.closed_at = Grant.REVOKED, clock.now()
        grant.save()
        _event(grant, "revoked", SUNRELAY, "the system has no revoke hook: remove it by hand")
        if answerer is not None:
            notify.send(
                answerer, "access.remove_by_hand",
                f"Remove by hand: {grant.person_name}'s {grant.role} on {grant.system.name}",
                f"{why}. {grant.system.name} has no revoke hook.",
                url=f"/access/grants/{grant.pk}/", key=f"access.by-hand:{grant.pk}",
            )  # fmt: skip
        return
    if answerer is not None:
        notify.queue_for_channel(
            answerer, "access.revoke",
            f"Revoke {grant.person_name}'s {grant.role} on {grant.system.name}", CHANNEL,
            key=f"{CHANNEL}:{grant.pk}:{grant.events.count()}",
        )  # fmt: skip


def hook_answered(pk: int, error: str = "", *, last: bool = False) -> None:
    """What the system's revoke hook said: '' (revoked) or why it failed; ``last`` when the
    outbox will not try again."""
    with transaction.atomic():
        grant = _locked(pk)
        if grant.state not in (Grant.REVOKING, Grant.REVOKE_FAILED):
            return
        grant.revoke_attempts += 1
        if not error:
            grant.state, grant.closed_at, grant.revoke_error = Grant.REVOKED, clock.now(), ""
            grant.save()
            _event(grant, "revoked", grant.system.name, f"after {grant.revoke_attempts} attempt(s)")
            return
        grant.state, grant.revoke_error = Grant.REVOKE_FAILED, error
        grant.save()
        _event(grant, "revoke-failed", grant.system.name, error + (" (gave up)" if last else ""))
    if last and grant.approver is not None:
        notify.send(
            grant.approver, "access.revoke_failed",
            f"Revoke failed: {grant.person_name}'s {grant.role} on {grant.system.name}",
            f"The hook kept failing ({error}). Remove the access by hand.",
            url=f"/access/grants/{grant.pk}/", key=f"access.revoke-failed:{grant.pk}",
        )  # fmt: skip


# -- jobs -----------------------------------------------------------------------------------------


def expire_due(now: datetime | None = None) -> int:
    """Every active grant past its expiry starts its revocation."""
    now = now or clock.now()
    count = 0
    for pk in Grant.objects.filter(state=Grant.ACTIVE, expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            grant = _locked(pk)
            if grant.state == Grant.ACTIVE:
                _start_revocation(grant, SUNRELAY, "expired")
                count += 1
    return count


def remind_expiring(now: datetime | None = None) -> int:
    """The grantee (and the approver) are told once, two days before a grant expires."""
    now = now or clock.now()
    soon = Grant.objects.filter(
        state=Grant.ACTIVE, expires_at__gt=now, expires_at__lte=now + REMIND_BEFORE
    ).select_related("system", "person", "approver")
    count = 0
    for grant in soon:
        for who in {p for p in (grant.person, grant.approver) if p is not None}:
            notify.send(
                who, "access.expiring",
                f"Expires {grant.expires_at:%Y-%m-%d %H:%M} UTC: {grant.person_name}'s "
                f"{grant.role} on {grant.system.name}",
                "Ask again before then if it is still needed; otherwise nothing to do.",
                url=f"/access/grants/{grant.pk}/", key=f"access.expiring:{grant.pk}:{who.slug}",
            )  # fmt: skip
            count += 1
    return count


def due_rotation(credential: Credential) -> datetime:
    return (credential.rotated_at or credential.created_at) + timedelta(
        days=credential.rotate_every
    )


def remind_rotations(now: datetime | None = None) -> int:
    """Owners of credentials due for rotation within a week (or overdue), once per due date."""
    now = now or clock.now()
    count = 0
    for c in Credential.objects.select_related("system", "owner"):
        due = due_rotation(c)
        if c.owner is not None and due <= now + ROTATION_WARNING:
            late = "overdue since" if due <= now else "due"
            notify.send(
                c.owner, "access.rotation",
                f"Rotate {c.slug} on {c.system.name}: {late} {due:%Y-%m-%d}",
                "Then record it: sunrelay access rotated, or the system's page.",
                url="/access/", key=f"access.rotation:{c.pk}:{due:%Y-%m-%d}",
            )  # fmt: skip
            count += 1
    return count


def record_rotation(system: str, credential: str, by: Actor) -> Credential:
    """Raises SystemNotFound, NotFound, PermissionDenied."""
    found = Credential.objects.select_related("owner", "system").filter(
        system__slug=system, slug=credential
    ).first()  # fmt: skip
    if found is None:
        get_system(system)
        raise NotFound(f"no credential {credential!r} on {system}", field="credential")
    require_rotation(by, found)
    found.rotated_at = clock.now()
    found.save(update_fields=["rotated_at"])
    return found


# -- leaving ---------------------------------------------------------------------------------------


def left_team(person: Person, team: Team) -> int:
    """Everything granted to ``person`` for work in ``team`` is revoked."""
    return _revoke_all(Grant.objects.filter(person=person, team=team), f"left {team.name}")


def left_organisation(person: Person) -> int:
    return _revoke_all(Grant.objects.filter(person=person), "left the organisation")


def _revoke_all(grants: Any, why: str) -> int:
    count = 0
    with transaction.atomic():
        for grant in grants.filter(state__in=(Grant.REQUESTED, Grant.ACTIVE)).select_related(
            "system", "person", "approver", "requested_by"
        ):
            if grant.state == Grant.REQUESTED:
                grant.state, grant.closed_at = Grant.DENIED, clock.now()
                grant.save()
                _event(grant, "withdrawn", SUNRELAY, why)
            else:
                _start_revocation(grant, SUNRELAY, why)
            count += 1
    return count


# -- reads -----------------------------------------------------------------------------------------


def grants(*, person: str = "", system: str = "", state: str = "") -> Any:
    found = Grant.objects.select_related("system", "person", "approver", "team")
    if person:
        found = found.filter(person__slug=person)
    if system:
        found = found.filter(system__slug=system)
    if state:
        if state not in dict(Grant.STATES):
            raise ValidationFailed(f"{state!r} is not a grant state", field="state")
        found = found.filter(state=state)
    return found
