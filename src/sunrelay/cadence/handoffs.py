"""Follow-the-sun hand-offs: written by the region ending its day, delivered at the start of
the next region's, acknowledged by one receiver, escalated to the lead when nobody does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from sunrelay.cadence import logic
from sunrelay.cadence.errors import (
    AlreadyAcknowledged,
    HandoffNotFound,
    NoNextRegion,
    NotAReceiver,
)
from sunrelay.cadence.models import Handoff
from sunrelay.cadence.status import clean_links
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.notify import logic as notify_logic
from sunrelay.notify import service as notify
from sunrelay.people import delegation
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.logic import Directory
from sunrelay.people.models import Person, Team
from sunrelay.worktime import (
    Chain,
    NoWorkingTime,
    business_seconds,
    chain,
    deadline,
    epoch,
    parse_period,
    usual_day,
)


def units(directory: Directory, team: str) -> list[tuple[str, list[str]]]:
    """The team's follow-the-sun units: its pods, or (without pods) its members one by one."""
    return directory.units(team)


def team_chain(team: str, day: date) -> tuple[Chain, dict[str, list[str]]]:
    """The chain on ``day``, or on the next day that has one (a weekend has none)."""
    directory = people_queries.load_directory(team=team)
    found = units(directory, team)
    schedules = [(u, [directory.schedule(m) for m in ms]) for u, ms in found]
    result = chain(schedules, day)
    for ahead in range(1, 7):
        if len(result.shifts) > 1:
            break
        result = chain(schedules, day + timedelta(days=ahead))
    return result, dict(found)


def escalation_period(team: Team) -> str:
    return (team.agreement.get("handoff") or {}).get("escalate_after") or logic.DEFAULT_ESCALATION


def write_handoff(
    author: Person,
    team: str,
    *,
    next_action: str,
    context: str = "",
    state: str = "",
    blockers: str = "",
    owner: str = "",
    links: Any = None,
    source: str = "",
) -> Handoff:
    """Hand the author's unit's work to the next unit in the team's chain.

    Receivers hear at the start of their working day (quiet hours); if none acknowledges
    within the team's ``handoff.escalate_after`` of their working time, the lead is told.
    Raises TeamNotFound, PersonNotFound (owner), ValidationFailed, NoNextRegion.
    """
    found = people.get_team(team)
    if not next_action.strip():
        raise ValidationFailed("say what the next region should do first", field="next_action")
    now = clock.now()
    today = now.astimezone(people_queries.load_directory([author.slug]).schedule(author.slug).zone)
    result, members = team_chain(team, today.date())
    source = source or next((u for u, ms in members.items() if author.slug in ms), "")
    if source not in members:
        raise ValidationFailed(f"{author.slug} is not in a unit of team {team}", field="source")
    target = next((h.target for h in result.handoffs if h.source == source), None)
    if target is None or target == source:
        raise NoNextRegion(f"team {team} has no next region after {source}", field="team")
    directory = people_queries.load_directory(members[target])
    period = parse_period(escalation_period(found))
    starts = {
        slug: notify_logic.next_working_instant(directory.schedule(slug), now)
        for slug in members[target]
    }
    receiving = _present(starts, directory.away())
    escalations = []
    for slug in receiving:
        start, schedule = starts[slug], directory.schedule(slug)
        wait = period.working_time(usual_day(directory.person(slug).working_hours))
        try:
            escalations.append(deadline(schedule, start, wait))
        except NoWorkingTime:  # a receiver away for years: the wait in elapsed time
            escalations.append(start + wait)
    with transaction.atomic():
        handoff = Handoff.objects.create(
            team=found,
            author=author,
            source=source,
            target=target,
            context=context.strip(),
            state=state.strip(),
            blockers=blockers.strip(),
            next_action=next_action.strip(),
            owner=people.get_person(owner) if owner else None,
            links=clean_links(links),
            created_at=now,
            deliver_at=min(starts[slug] for slug in receiving),
            escalate_at=min(escalations),
        )
        receivers = list(Person.objects.filter(slug__in=receiving))
        handoff.receivers.set(receivers)
        for person in receivers:
            notify.send(
                person,
                "handoff.received",
                f"Hand-off from {author.name} ({source}): {handoff.next_action[:120]}",
                _summary(handoff),
                url=f"/cadence/handoffs/{handoff.pk}/",
                key=f"handoff:{handoff.pk}:{person.slug}",
            )
    return handoff


