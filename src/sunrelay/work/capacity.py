"""Capacity signals that close the loop (seed 004): a member says the team is at capacity;
the responders the agreement names must choose a response within their own working time
(shed, re-sequence, add capacity, or accept until a review date); no answer in time climbs to
the next level, in hours. Every signal ends with its outcome, and the responders who let one
pass are counted ("alerts that went nowhere")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction

from sunrelay.cadence.models import StatusUpdate
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.notify import service as notify
from sunrelay.people import delegation
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team
from sunrelay.work import logic, service
from sunrelay.work.errors import SignalNotFound, StateNotAllowed
from sunrelay.work.models import Ask, Signal, ValveOpening
from sunrelay.work.permissions import require_of_team, require_response
from sunrelay.worktime import Period


def manager_of(team: Team) -> Person | None:
    """The lead's manager: the lead of the nearest team above with a lead other than them."""
    current, seen = team.parent, {team.pk}
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        if current.lead_id and current.lead_id != team.lead_id:
            return current.lead
        current = current.parent
    return None


def responders(team: Team, rules: logic.Rules) -> list[Person]:
    """Who answers the team's signals: ``lead``, ``manager`` (the lead's manager), ``product``
    (the agreement's product counterpart), or people by id; a valve routing asks adds its
    person."""
    found: dict[str, Person] = {}
    for token in rules.responders:
        person: Person | None
        if token == "lead":
            person = team.lead
        elif token == "manager":
            person = manager_of(team)
        elif token == "product":
            person = Person.objects.filter(slug=rules.product).first() if rules.product else None
        else:
            person = Person.objects.filter(slug=token).first()
        # an absent responder's delegate answers in their place
        person = delegation.stand_in(person, "escalations", clock.now())
        if person is not None:
            found.setdefault(person.slug, person)
    for opening in ValveOpening.objects.filter(team=team, state=ValveOpening.OPEN):
        valve = rules.valve(opening.name)
        if valve is not None and valve.route_asks_to:
            routed = Person.objects.filter(slug=valve.route_asks_to).first()
            if routed is not None:
                found.setdefault(routed.slug, routed)
    return list(found.values())


def levels_above(team: Team, rules: logic.Rules, asked: set[str]) -> list[Person]:
    """The escalation ladder after the responders: the agreement's ``escalation`` list, or
    the leads of the teams above, leaving out whoever was already asked."""
    if rules.escalation is not None:
        ladder = [Person.objects.filter(slug=s).first() for s in rules.escalation]
    else:
        ladder, current, seen = [], team.parent, {team.pk}
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            ladder.append(current.lead)
            current = current.parent
    out: list[Person] = []
    for person in ladder:
        if person is not None and person.slug not in asked and person not in out:
            out.append(person)
    return out


def _ask(
    signal: Signal, persons: Sequence[Person], level: int, period: Period, now: datetime
) -> datetime | None:
    """Ask each person, each with a deadline in their own working time; the level is due
    when the last of them has had their full period. Returns that instant."""
    dues: list[datetime] = []
    for person in persons:
        due = people_queries.due_in_working_time(person.slug, now, period)
        if due is None:
            continue
        Ask.objects.create(signal=signal, person=person, level=level, due_at=due)
        dues.append(due)
        verb = "is at capacity" if level == 0 else "is at capacity and nobody answered"
        notify.send(
            person,
            "work.capacity",
            f"{signal.team.name} {verb}: choose a response by {due:%a %d %b %H:%M} UTC",
            signal.note,
            url=f"/work/signals/{signal.pk}/",
            key=f"work.capacity:{signal.pk}:{level}:{person.slug}",
        )
    return max(dues) if dues else None


def raise_signal(team_slug: str, actor: service.Who, note: str) -> Signal:
    """'We're at capacity', with a note. Raises ValidationFailed, TeamNotFound,
    PermissionDenied."""
    if not note.strip():
        raise ValidationFailed("say what is over capacity in a note", field="note")
    who, person = service._acting_person(actor)
    if person is None:
        raise ValidationFailed("a capacity signal needs a person to raise it", field="actor")
    with transaction.atomic():
        team = people.get_team(team_slug)
        require_of_team(who, team, f"say {team.slug} is at capacity")
        rules = service.rules_for(team)
        signal = Signal.objects.create(
            team=team, raised_by=person, note=note.strip(), raised_at=clock.now()
        )
        asked = responders(team, rules)
        if not asked:
            asked = levels_above(team, rules, set())[:1]
        signal.due_at = _ask(signal, asked, 0, rules.response, signal.raised_at)
        signal.save()
    return signal


def from_update(update: StatusUpdate) -> None:
    """A weekly update's capacity note raises its team's signal, by its author."""
    if update.team is not None:
        raise_signal(update.team.slug, update.author, update.capacity)


def get_signal(pk: int) -> Signal:
    found = Signal.objects.select_related("team", "raised_by", "responded_by").filter(pk=pk).first()
    if found is None:
        raise SignalNotFound(f"no capacity signal {pk}", field="signal")
    return found


