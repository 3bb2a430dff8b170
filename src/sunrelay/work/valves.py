"""Pressure-release valves, pre-decided in the working agreement (seed 004): when a trigger
fires (or someone proposes it by hand) the valve waits for its openers, e.g. one engineering
and one product role; once they have all confirmed it opens: it pauses the listed classes,
least sacred first, freezes starts, routes new asks. Its return-to-normal condition (or a
hand) closes it, and what it paused resumes in reverse order. Openings and closings are
announced to the team, its followers and the DRIs of what changed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from sunrelay.cadence.models import Follow
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.incidents.models import Incident
from sunrelay.notify import service as notify
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team
from sunrelay.work import logic, service
from sunrelay.work.errors import StateNotAllowed, ValveNotFound
from sunrelay.work.models import Initiative, Signal, ValveOpening
from sunrelay.work.permissions import require_valve

LIVE = (ValveOpening.PROPOSED, ValveOpening.OPEN)
SEVERE = ("SEV1", "SEV2")


def _valve(team: Team, name: str) -> logic.Valve:
    valve = service.rules_for(team).valve(name)
    if valve is None:
        raise ValveNotFound(f"{team.slug} has no valve {name!r}", field="name")
    return valve


def current(team: Team, name: str) -> ValveOpening | None:
    return ValveOpening.objects.filter(team=team, name=name, state__in=LIVE).first()


def _audience(team: Team, extra: Iterable[Person]) -> list[Person]:
    everyone: dict[int, Person] = {p.pk: p for p in team.members.all()}
    if team.lead is not None:
        everyone[team.lead.pk] = team.lead
    for follow in Follow.objects.filter(team=team).select_related("person"):
        everyone[follow.person.pk] = follow.person
    for person in extra:
        everyone[person.pk] = person
    return list(everyone.values())


def _announce(opening: ValveOpening, verb: str, changed: Iterable[Initiative]) -> None:
    team = opening.team
    confirmers = Person.objects.filter(slug__in=[c["person"] for c in opening.confirmations])
    notify.send_many(
        _audience(team, [*[i.dri for i in changed], *confirmers]),
        f"work.valve_{verb}",
        f"{team.name}: valve {opening.name} {verb}",
        opening.why if verb == "opened" else opening.closed_why,
        url=f"/work/teams/{team.slug}/",
        key=lambda p: f"work.valve:{opening.pk}:{verb}:{p.slug}",
    )


# -- propose, confirm -------------------------------------------------------------------------


def propose(team_slug: str, name: str, actor: service.Who, *, why: str = "") -> ValveOpening:
    """Propose a valve by hand; the proposer's confirmation counts. Raises ValveNotFound,
    StateNotAllowed (already proposed or open), PermissionDenied, ValidationFailed."""
    with transaction.atomic():
        team = people.get_team(team_slug)
        valve = _valve(team, name)
        if current(team, name) is not None:
            raise StateNotAllowed(f"valve {name} is already proposed or open", field="name")
        opening = ValveOpening.objects.create(
            team=team,
            name=name,
            why=(why.strip() or "opened by hand")[:300],
            proposed_at=clock.now(),
        )
        _confirm(opening, valve, actor)
    return opening


def open_valve(team_slug: str, name: str, actor: service.Who, *, why: str = "") -> ValveOpening:
    """What "open" means to a person: confirm the valve when it waits for confirmation,
    otherwise propose it (their confirmation counting)."""
    opening = current(people.get_team(team_slug), name)
    if opening is not None and opening.state == ValveOpening.PROPOSED:
        return confirm(team_slug, name, actor)
    return propose(team_slug, name, actor, why=why)


def _fire(team: Team, valve: logic.Valve, why: str) -> ValveOpening:
    """A trigger fired: the valve waits for its openers, who are told."""
    opening = ValveOpening.objects.create(
        team=team, name=valve.name, why=why[:300], proposed_at=clock.now()
    )
    for person in openers_of(team, valve):
        notify.send(
            person,
            "work.valve_proposed",
            f"{team.name}: valve {valve.name} is proposed ({why}); your confirmation is needed",
            valve.relieves,
            url=f"/work/teams/{team.slug}/",
            key=f"work.valve_proposed:{opening.pk}:{person.slug}",
        )
    return opening


def openers_of(team: Team, valve: logic.Valve) -> list[Person]:
    rules = service.rules_for(team)
    candidates = list(team.members.all())
    if team.lead is not None:
        candidates.append(team.lead)
    if rules.product:
        candidates += list(Person.objects.filter(slug=rules.product))
    seen: dict[str, Person] = {}
    for person in candidates:
        if logic.may_confirm(valve.openers, person.roles):
            seen.setdefault(person.slug, person)
    return list(seen.values())


def confirm(team_slug: str, name: str, actor: service.Who) -> ValveOpening:
    """Confirm a proposed valve; it opens once every opener group is covered by a different
    person. Raises ValveNotFound, StateNotAllowed, PermissionDenied."""
    with transaction.atomic():
        team = people.get_team(team_slug)
        valve = _valve(team, name)
        opening = current(team, name)
        if opening is None or opening.state != ValveOpening.PROPOSED:
            raise StateNotAllowed(f"valve {name} is not waiting for confirmation", field="name")
        opening = ValveOpening.objects.select_for_update().get(pk=opening.pk)
        _confirm(opening, valve, actor)
    return opening


def _confirm(opening: ValveOpening, valve: logic.Valve, actor: service.Who) -> None:
    who, person = service._acting_person(actor)
    if person is None:
        raise ValidationFailed("confirming a valve needs a person", field="actor")
    rules = service.rules_for(opening.team)
    done = [(c["person"], c["roles"]) for c in opening.confirmations]
    if any(slug == person.slug for slug, _ in done):
        raise StateNotAllowed(
            f"{person.slug} already confirmed valve {opening.name}", field="actor"
        )
    after = [*done, (person.slug, list(person.roles))]
    require_valve(
        who,
        opening.team,
        rules.product,
        person.roles,
        len(logic.matching(valve.openers, after)) > len(logic.matching(valve.openers, done)),
        f"confirm valve {opening.name} (it needs {valve.describe_openers()})",
    )
    confirmation = {
        "person": person.slug,
        "roles": list(person.roles),
        "at": clock.now().isoformat(),
    }
    opening.confirmations = [*opening.confirmations, confirmation]
    opening.save()
    if len(logic.matching(valve.openers, after)) == len(valve.openers):
        _open(opening, valve)


def _open(opening: ValveOpening, valve: logic.Valve) -> None:
    team = opening.team
    rules = service.rules_for(team)
    active = [logic.Item(i.pk, i.klass, started_at=i.started_at) for i in service.active_of(team)]
    chosen = logic.shed_order(active, valve.pause, rules, valve.up_to)
    # open first: an open valve holds the queue, so the slots it frees stay free
    opening.state, opening.opened_at = ValveOpening.OPEN, clock.now()
    opening.members_at_open = team.members.count()
    opening.save()
    operator = Actor(None, staff=True, operator=True)
    paused: list[Initiative] = []
    for item in chosen:
        initiative = service.pause(item.pk, operator, reason=f"valve {valve.name} opened")
        Initiative.objects.filter(pk=item.pk).update(paused_by_valve=opening)
        paused.append(initiative)
    opening.paused = [i.pk for i in paused]
    opening.save(update_fields=["paused"])
    _announce(opening, "opened", paused)


# -- close --------------------------------------------------------------------------------------


def close(team_slug: str, name: str, actor: service.Who, *, why: str = "") -> ValveOpening:
    """Close a valve by hand (one opener suffices), or withdraw a proposal; what it paused
    resumes, last paused first. Raises ValveNotFound, StateNotAllowed, PermissionDenied."""
    with transaction.atomic():
        team = people.get_team(team_slug)
        valve = _valve(team, name)
        opening = current(team, name)
        if opening is None:
            raise StateNotAllowed(f"valve {name} is not open", field="name")
        who, person = service._acting_person(actor)
        roles = person.roles if person is not None else []
        require_valve(
            who,
            team,
            service.rules_for(team).product,
            roles,
            who.operator or logic.may_confirm(valve.openers, roles),
            f"close valve {name}",
        )
        _close(
            ValveOpening.objects.select_for_update().get(pk=opening.pk),
            why.strip() or f"closed by {person.slug if person else 'an operator'}",
        )
    return opening


def _close(opening: ValveOpening, why: str) -> None:
    now = clock.now()
    if opening.state == ValveOpening.PROPOSED:
        opening.state, opening.closed_at, opening.closed_why = (
            ValveOpening.WITHDRAWN,
            now,
            why[:300],
        )
        opening.save()
        return
    opening.state, opening.closed_at, opening.closed_why = ValveOpening.CLOSED, now, why[:300]
    opening.save()
    resumed: list[Initiative] = []
    for pk in reversed(opening.paused):
        initiative = Initiative.objects.filter(
            pk=pk, state=logic.PAUSED, paused_by_valve=opening
        ).first()
        if initiative is None:
            continue  # someone finished, dropped or restarted it meanwhile
        initiative.state, initiative.started_at, initiative.paused_by_valve = (
            logic.ACTIVE,
            now,
            None,
        )
        initiative.save()
        service.record(initiative, "resumed", None, f"resumed: valve {opening.name} closed", why)
        resumed.append(initiative)
    service.fill_queue(opening.team)
    _announce(opening, "closed", resumed)


# -- triggers -----------------------------------------------------------------------------------


def severe_open(team: Team) -> int:
    return Incident.objects.filter(
        team=team,
        severity__in=SEVERE,
        drill=False,
        state__in=(Incident.DECLARED, Incident.MITIGATED),
    ).count()


def _queue(team: Team) -> int:
    return Initiative.objects.filter(team=team, state=logic.QUEUED).count()


def fired(team: Team, valve: logic.Valve, since: datetime | None) -> str | None:
    """Why the valve's trigger fires now, or None."""
    trigger = valve.trigger
    if trigger.kind == "incidents":
        n = severe_open(team)
        return f"{n} open SEV1/SEV2 incidents" if n >= trigger.count else None
    if trigger.kind == "queue":
        n = _queue(team)
        return f"{n} initiatives queued" if n > trigger.count else None
    if trigger.kind == "signal":
        signals = Signal.objects.filter(team=team)
        if since is not None:
            signals = signals.filter(raised_at__gt=since)
        if trigger.signal == "shed":
            hit = signals.filter(response=Signal.SHED).first()
            return f"capacity signal {hit.pk} answered “shed”" if hit else None
        hit = signals.filter(response="", level__gte=1).first()
        return f"capacity signal {hit.pk} unanswered" if hit else None
    return None


