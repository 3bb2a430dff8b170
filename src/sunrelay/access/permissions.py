"""Who may do what with access grants: one rule per kind. Nobody approves their own access."""

from __future__ import annotations

from sunrelay.access.models import Credential, Grant
from sunrelay.core.permissions import Actor, require
from sunrelay.people.models import Person
from sunrelay.people.permissions import lead_teams


def _leads_them(actor: Actor, person: Person | None) -> bool:
    if person is None:
        return False
    return bool(set(person.teams.values_list("pk", flat=True)) & lead_teams(actor))


def may_request(actor: Actor, person: Person) -> bool:
    """For oneself; for someone else, staff or a lead of one of their teams."""
    return actor.is_person(person.slug) or actor.staff or _leads_them(actor, person)


def may_approve(actor: Actor, grant: Grant) -> bool:
    """Staff or a lead of one of the grantee's teams, and never the grantee."""
    if grant.person is not None and actor.is_person(grant.person.slug):
        return False
    return actor.staff or _leads_them(actor, grant.person)


def may_revoke(actor: Actor, grant: Grant) -> bool:
    """The grantee (giving it up), its approver, staff, or a lead of one of their teams."""
    own = grant.person is not None and actor.is_person(grant.person.slug)
    approved = grant.approver is not None and actor.is_person(grant.approver.slug)
    return own or approved or actor.staff or _leads_them(actor, grant.person)


def may_record_rotation(actor: Actor, credential: Credential) -> bool:
    owner = credential.owner.slug if credential.owner else None
    return actor.staff or actor.is_person(owner)


def require_request(actor: Actor, person: Person) -> None:
    require(
        may_request(actor, person),
        "they themselves, staff, or a lead of one of their teams",
        f"request access for {person.slug}",
        field="person",
    )


def require_approval(actor: Actor, grant: Grant) -> None:
    require(
        may_approve(actor, grant),
        "staff or a lead of one of the grantee's teams, never the grantee,",
        f"decide on access grant {grant.pk}",
        field="grant",
    )


def require_revoke(actor: Actor, grant: Grant) -> None:
    require(
        may_revoke(actor, grant),
        "the grantee, its approver, staff, or a lead of one of the grantee's teams",
        f"revoke access grant {grant.pk}",
        field="grant",
    )


def require_rotation(actor: Actor, credential: Credential) -> None:
    require(
        may_record_rotation(actor, credential),
        "its owner or staff",
        f"record a rotation of {credential.slug}",
        field="credential",
    )
