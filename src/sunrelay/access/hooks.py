"""The outbox channel that tells a system to revoke a grant: a JSON webhook signed with the
system's secret (read from the environment variable the org file names, never stored), with
the outbox's retries and backoff. Each answer goes on the grant's audit trail."""

from __future__ import annotations

import os
from typing import Any

from sunrelay.access import service
from sunrelay.access.models import Grant
from sunrelay.integrations import outbound
from sunrelay.integrations.webhook import signed as webhook
from sunrelay.notify.channels import DeliveryFailed
from sunrelay.notify.logic import MAX_ATTEMPTS
from sunrelay.notify.models import Notification


def payload(grant: Grant, delivery: str) -> dict[str, Any]:
    """The documented body of a revoke request (docs/access.md)."""
    person = grant.person
    return {
        "action": "revoke",
        "id": delivery,
        "grant": grant.pk,
        "system": grant.system.slug,
        "role": grant.role,
        "person": {
            "id": person.slug if person else None,
            "name": grant.person_name,
            "email": person.email if person else "",
        },
        "granted_at": grant.granted_at.isoformat() if grant.granted_at else None,
        "expires_at": grant.expires_at.isoformat() if grant.expires_at else None,
        "why": grant.events.filter(kind="revoking")
        .order_by("-at", "-pk")
        .values_list("text", flat=True)
        .first()
        or "",
    }


class RevokeChannel:
    name = service.CHANNEL

    def available(self, person: Any, preference: Any) -> bool:
        return False  # never a person's choice: queued for a grant by the access service

    def deliver(self, n: Notification) -> None:
        pk = int(n.key.split(":")[1])
        grant = Grant.objects.select_related("system", "person").filter(pk=pk).first()
        if grant is None or grant.state not in (Grant.REVOKING, Grant.REVOKE_FAILED):
            return  # closed meanwhile: nothing left to revoke
        last = n.attempts + 1 >= MAX_ATTEMPTS
        secret = os.environ.get(grant.system.secret_env, "") if grant.system.secret_env else ""
        if not secret:
            said = f"the signing secret ({grant.system.secret_env or 'none named'}) is not set"
            service.hook_answered(pk, said, last=last)
            raise DeliveryFailed(said)
        try:
            webhook.post(grant.system.revoke_hook, secret, payload(grant, n.key), delivery=n.key)
        except Exception as exc:  # any failure is the hook's answer; the outbox retries
            said = outbound.describe(exc)
            service.hook_answered(pk, said, last=last)
            raise DeliveryFailed(said) from None
        service.hook_answered(pk)