def calm(opening: ValveOpening, valve: logic.Valve, now: datetime) -> str | None:
    """Why things are back to normal, or None; notes when a lasting condition first held."""
    back, team = valve.back, opening.team
    if back.kind == "incidents_resolved":
        return "the incidents were resolved" if severe_open(team) == 0 else None
    if back.kind == "on":
        return (
            f"its date came ({back.on})" if back.on is not None and now.date() >= back.on else None
        )
    if back.kind == "new_member":
        return "a new member started" if team.members.count() > opening.members_at_open else None
    if back.kind == "queue_below":
        if _queue(team) >= back.count:
            opening.calm_since = None
            opening.save(update_fields=["calm_since"])
            return None
        if opening.calm_since is None:
            opening.calm_since = now
            opening.save(update_fields=["calm_since"])
        if now - opening.calm_since >= back.lasting:
            return f"the queue stayed below {back.count} for {back.lasting.days} days"
    return None


def check(now: datetime | None = None) -> tuple[int, int]:
    """Fire every valve whose trigger holds and close every open valve whose return
    condition holds. Returns (proposed, closed)."""
    now = now or clock.now()
    proposed = closed = 0
    for team in Team.objects.select_related("lead", "parent"):
        rules = service.rules_for(team)
        for valve in rules.valves:
            with transaction.atomic():
                opening = current(team, valve.name)
                if opening is None:
                    last = ValveOpening.objects.filter(team=team, name=valve.name).first()
                    why = fired(team, valve, last.closed_at if last else None)
                    if why:
                        _fire(team, valve, why)
                        proposed += 1
                elif opening.state == ValveOpening.OPEN:
                    why = calm(opening, valve, now)
                    if why:
                        _close(opening, why)
                        closed += 1
    return proposed, closed


def routed_asks(team: Team) -> Person | None:
    """Who takes the team's new asks while a valve that routes them is open."""
    rules = service.rules_for(team)
    for opening in ValveOpening.objects.filter(team=team, state=ValveOpening.OPEN):
        valve = rules.valve(opening.name)
        if valve is not None and valve.route_asks_to:
            return Person.objects.filter(slug=valve.route_asks_to).first()
    return None


def history(team: Team, limit: int = 20) -> list[ValveOpening]:
    return list(ValveOpening.objects.filter(team=team)[:limit])


def live(team: Team) -> dict[str, ValveOpening]:
    return {o.name: o for o in ValveOpening.objects.filter(team=team, state__in=LIVE)}
