"""The demo's work in flight: initiatives on every board, a queue behind Payments' limit, a
past valve that paused speculative work over quarter-end and resumed it, a dependency that
slipped, an OpenTelemetry migration across teams, and capacity signals (one answered, one
that climbed). Written through the work services with the clock moved."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sunrelay.core import clock
from sunrelay.decisions.models import Record
from sunrelay.work import capacity, service, valves


def _at(day: date, hour: int = 14) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=clock.now().tzinfo)


def _add(title: str, team: str, dri: str, klass: str, by: str, **more: object) -> int:
    draft = service.Draft(title, team, dri, klass, **more)  # type: ignore[arg-type]
    return service.add_initiative(draft, by).pk


def build(monday: date, now: datetime) -> int:
    """Returns how many initiatives it wrote."""
    week = [_at(monday + timedelta(weeks=n)) for n in range(13)]
    decision = Record.objects.filter(title__startswith="Adopt idempotency keys").first()
    with clock.frozen(week[1]):
        keys = _add(
            "Idempotency keys on payment calls", "payments", "ana", "customer-committed", "ana",
            people=["chloe"], criteria=["Every write endpoint takes a key", "Retries dashboard",
                                        "Runbook for duplicate charges"],
            decisions=[decision.pk] if decision else [],
        )  # fmt: skip
        service.start(keys, "ana")
        ledger = _add(
            "Ledger API v2", "payments", "bruno", "customer", "ana", people=["bruno", "mia"],
            components=["ledger"],
            target=(now + timedelta(weeks=2)).date(),
            criteria=["v1 read-only", "Clients moved", "v1 switched off"],
        )  # fmt: skip
        service.start(ledger, "ana")
        fraud = _add("Fraud model experiments", "payments", "mia", "speculative", "ana")
        service.start(fraud, "ana", force=True, reason="a two-week spike agreed with product")
    with clock.frozen(week[2]):
        wallet = _add(
            "Wallet screen on ledger v2", "mobile", "olivia", "customer", "olivia",
            people=["sofia"], depends_on=[ledger], target=(now + timedelta(weeks=5)).date(),
            components=["mobile-app", "ledger"],
        )  # fmt: skip
        service.start(wallet, "olivia")
        offline = _add("Offline mode", "mobile", "sofia", "speculative", "olivia", people=["sofia"])
        service.start(offline, "olivia")
        otel = _add(
            "Move every service to OpenTelemetry", "platform-emea", "priya", "internal-tooling",
            "dieter", progress_teams=["payments", "mobile", "platform-apac", "platform-amer"],
            criteria=["Collector on every host", "Old agents removed"],
        )  # fmt: skip
        service.start(otel, "dieter")
    # quarter-end: engineering and product agree to shed speculative work for two weeks
    with clock.frozen(week[6]):
        valves.propose("payments", "quarter-end", "ana", why="quarter-end commitments at risk")
    with clock.frozen(week[6] + timedelta(hours=3)):
        valves.confirm("payments", "quarter-end", "sofia")
        refunds = _add("Refund automation", "payments", "bruno", "customer", "ana")
        service.start(refunds, "ana")  # queued: the valve freezes starts
    with clock.frozen(week[8]):
        valves.close("payments", "quarter-end", "ana", why="the quarter closed")
    with clock.frozen(week[9]):
        service.settle_criterion(keys, 1, "ana")
        service.settle_criterion(keys, 2, "chloe")
        rounding = _add("Currency rounding clean-up", "payments", "mia", "internal-tooling", "ana")
        service.start(rounding, "ana")  # queued behind the limit
        service.set_progress(otel, "ana", team="payments", state="done")
        service.set_progress(otel, "olivia", team="mobile", state="under-way")
        service.set_progress(otel, "rafael", team="platform-amer", state="under-way")
        service.set_progress(
            otel, "yuki", team="platform-apac", state="not-started",
            note="waiting for the collector upgrade in Sydney",
        )  # fmt: skip
    with clock.frozen(week[10]):
        service.move_target(
            ledger, (now + timedelta(weeks=2, days=8)).date(), "bruno",
            reason="the reconciliation job needs a rewrite",
        )  # fmt: skip
        signal = capacity.raise_signal("mobile", "sofia", "Offline mode and the wallet at once")
    with clock.frozen(week[10] + timedelta(hours=5)):
        capacity.respond(
            signal.pk, "olivia", "accept", until=(now + timedelta(days=10)).date(),
            note="the wallet ships first; we look again after",
        )  # fmt: skip
    with clock.frozen(now - timedelta(days=3)):
        capacity.raise_signal("platform-apac", "liam", "The collector upgrade and on-call load")
    capacity.escalate_overdue(now)
    return 8
