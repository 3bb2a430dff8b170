"""Overrides: anyone may add one; its author, the people it names, the lead and staff remove
it; an exact duplicate is refused."""

from __future__ import annotations

import pytest

from sunrelay.core.errors import Conflict, PermissionDenied, ValidationFailed
from sunrelay.oncall import service
from sunrelay.oncall.models import Override
from tests.cadence.helpers import utc
from tests.conftest import sign_in

SPAN = {"start": utc(2026, 11, 24, 9), "end": utc(2026, 11, 24, 17)}  # chloe holds the pager


def test_an_exact_duplicate_is_refused(demo):
    first = service.add_override("payments-primary", "bruno", **SPAN, reason="swap", by="mia")
    assert first.created_by.slug == "mia"
    with pytest.raises(Conflict, match=f"override {first.pk} already says exactly this"):
        service.add_override("payments-primary", "bruno", **SPAN, by="ana")
    api = sign_in("mia").post(
        "/api/v1/oncall/schedules/payments-primary/overrides",
        {"person": "bruno", "start": "2026-11-24T09:00Z", "end": "2026-11-24T17:00Z"},
        content_type="application/json",
    )
    assert api.status_code == 409 and api.json()["field"] == "start"
    # the same person for someone else's time, or another span, is a different override
    service.add_override("payments-primary", "bruno", **SPAN, replaces="chloe")
    assert Override.objects.count() == 2


def test_an_override_for_someone_not_on_call_then_is_refused_naming_who_is(demo):
    with pytest.raises(ValidationFailed) as refused:  # mia's week starts on 30 November
        service.add_override("payments-primary", "bruno", **SPAN, replaces="mia")
    assert refused.value.field == "replaces" and "(on call: chloe)" in str(refused.value)
    api = sign_in("bruno").post(
        "/api/v1/oncall/schedules/payments-primary/overrides",
        {"person": "bruno", "replaces": "mia", "start": "2026-11-24T09:00Z",
         "end": "2026-11-24T17:00Z"},
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 422 and api.json()["field"] == "replaces"
    # covering chloe works, and so does covering whoever covers her (a chain of swaps)
    service.add_override("payments-primary", "bruno", **SPAN, replaces="chloe")
    service.add_override("payments-primary", "ana", **SPAN, replaces="bruno")
    assert not Override.objects.filter(replaces__slug="mia").exists()


def test_who_may_remove_an_override(demo):
    made = service.add_override("payments-primary", "bruno", **SPAN, replaces="chloe", by="mia")
    for outsider in ("yuki", "sofia"):
        with pytest.raises(PermissionDenied):
            service.delete_override(made.pk, by=outsider)
    page = sign_in("yuki").post(
        f"/oncall/schedules/payments-primary/overrides/{made.pk}/remove/", follow=True
    )
    assert "only whoever added it" in page.content.decode()
    assert sign_in("yuki").delete(f"/api/v1/oncall/overrides/{made.pk}").status_code == 403
    assert Override.objects.filter(pk=made.pk).exists()
    for allowed in ("mia", "bruno", "chloe", "ana"):  # author, covering, covered, lead
        again = service.add_override(
            "payments-primary",
            "bruno",
            utc(2026, 11, 25, 9),
            utc(2026, 11, 25, 17),
            replaces="chloe",
            by="mia",
        )
        service.delete_override(again.pk, by=allowed)
    sign_in("mia").post(f"/oncall/schedules/payments-primary/overrides/{made.pk}/remove/")
    assert not Override.objects.exists()
