"""Twelve weeks of a lived-in organisation for the demo, written through the service functions
with the clock moved, so everything in it obeys the same rules as real use.

Deterministic from a seed (and the instant it is built at): the same seed at the same instant
writes the same history. It composes every domain, so it lives outside them all (like the CLI).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sunrelay.cadence import handoffs, rituals, status
from sunrelay.cadence.logic import week_of
from sunrelay.core import clock, revisions
from sunrelay.decisions import review
from sunrelay.decisions import service as decisions
from sunrelay.delivery import service as delivery
from sunrelay.delivery.models import Deployment
from sunrelay.demo import access as access_history
from sunrelay.demo import delivery as github_history
from sunrelay.demo import knowledge as knowledge_history
from sunrelay.demo import onboarding as onboarding_history
from sunrelay.demo import work as work_history
from sunrelay.health import concerns
from sunrelay.health import service as org_health
from sunrelay.incidents import followups
from sunrelay.incidents import service as incidents
from sunrelay.oncall import alerts, escalation
from sunrelay.oncall import service as oncall
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Component, Person, Team

WEEKS = 12

DECISIONS = [  # title, team, DRI, reviewers, how it ends
    ("Adopt idempotency keys for payment calls", "payments", "ana", ["bruno", "chloe"], "accepted"),
    ("Split the ledger by currency", "payments", "bruno", ["ana", "mia"], "rejected"),
    ("Run the gateway on Kubernetes", "platform", "chloe", ["dieter", "yuki"], "accepted"),
    ("Retire the monolith's cron jobs", "platform", "dieter", ["rafael", "tomas"], "deprecated"),
    ("One design system for web and mobile", "mobile", "olivia", ["sofia", "bruno"], "accepted"),
    ("Move checkout to event sourcing", "payments", "ana", ["chloe", "yuki"], "proposed-late"),
    ("Standardise on OpenTelemetry", "platform", "priya", ["emeka", "liam"], "proposed"),
    ("Offline mode for the mobile app", "mobile", "sofia", ["olivia"], "proposed"),
    ("Shard the search index", "platform", "yuki", [], "draft"),
]
DONE = [
    "Shipped the retry budget to production",
    "Reviewed two design docs",
    "Paired on the flaky integration tests",
    "Closed out last week's action items",
    "Cut the build time by a third",
]
NEXT = ["Finish the rollout", "Write the migration guide", "Pair with the new joiner"]
RISKS = ["The vendor API deprecates v1 this quarter", "Load tests need a staging slot"]
ASKS = ["A review of the cut-over plan", "Access to the billing sandbox"]


@dataclass
class Summary:
    written: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int = 1) -> None:
        self.written[what] = self.written.get(what, 0) + count


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.now().tzinfo)


def build(
    seed: int = 7, now: datetime | None = None, step: Callable[[str], None] | None = None
) -> Summary:
    """Write the history of the last twelve weeks up to ``now`` into the demo organisation.
    ``step`` is told of each part as it starts (the CLI's progress)."""
    now = now or clock.now()
    rng = random.Random(seed)
    done = Summary()
    monday = (now - timedelta(weeks=WEEKS)).date()
    monday -= timedelta(days=monday.weekday())
    parts: list[tuple[str, Callable[[], None]]] = [
        ("absences", lambda: _absences(rng, monday, done)),
        ("weekly updates", lambda: _updates(rng, monday, now, done)),
        ("decisions", lambda: _decisions(rng, monday, now, done)),
        ("rituals and 1:1s", lambda: _rituals(rng, monday, now, done)),
        ("hand-offs", lambda: _handoffs(rng, monday, now, done)),
        ("GitHub deliveries", lambda: _delivery(rng, monday, now, done)),
        ("alerts and incidents", lambda: _incidents(rng, monday, now, done)),
        ("on-call overrides", lambda: _overrides(now, done)),
        ("work in flight", lambda: done.add("initiatives", work_history.build(monday, now))),
        ("concerns", lambda: _concerns(monday, now, done)),
        ("truck factors", lambda: done.add("truck factors", knowledge_history.build())),
        ("access grants", lambda: done.add("access grants", access_history.build(now))),
        ("onboarding", lambda: done.add("onboardings", onboarding_history.build(now))),
        ("operating states", lambda: _states(monday, now, done)),
    ]
    # After the absences the directory changes only once more (Emeka's start date): the rest
    # reads it once, not once per question; that write stops its use, as any write would.
    first, rest = parts[:1], parts[1:]
    for name, part in first:
        _run(name, part, step)
    with revisions.steady(people_queries.DIRECTORY, private=True):
        for name, part in rest:
            _run(name, part, step)
    return done


def _run(name: str, part: Callable[[], None], step: Callable[[str], None] | None) -> None:
    if step is not None:
        step(name)
    part()


def _weeks(monday: date, now: datetime) -> Iterator[date]:
    day = monday
    while _at(day, 0) < now - timedelta(days=1):
        yield day
        day += timedelta(weeks=1)


def _absences(rng: random.Random, monday: date, done: Summary) -> None:
    for slug, offset, length, reason in (
        ("bruno", 3, 5, "vacation"), ("yuki", 6, 3, "conference"), ("sofia", 9, 2, "sick"),
        ("mia", WEEKS + 1, 4, "vacation"), ("dieter", WEEKS, 1, "training"),
    ):  # fmt: skip
        start = monday + timedelta(weeks=offset, days=rng.randint(0, 2))
        people.add_absence(slug, start, start + timedelta(days=length - 1), reason, "web")
        done.add("absences")
    # Rafael, Platform Americas' only member, away for a whole week: too little signal that
    # week to say how the pod is doing (its operating state is "unknown")
    away = monday + timedelta(weeks=5)
    people.add_absence("rafael", away, away + timedelta(days=6), "vacation", "web")
    done.add("absences")


def _updates(rng: random.Random, monday: date, now: datetime, done: Summary) -> None:
    members = list(Person.objects.filter(teams__isnull=False).distinct().order_by("slug"))
    home = {
        p.slug: p.teams.order_by("slug").values_list("slug", flat=True).first() for p in members
    }
    for n, week_monday in enumerate(_weeks(monday, now)):
        week = week_of(week_monday)
        for person in members:
            roll = rng.random()
            if roll < 0.12:
                continue  # this week's missing update
            late = roll > 0.85
            at = _at(week_monday, 9) + timedelta(days=2 if late else 0, hours=rng.randint(0, 6))
            if at >= now:
                continue
            sections = {"done": rng.choice(DONE), "next": rng.choice(NEXT)}
            if rng.random() < 0.3:
                sections["risks"] = f"- {rng.choice(RISKS)}"
            if rng.random() < 0.2:
                sections["asks"] = f"- {rng.choice(ASKS)}"
            outlook = _outlook(home[person.slug], n)
            if person.absences.filter(start__lte=at.date(), end__gte=at.date()).exists():
                continue  # away: nobody writes an update from the beach (drawn all the same)
            with clock.frozen(at):
                status.post_update(person, week=week, outlook=outlook, **sections)
            done.add("weekly updates")
        with clock.frozen(min(_at(week_monday + timedelta(days=4), 18), now)):
            status.compile_digests()


def _outlook(team: str | None, week: int) -> str:
    """How each team says it is doing: Mobile ahead for a stretch, Payments struggling
    through quarter-end, everyone else steady (no draw from the seed: the rest of the
    history stays as it was)."""
    if team == "mobile" and 2 <= week <= 6:
        return "ahead"
    if team == "payments" and week in (7, 8):
        return "struggling"
    return "steady"


def _decisions(rng: random.Random, monday: date, now: datetime, done: Summary) -> None:
    for i, (title, team, dri, reviewers, end) in enumerate(DECISIONS):
        start = _at(monday + timedelta(weeks=i + 1, days=rng.randint(0, 3)), 10)
        if end.startswith("proposed"):  # still in review: requested lately, one of them late
            start = now - timedelta(days=9 if end == "proposed-late" else 1, hours=3)
        with clock.frozen(start):
            record = decisions.create_record(
                {"title": title, "team": team, "dri": dri, "body": _body(title)}, dri
            )
            done.add("decision records")
            if end == "draft" or not reviewers:
                continue
            review.request_review(record.pk, dri, reviewers=reviewers)
        if end.startswith("proposed"):
            with clock.frozen(start + timedelta(hours=20)):
                review.comment(record.pk, reviewers[0], "What happens to in-flight work?")
            if end == "proposed-late":  # an objection, left open past the deadline
                with clock.frozen(start + timedelta(days=1)):
                    review.request_changes(record.pk, reviewers[1], "Replays need a plan first.")
                with clock.frozen(now - timedelta(hours=1)):
                    review.advance_reviews()  # overdue: the ladder climbs
            continue
        with clock.frozen(start + timedelta(days=1, hours=2)):
            review.approve(record.pk, reviewers[0], "Looks right to me.")
            if end == "rejected":
                review.request_changes(
                    record.pk, reviewers[-1], "This doubles our reconciliation work."
                )
        with clock.frozen(start + timedelta(days=3)):
            decided = "rejected" if end == "rejected" else "accepted"
            decisions.transition(record.pk, decided, dri, "Decided in the review thread.")
        if end == "deprecated":
            with clock.frozen(start + timedelta(weeks=3)):
                decisions.transition(record.pk, "deprecated", dri, "The jobs are gone.")
        done.add("decisions decided")


def _body(title: str) -> str:
    return (
        f"## Context\n\nWhy we need to decide: {title.lower()}.\n\n"
        "## Decision\n\nWhat we will do, and what we will not.\n\n"
        "## Consequences\n\nWhat becomes easier, what becomes harder.\n"
    )


def _rituals(rng: random.Random, monday: date, now: datetime, done: Summary) -> None:
    made = []
    with clock.frozen(_at(monday, 8)):
        for data in (
            {"title": "Payments demo hour", "kind": "demo", "team": "payments",
             "rrule": "FREQ=WEEKLY;BYDAY=TH", "start": f"{monday}T15:00",
             "timezone": "Europe/Lisbon", "owners": ["ana"]},
            {"title": "Platform reliability review", "kind": "reliability-review",
             "rrule": "FREQ=WEEKLY;BYDAY=TU", "start": f"{monday}T09:00", "timezone": "UTC",
             "owners": ["chloe"], "attendees": ["chloe", "yuki", "rafael", "dieter"]},
            {"title": "Ana / Bruno", "kind": "one-on-one", "rrule": "FREQ=WEEKLY;BYDAY=WE",
             "start": f"{monday}T13:00", "timezone": "Europe/Lisbon", "owners": ["ana"],
             "attendees": ["ana", "bruno"]},
        ):  # fmt: skip
            made.append(rituals.save_ritual(data, by=data["owners"][0]))
        rituals.rotate(
            made[1], rituals.propose_rotation(made[1]), by="chloe"
        )  # regions share nothing
    for ritual in made:
        owner = ritual.owners.first()
        for at in rituals.occurrences(ritual, _at(monday, 0), now - timedelta(hours=2)):
            held = rng.random() < 0.85
            with clock.frozen(at + timedelta(hours=1)):
                rituals.save_occurrence(
                    ritual, at, owner, state="held" if held else "skipped",
                    agenda="- Last week's actions\n- What is blocking us",
                    notes="Agreed to keep the scope small." if held else "",
                    recording_url=_recording(ritual.pk, at) if held else "",
                )  # fmt: skip
            done.add("ritual occurrences")


def _recording(pk: int, at: datetime) -> str:
    return f"https://video.acme.test/r/{pk}-{at:%Y%m%d}"


def _handoffs(rng: random.Random, monday: date, now: datetime, done: Summary) -> None:
    for week_monday in _weeks(monday, now):
        for day in range(5):
            at = _at(week_monday + timedelta(days=day), 22, 30)  # New York's day ends
            if at >= now - timedelta(hours=1) or rng.random() < 0.4:
                continue
            with clock.frozen(at):
                handoff = handoffs.write_handoff(
                    Person.objects.get(slug="rafael"), "platform",
                    next_action=rng.choice(["Watch the canary", "Finish the failover drill",
                                            "Rotate the staging certificates"]),
                    context="Deploy 4812 is half rolled out.",
                )  # fmt: skip
            done.add("hand-offs")
            if at < now - timedelta(days=1) and rng.random() < 0.9:
                with clock.frozen(handoff.deliver_at + timedelta(minutes=rng.randint(5, 90))):
                    receiver = handoff.receivers.order_by("slug").first()
                    if receiver is not None:
                        handoffs.acknowledge(handoff.pk, receiver)


def _delivery(rng: random.Random, monday: date, now: datetime, done: Summary) -> None:
    """Pull requests, reviews, pushes and deployments of the six repositories, and the
    incidents some deployments caused, taken in as a GitHub backfill would be."""
    delivery.create_source("github", "GitHub (acme)")
    found = github_history.build(rng, _at(monday, 0), now)
    lines = (json.dumps({"event": e, "delivery": d, "payload": p}) for e, d, p in found)
    report = delivery.ingest(lines)
    done.add("GitHub deliveries", report.new)


def _incidents(rng: random.Random, monday: date, now: datetime, done: Summary) -> None:
    _, secret = alerts.create_integration("prometheus", "Prometheus", "alertmanager")
    for i, (title, severity, component) in enumerate(
        (("Ledger write errors", "SEV2", "ledger"), ("Gateway 502s", "SEV1", "api-gateway"),
         ("Push notifications delayed", "SEV3", None))
    ):  # fmt: skip
        start = _at(monday + timedelta(weeks=3 * i + 2, days=rng.randint(0, 4)), 14)
        ana = Person.objects.get(slug="ana")
        with clock.frozen(start):
            incident = incidents.declare(title, severity, ana, component=component)
            cause = _last_deployment(component, start)
            if cause is not None:  # what changed just before
                incidents.name_cause(incident.pk, ana, deployment=cause)
            incidents.add_entry(incident.pk, "decision", "Roll back the last deploy", ana,
                                "the errors began with it")  # fmt: skip
        with clock.frozen(start + timedelta(minutes=40)):
            incidents.move(incident.pk, "mitigated", ana, "rolled back")
        with clock.frozen(start + timedelta(hours=2)):
            incidents.move(incident.pk, "resolved", ana)
            followups.add_action_item(incident.pk, "Alert on the error budget burn", "bruno",
                                      (start + timedelta(days=10)).date(), ana)  # fmt: skip
        if i < 2:
            with clock.frozen(start + timedelta(days=2)):
                followups.complete_postmortem(incident.pk, ana)
        done.add("incidents")
    with clock.frozen(now - timedelta(minutes=25)):  # an alert firing right now
        payload = {
            "version": "4", "groupKey": "{}:{alertname=\"LedgerLag\"}", "status": "firing",
            "receiver": "sunrelay", "groupLabels": {"alertname": "LedgerLag"},
            "commonLabels": {"alertname": "LedgerLag", "service": "ledger", "severity": "page"},
            "commonAnnotations": {"summary": "Ledger replica lag above 30 s"},
            "externalURL": "http://alertmanager.acme.test", "truncatedAlerts": 0,
            "alerts": [{"status": "firing", "labels": {"alertname": "LedgerLag"},
                        "annotations": {}, "startsAt": (now - timedelta(minutes=26)).isoformat(),
                        "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "d3m0a1e7f1n6e5r",
                        "generatorURL": ""}],
        }  # fmt: skip
        alerts.receive(secret, payload)
        escalation.escalate_due()
        done.add("alerts firing")


def _concerns(monday: date, now: datetime, done: Summary) -> None:
    """A concern trail: one acted on, one acknowledged and left (flagged), one anonymous."""
    start = _at(monday + timedelta(weeks=9), 10)
    with clock.frozen(start):
        runbook = concerns.raise_concern(
            "payments", "bruno", "technical", "high", "The ledger has no runbook for a replay"
        )
        stale = concerns.raise_concern(
            "payments", "mia", "project-risk", "medium", "Ledger v2 needs a reconciliation rewrite"
        )
        concerns.raise_concern(
            "payments", "chloe", "interpersonal", "medium",
            "Planning runs into the evening for Lisbon every week", anonymous=True,
        )  # fmt: skip
    with clock.frozen(start + timedelta(hours=3)):
        concerns.acknowledge(runbook.pk, "ana")
        concerns.acknowledge(stale.pk, "ana")
    with clock.frozen(start + timedelta(days=1)):
        concerns.act(runbook.pk, "ana", "Chloé writes it this sprint; linked from the component")
    concerns.escalate(now)
    done.add("concerns", 3)


def _states(monday: date, now: datetime, done: Summary) -> None:
    """Each team's operating state for every week of the history, as the hourly job would
    have kept them."""
    weeks = [week_of(day) for day in _weeks(monday, now)]
    # the directory does not change here: read once, not once per signal (ADR 16)
    with revisions.steady(people_queries.DIRECTORY, private=True):
        for team in Team.objects.order_by("slug"):
            for week in weeks:
                org_health.compute(team, week, now)
                done.add("team-weeks")


def _last_deployment(component: str | None, before: datetime) -> int | None:
    repos = Component.objects.get(slug=component).repos if component else []
    found = (
        Deployment.objects.filter(repo__in=repos, production=True, created_at__lt=before)
        .order_by("-created_at")
        .values_list("github_id", flat=True)
        .first()
    )
    return found


def _overrides(now: datetime, done: Summary) -> None:
    start = (now + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    oncall.add_override(
        "payments-primary", "bruno", start, start + timedelta(hours=8),
        reason="covering a dentist appointment", by="bruno",
    )  # fmt: skip
    done.add("overrides")
