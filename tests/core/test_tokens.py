from datetime import timedelta

import pytest

from sunrelay.core import clock
from sunrelay.core.errors import NotFound, ValidationFailed
from sunrelay.core.models import ApiToken
from sunrelay.core.tokens import authenticate, create_token, purge_expired_tokens, revoke_token

pytestmark = pytest.mark.django_db


def test_only_a_hash_is_stored():
    issued = create_token("ci", scope="write")
    stored = ApiToken.objects.get()
    assert issued.secret not in (stored.digest, stored.prefix) and len(stored.digest) == 64
    assert authenticate(issued.secret).pk == stored.pk


def test_expiry_and_revocation():
    issued = create_token("short", days=1)
    with clock.frozen(clock.now() + timedelta(days=1, seconds=1)):
        assert authenticate(issued.secret) is None
    revoke_token(issued.secret[:10])
    assert authenticate(issued.secret) is None
    with pytest.raises(NotFound):
        revoke_token("sr_missing")


@pytest.mark.parametrize(
    ("name", "scope", "days", "field"),
    [("", "read", 1, "name"), ("x", "root", 1, "scope"), ("x", "read", 0, "days")],
)
def test_bad_token_requests(name, scope, days, field):
    with pytest.raises(ValidationFailed) as caught:
        create_token(name, scope=scope, days=days)
    assert caught.value.field == field


def test_purge_removes_only_long_dead_tokens():
    live = create_token("live")
    dead = create_token("dead", days=1)
    with clock.frozen(clock.now() + timedelta(days=40)):
        assert purge_expired_tokens() == 1
    assert list(ApiToken.objects.values_list("name", flat=True)) == [live.token.name]
    assert not ApiToken.objects.filter(pk=dead.token.pk).exists()
