"""The demo's access register: a grant that expired and was removed by hand, one expiring
tomorrow, one long-lived, and a break-glass request waiting for Chloé; all written through the
access service with the clock moved."""

from __future__ import annotations

from datetime import datetime, timedelta

from sunrelay.access import service as access
from sunrelay.core import clock
from sunrelay.core.permissions import Actor


def build(now: datetime) -> int:
    past = now - timedelta(days=20)
    with clock.frozen(past):
        old = access.request_grant(
            "grafana", "editor", "bruno", "Rebuild the checkout dashboards", 7, team="payments",
            by=Actor("bruno"),
        )  # fmt: skip
        access.approve(old.pk, Actor("ana"))
    with clock.frozen(past + timedelta(days=7, minutes=5)):
        access.expire_due()  # Grafana has no revoke hook: closed, Ana told to remove it
    with clock.frozen(now - timedelta(days=2)):
        soon = access.request_grant(
            "prod-db", "read-replica", "mia", "Trace the ledger replica lag", 3, team="payments",
            by=Actor("mia"),
        )  # fmt: skip
        access.approve(soon.pk, Actor("ana"))
    with clock.frozen(now - timedelta(days=10)):
        long = access.request_grant(
            "grafana", "editor", "priya", "Own the cluster dashboards", 60, team="platform-emea",
            by=Actor("priya"),
        )  # fmt: skip
        access.approve(long.pk, Actor("dieter"))
    with clock.frozen(now - timedelta(hours=3)):
        access.request_grant(
            "prod-db", "break-glass", "tomas", "Replica failover drill tonight", 1,
            team="platform", by=Actor("tomas"),
        )  # fmt: skip
    with clock.frozen(now):
        access.remind_expiring()
    return 4
