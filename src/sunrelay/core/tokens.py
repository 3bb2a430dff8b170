"""API tokens: issue, authenticate, revoke, purge. Secrets are shown once; only SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from sunrelay.core import clock
from sunrelay.core.errors import NotFound, ValidationFailed
from sunrelay.core.models import ApiToken

TOKEN_PREFIX = "sr_"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(name: str, *, scope: str = ApiToken.READ, days: int = 90) -> IssuedToken:
    """Issue a token. Raises ValidationFailed for an empty name, unknown scope or bad lifetime."""
    if not name.strip():
        raise ValidationFailed("a token needs a name", field="name")
    if scope not in (ApiToken.READ, ApiToken.WRITE):
        raise ValidationFailed(f"scope must be 'read' or 'write', not {scope!r}", field="scope")
    if not 1 <= days <= 3650:
        raise ValidationFailed("days must be between 1 and 3650", field="days")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name.strip(),
            prefix=secret[:10],
            digest=_digest(secret),
            scope=scope,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    return IssuedToken(token, secret)


def authenticate(secret: str) -> ApiToken | None:
    """The live token with this secret, or None when unknown, expired or revoked."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.filter(digest=_digest(secret)).first()
    now = clock.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke_token(prefix: str) -> ApiToken:
    """Revoke the token whose secret starts with ``prefix``. Raises NotFound."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(prefix=prefix[:10]).first()
        if token is None:
            raise NotFound(f"no token starts with {prefix!r}", field="prefix")
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
    return token


def purge_expired_tokens(older_than: timedelta = timedelta(days=30)) -> int:
    """Delete tokens that expired or were revoked more than ``older_than`` ago; returns how many."""
    cutoff: datetime = clock.now() - older_than
    with transaction.atomic():
        expired = ApiToken.objects.filter(expires_at__lt=cutoff)
        revoked = ApiToken.objects.filter(revoked_at__lt=cutoff)
        count = expired.count() + revoked.exclude(expires_at__lt=cutoff).count()
        expired.delete()
        revoked.delete()
    return count