def respond(
    pk: int,
    actor: service.Who,
    response: str,
    *,
    shed: Sequence[int] = (),
    until: date | None = None,
    note: str = "",
    drop: bool = False,
) -> Signal:
    """Answer a signal: ``shed`` (pause, or ``drop``, the named initiatives of the team),
    ``resequence``, ``add-capacity`` or ``accept`` until a review date. Raises
    ValidationFailed, SignalNotFound, StateNotAllowed (already answered), PermissionDenied."""
    if response not in dict(Signal.RESPONSES):
        raise ValidationFailed(
            f"response must be one of {', '.join(dict(Signal.RESPONSES))}", field="response"
        )
    if response == Signal.SHED and not shed:
        raise ValidationFailed("name the initiatives to shed", field="shed")
    if response == Signal.ACCEPT and until is None:
        raise ValidationFailed("accepting for now needs a review date", field="until")
    who, person = service._acting_person(actor)
    with transaction.atomic():
        get_signal(pk)
        signal = Signal.objects.select_for_update().select_related("team").get(pk=pk)
        require_response(who, signal)
        if signal.response:
            raise StateNotAllowed(
                f"signal {pk} was already answered: {signal.response}", field="signal"
            )
        if until is not None and until <= clock.now().date():
            raise ValidationFailed("the review date must be in the future", field="until")
        reason = f"capacity signal {pk}: {note.strip() or response}"
        # the agreement names the responders: they may shed the team's work
        shedder = Actor(person.slug if person else None, staff=True)
        for initiative_pk in shed:
            initiative = service.get_initiative(initiative_pk)
            if initiative.team_id != signal.team_id:
                raise ValidationFailed(
                    f"initiative {initiative_pk} is not {signal.team.slug}'s", field="shed"
                )
            (service.drop if drop else service.pause)(initiative_pk, shedder, reason=reason)
        signal.response, signal.responded_by, signal.responded_at = response, person, clock.now()
        signal.response_note, signal.shed, signal.review_on = note.strip(), list(shed), until
        signal.save()
        if signal.raised_by is not None:  # None: they have left since
            notify.send(
                signal.raised_by,
                "work.capacity_answered",
                f"Your capacity signal for {signal.team.name} was answered: {response}",
                note,
                url=f"/work/signals/{signal.pk}/",
                key=f"work.capacity_answered:{signal.pk}",
            )
    return signal


def escalate_overdue(now: datetime | None = None) -> int:
    """Each unanswered signal past its level's deadline: its askers are counted as missed,
    and the next level is asked with the agreement's ``escalate_after`` in their own working
    time. Returns how many signals climbed."""
    now = now or clock.now()
    climbed = 0
    for signal in Signal.objects.filter(response="", due_at__lte=now).select_related(
        "team__lead", "team__parent"
    ):
        with transaction.atomic():
            locked = Signal.objects.select_for_update().get(pk=signal.pk)
            if locked.response or locked.due_at is None or locked.due_at > now:
                continue
            locked.asks.filter(level=locked.level).update(missed=True)
            rules = service.rules_for(signal.team)
            asked = set(locked.asks.values_list("person__slug", flat=True))
            ladder = levels_above(signal.team, rules, asked)
            locked.level += 1
            locked.due_at = (
                _ask(locked, ladder[:1], locked.level, rules.escalate_after, now)
                if ladder
                else None
            )
            locked.save()
            climbed += 1
    return climbed


def look_again(now: datetime | None = None) -> int:
    """A signal accepted "for now" comes back on its review date: whoever accepted it and
    whoever raised it are asked to look again (once). Returns how many came back."""
    now = now or clock.now()
    due = Signal.objects.filter(
        response=Signal.ACCEPT, review_on__lte=now.date(), reviewed_at=None
    ).select_related("team", "raised_by", "responded_by")
    count = 0
    for signal in due:
        with transaction.atomic():
            if not Signal.objects.filter(pk=signal.pk, reviewed_at=None).update(reviewed_at=now):
                continue  # another worker sent it
            told = {p.slug: p for p in (signal.raised_by, signal.responded_by) if p is not None}
            for person in told.values():
                notify.send(
                    person,
                    "work.capacity_review",
                    f"{signal.team.name}: the capacity signal accepted until "
                    f"{signal.review_on} is due for another look",
                    signal.note,
                    url=f"/work/signals/{signal.pk}/",
                    key=f"work.capacity_review:{signal.pk}:{person.slug}",
                )
            count += 1
    return count


def missed_by_responder(team: Team | None = None) -> list[tuple[str, int]]:
    """Per responder: how many signals they were asked to answer and let pass."""
    asks = Ask.objects.filter(missed=True)
    if team is not None:
        asks = asks.filter(signal__team=team)
    counts = Counter(asks.values_list("person__slug", flat=True))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def outcome(signal: Signal) -> str:
    if signal.response == Signal.ACCEPT:
        return f"accepted until {signal.review_on}"
    if signal.response == Signal.SHED:
        return "shed " + ", ".join(f"#{pk}" for pk in signal.shed)
    if signal.response:
        return signal.response
    if signal.due_at is None:
        return "unanswered, nobody left to ask"
    return f"waiting (level {signal.level})" if signal.level else "waiting"


def open_signals(team: Team | None = None) -> list[Signal]:
    found = Signal.objects.filter(response="").select_related("team", "raised_by")
    return list(found.filter(team=team) if team is not None else found)