def _summary(h: Handoff) -> str:
    parts = [("Context", h.context), ("Current state", h.state), ("Blockers", h.blockers)]
    parts.append(("Next action", h.next_action))
    return "\n\n".join(f"**{title}**\n{text}" for title, text in parts if text)


def get_handoff(pk: int) -> Handoff:
    try:
        return Handoff.objects.select_related("team__lead", "author", "owner").get(pk=pk)
    except Handoff.DoesNotExist:
        raise HandoffNotFound(f"no hand-off {pk}", field="id") from None


def acknowledge(pk: int, person: Person) -> Handoff:
    """One receiver (or the lead) takes the hand-off. Raises HandoffNotFound, NotAReceiver,
    AlreadyAcknowledged."""
    with transaction.atomic():
        get_handoff(pk)
        handoff = Handoff.objects.select_for_update().select_related("team").get(pk=pk)
        is_receiver = handoff.receivers.filter(pk=person.pk).exists()
        if not is_receiver and person.pk != handoff.team.lead_id:
            raise NotAReceiver(f"{person.slug} is not in {handoff.target}", field="person")
        if handoff.acknowledged_at is not None:
            taken = handoff.acknowledged_by.slug if handoff.acknowledged_by else "someone"
            raise AlreadyAcknowledged(f"already acknowledged by {taken}", field="id")
        handoff.acknowledged_by, handoff.acknowledged_at = person, clock.now()
        handoff.save()
    return handoff


def escalate_overdue(now: datetime | None = None) -> int:
    """Tell the lead about each hand-off nobody acknowledged in time (once each)."""
    now = now or clock.now()
    count = 0
    overdue = Handoff.objects.filter(
        acknowledged_at=None, escalated_at=None, escalate_at__lte=now
    ).select_related("team__lead", "author")
    for handoff in overdue:
        with transaction.atomic():
            if not Handoff.objects.filter(pk=handoff.pk, escalated_at=None).update(
                escalated_at=now
            ):
                continue  # another worker got there first
            lead = delegation.stand_in(handoff.team.lead, "handoffs", now)
            if lead is not None:
                notify.send(
                    lead,
                    "handoff.escalated",
                    f"Hand-off to {handoff.target} not acknowledged: {handoff.next_action[:100]}",
                    _summary(handoff),
                    url=f"/cadence/handoffs/{handoff.pk}/",
                    key=f"handoff.escalated:{handoff.pk}",
                )
            count += 1
    return count


@dataclass(frozen=True)
class OpenHandoff:
    handoff: Handoff
    waiting_seconds: int  # receivers' working time since delivery (the most any has worked)
    overdue: bool


def open_handoffs(team: str | None = None) -> list[OpenHandoff]:
    """Unacknowledged hand-offs with their age in the receivers' working time."""
    now = clock.now()
    found: QuerySet[Handoff] = Handoff.objects.filter(acknowledged_at=None)
    if team:
        found = found.filter(team=people.get_team(team))
    found = found.select_related("team", "author", "owner").prefetch_related("receivers")
    handoffs = list(found)
    slugs = {p.slug for h in handoffs for p in h.receivers.all()}
    directory = people_queries.load_directory(slugs)
    rows = []
    for h in handoffs:
        ages = [
            business_seconds(directory.schedule(p.slug), h.deliver_at, now)
            for p in h.receivers.all()
            if h.deliver_at <= now
        ]
        rows.append(OpenHandoff(h, max(ages, default=0), h.escalate_at <= now))
    return rows


def recent(team: str | None = None, limit: int = 50) -> QuerySet[Handoff]:
    found = Handoff.objects.all()
    if team:
        found = found.filter(team=people.get_team(team))
    return found.select_related("team", "author", "acknowledged_by")[:limit]


def _present(starts: dict[str, datetime], away: dict[str, list[tuple[int, int]]]) -> list[str]:
    """The receivers of a hand-off: the region's members who are not away when it picks up
    (the first of them to start work); everyone, if all of them are away."""
    first = epoch(min(starts.values()))
    here = [p for p in starts if not any(s <= first < e for s, e in away.get(p, ()))]
    return sorted(here or starts)


def latest(team_id: int, limit: int = 3) -> list[Handoff]:
    """The team's last hand-offs, newest first, with only what a page quotes of them."""
    found = Handoff.objects.filter(team_id=team_id).only(
        "created_at", "source", "target", "next_action"
    )
    return list(found[:limit])


def age_label(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60:02d} min" if hours else f"{rest // 60} min"
