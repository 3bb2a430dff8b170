"""Drift between teams (seed 004's resynchronization): places where teams are no longer in
step, found from the record, and turned into the agenda of the next cross-team sync.

- two teams with work in flight (initiatives, decisions under review) on the same component;
- an accepted decision contradicted by a newer accepted one of another team on the same
  component and topic (a shared tag);
- hand-offs nobody acknowledged past their escalation time;
- stale documents: a component's docs or runbook links unchanged for half a year;
- a team silent in a cross-team ritual: none of its people owned (presented at) any of the
  meetings held in the last eight weeks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sunrelay.cadence import rituals
from sunrelay.cadence.models import Handoff, Occurrence, Ritual
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.decisions.models import Record
from sunrelay.people.models import Component, Person
from sunrelay.work import logic as work_logic
from sunrelay.work.models import Initiative

IN_FLIGHT = ("draft", "proposed")


@dataclass(frozen=True)
class Item:
    kind: str  # overlap | contradiction | handoff
    teams: tuple[str, ...]
    text: str
    links: tuple[tuple[str, str], ...]  # (title, url)

    def markdown(self) -> str:
        links = ", ".join(f"[{title}]({url})" for title, url in self.links)
        return f"- **{self.kind}** ({', '.join(self.teams)}): {self.text}" + (
            f" — {links}" if links else ""
        )


def _overlaps() -> list[Item]:
    touching: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    work = Initiative.objects.filter(
        state__in=(work_logic.ACTIVE, work_logic.QUEUED, work_logic.PROPOSED)
    ).prefetch_related("components")
    for i in work.select_related("team"):
        for c in i.components.all():
            touching[c.slug][i.team.slug].append((f"#{i.pk} {i.title}", f"/work/{i.pk}/"))
    records = Record.objects.filter(status__in=IN_FLIGHT, team__isnull=False)
    for r in records.select_related("team").prefetch_related("components"):
        team = r.team.slug if r.team else ""
        for c in r.components.all():
            touching[c.slug][team].append((f"{r.label} {r.title}", f"/decisions/{r.pk}/"))
    items = []
    for component, teams in sorted(touching.items()):
        if len(teams) > 1:
            links = tuple(link for t in sorted(teams) for link in teams[t])
            items.append(
                Item(
                    "overlap",
                    tuple(sorted(teams)),
                    f"{len(teams)} teams have work in flight on {component}",
                    links,
                )
            )
    return items


def _contradictions() -> list[Item]:
    accepted = list(
        Record.objects.filter(status="accepted", team__isnull=False)
        .select_related("team")
        .prefetch_related("components")
        .order_by("decided_at", "created_at", "pk")
    )
    items = []
    for i, older in enumerate(accepted):
        for newer in accepted[i + 1 :]:
            if newer.team_id == older.team_id or older.team is None or newer.team is None:
                continue
            shared = {c.slug for c in older.components.all()} & {
                c.slug for c in newer.components.all()
            }
            topics = set(older.tags or []) & set(newer.tags or [])
            if shared and topics:
                items.append(
                    Item(
                        "contradiction",
                        (older.team.slug, newer.team.slug),
                        f"{newer.label} ({newer.team.slug}) and {older.label} "
                        f"({older.team.slug}) both decide {', '.join(sorted(topics))} "
                        f"for {', '.join(sorted(shared))}",
                        (
                            (older.label, f"/decisions/{older.pk}/"),
                            (newer.label, f"/decisions/{newer.pk}/"),
                        ),
                    )
                )
    return items


def _handoffs(now: datetime) -> list[Item]:
    late = Handoff.objects.filter(acknowledged_at=None, escalate_at__lte=now).select_related("team")
    return [
        Item(
            "handoff",
            (h.team.slug,),
            f"hand-off to {h.target} unacknowledged since {h.created_at:%a %d %b %H:%M} UTC",
            (("hand-off", f"/cadence/handoffs/{h.pk}/"),),
        )
        for h in late[:50]
    ]


STALE = timedelta(days=180)
DOC_WORDS = ("doc", "runbook", "readme", "playbook")
QUIET = timedelta(weeks=8)


def _stale(now: datetime) -> list[Item]:
    items = []
    old = Component.objects.filter(links_changed_at__lt=now - STALE).select_related("owner")
    for c in old:
        docs = [x for x in c.links if any(w in (x.get("title") or "").lower() for w in DOC_WORDS)]
        if docs:
            items.append(
                Item(
                    "stale",
                    (c.owner.slug,) if c.owner else (),
                    f"{c.slug}'s docs and runbook links unchanged since "
                    f"{c.links_changed_at:%d %b %Y}",
                    tuple((x.get("title") or x["url"], x["url"]) for x in docs),
                )
            )
    return items


def _silent(now: datetime) -> list[Item]:
    items = []
    for ritual in Ritual.objects.exclude(kind="one-on-one").prefetch_related("attendees__teams"):
        teams: dict[str, set[str]] = defaultdict(set)
        for person in ritual.attendees.all():
            for membership in person.teams.all():
                teams[membership.slug].add(person.slug)
        if len(teams) < 2:
            continue  # not a cross-team ritual
        held = Occurrence.objects.filter(ritual=ritual, start__gte=now - QUIET, start__lt=now)
        held = held.exclude(state=Occurrence.SKIPPED)
        if not held.exists():
            continue
        spoke = set(held.values_list("owners__slug", flat=True)) - {None}
        for slug, people in sorted(teams.items()):
            if not people & spoke:
                items.append(
                    Item(
                        "silent",
                        (slug,),
                        f"{slug} has presented at none of {ritual.title}'s meetings in eight weeks",
                        ((ritual.title, f"/cadence/rituals/{ritual.pk}/"),),
                    )
                )
    return items


def find(now: datetime | None = None) -> list[Item]:
    now = now or clock.now()
    return [*_overlaps(), *_contradictions(), *_handoffs(now), *_stale(now), *_silent(now)]


def to_agenda(ritual_pk: int, by: Actor | Person | str | None, now: datetime | None = None) -> int:
    """Write today's drift into the agenda of the ritual's next occurrence, under its own
    heading (replacing an earlier drift section there). Returns how many items. Raises
    RitualNotFound, PermissionDenied (the ritual's rule), ValidationFailed (no occurrence)."""
    now = now or clock.now()
    ritual: Ritual = rituals.get_ritual(ritual_pk, by)
    upcoming = rituals.occurrences(ritual, now, now + timedelta(days=60))
    if not upcoming:
        raise ValidationFailed(
            f"{ritual.title} has no occurrence in the next 60 days", field="ritual"
        )
    start = upcoming[0]
    items = find(now)
    existing = ritual.occurrences.filter(start=start).first()
    kept = (existing.agenda if existing else "").split(HEADING)[0].rstrip()
    section = "\n".join([HEADING, *[i.markdown() for i in items]] if items else [HEADING, "- none"])
    agenda = f"{kept}\n\n{section}\n" if kept else f"{section}\n"
    rituals.save_occurrence(ritual, start, by, agenda=agenda)
    return len(items)


HEADING = "### Drift (from Sunrelay)"
