"""Initiatives: add, start (or queue), pause, finish, drop, assign, exit criteria, target
dates and what a slip tells the teams that depend on it. The team's queue starts by itself
when a slot frees. Capacity signals live in ``capacity``, valves in ``valves``.

Every function here commits once and raises: InitiativeNotFound, ValidationFailed (naming the
field), PermissionDenied, StateNotAllowed, OverLimit, NotDone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from sunrelay.cadence.models import Item
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.permissions import Actor, require
from sunrelay.decisions.models import Record
from sunrelay.notify import service as notify
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team
from sunrelay.people.permissions import acting, actor_of, leads
from sunrelay.work import logic
from sunrelay.work.errors import InitiativeNotFound, NotDone, OverLimit, StateNotAllowed
from sunrelay.work.models import Criterion, Event, Initiative, Progress, ValveOpening
from sunrelay.work.permissions import (
    is_member,
    may_change,
    require_change,
    require_criterion,
    require_exception,
    require_of_team,
)

Who = Actor | Person | str | None
Draft = logic.Draft  # what every surface hands in


def rules_for(team: Team) -> logic.Rules:
    """The team's ``work`` rules: its agreement, then the teams above it, then the
    organisation's, then the defaults."""
    return logic.rules(*people_queries.agreements(team))


def get_initiative(pk: int) -> Initiative:
    found = Initiative.objects.select_related("team", "dri").filter(pk=pk).first()
    if found is None:
        raise InitiativeNotFound(f"no initiative {pk}", field="id")
    return found


def _locked(pk: int) -> Initiative:
    get_initiative(pk)
    return Initiative.objects.select_for_update().select_related("team", "dri").get(pk=pk)


def record(
    initiative: Initiative, kind: str, actor: Person | None, text: str, reason: str = ""
) -> Event:
    return Event.objects.create(
        initiative=initiative,
        at=clock.now(),
        kind=kind,
        actor=actor,
        text=text[:500],
        reason=reason.strip()[:500],
    )


def _tell(
    person: Person | None, initiative: Initiative, kind: str, subject: str, body: str = ""
) -> None:
    if person is not None:
        notify.send(
            person,
            f"work.{kind}",
            subject,
            body,
            url=f"/work/{initiative.pk}/",
            key=f"work.{kind}:{initiative.pk}:{clock.now().isoformat()}:{person.slug}",
        )


def _acting_person(who: Who) -> tuple[Actor, Person | None]:
    actor = actor_of(who)
    if isinstance(who, Person):
        return actor, who
    person = Person.objects.filter(slug=actor.person).first() if actor.person else None
    return actor, person


# -- add ----------------------------------------------------------------------------------------


def _check_class(klass: str | None, rules: logic.Rules) -> str:
    chosen = (klass or "").strip() or rules.classes[len(rules.classes) // 2]
    if chosen not in rules.classes:
        raise ValidationFailed(
            f"{chosen!r} is not one of the team's classes: {', '.join(rules.classes)}",
            field="class",
        )
    return chosen


def _people(slugs: Sequence[str], field_name: str) -> list[Person]:
    found = {p.slug: p for p in Person.objects.filter(slug__in=list(slugs))}
    for slug in slugs:
        if slug not in found:
            raise ValidationFailed(f"{slug!r} is not a person", field=field_name)
    return [found[s] for s in dict.fromkeys(slugs)]


def add_initiative(draft: Draft, actor: Who) -> Initiative:
    """A proposed initiative with its criteria, people, components, decisions, dependencies
    and (for a migration) one progress row per team or component. Raises ValidationFailed,
    TeamNotFound, PersonNotFound, ComponentNotFound, PermissionDenied."""
    title = draft.title.strip()
    if not title:
        raise ValidationFailed("an initiative needs a title", field="title")
    if len(title) > 200:
        raise ValidationFailed("the title is longer than 200 characters", field="title")
    who, person = _acting_person(actor)
    with transaction.atomic():
        team = people.get_team(draft.team)
        require_of_team(who, team, f"add initiatives to {team.slug}")
        rules = rules_for(team)
        initiative = Initiative.objects.create(
            title=title,
            description=draft.description.strip(),
            team=team,
            dri=_people([draft.dri], "dri")[0],
            klass=_check_class(draft.klass, rules),
            target=draft.target,
            migration=draft.migration or bool(draft.progress_teams or draft.progress_components),
            created_at=clock.now(),
        )
        for i, text in enumerate(t.strip() for t in draft.criteria):
            if not text:
                raise ValidationFailed(f"exit criterion {i + 1} is empty", field="criteria")
            Criterion.objects.create(initiative=initiative, position=i + 1, text=text[:300])
        initiative.people.set(_people(draft.people, "people"))
        initiative.components.set([people.get_component(c) for c in draft.components])
        _link_decisions(initiative, draft.decisions)
        _link_items(initiative, draft.items)
        _link_dependencies(initiative, draft.depends_on)
        _add_progress(initiative, draft.progress_teams, draft.progress_components)
        record(
            initiative,
            "proposed",
            person,
            f"proposed by {person.slug if person else 'an operator'}",
        )
    return initiative


def _link_decisions(initiative: Initiative, pks: Sequence[int]) -> None:
    found = {r.pk: r for r in Record.objects.filter(pk__in=list(pks))}
    for pk in pks:
        if pk not in found:
            raise ValidationFailed(f"no decision record {pk}", field="decisions")
    initiative.decisions.add(*found.values())


def _link_items(initiative: Initiative, pks: Sequence[int]) -> None:
    found = {i.pk: i for i in Item.objects.filter(pk__in=list(pks))}
    for pk in pks:
        if pk not in found:
            raise ValidationFailed(f"no risk or ask {pk}", field="items")
    initiative.items.add(*found.values())


def _link_dependencies(initiative: Initiative, pks: Sequence[int]) -> None:
    for pk in pks:
        other = Initiative.objects.filter(pk=pk).first()
        if other is None:
            raise ValidationFailed(f"no initiative {pk}", field="depends_on")
        if other.pk == initiative.pk or _reaches(other, initiative.pk):
            raise ValidationFailed(
                f"initiative {pk} already depends on this one: a cycle", field="depends_on"
            )
        initiative.depends_on.add(other)


def _reaches(start: Initiative, target: int) -> bool:
    frontier, seen = {start.pk}, set()
    while frontier:
        if target in frontier:
            return True
        seen |= frontier
        frontier = (
            set(
                Initiative.depends_on.through.objects.filter(
                    from_initiative__in=frontier
                ).values_list("to_initiative", flat=True)
            )
            - seen
        )
    return False


def _add_progress(initiative: Initiative, teams: Sequence[str], components: Sequence[str]) -> None:
    now = clock.now()
    for slug in dict.fromkeys(teams):
        Progress.objects.create(initiative=initiative, team=people.get_team(slug), updated_at=now)
    for slug in dict.fromkeys(components):
        Progress.objects.create(
            initiative=initiative, component=people.get_component(slug), updated_at=now
        )


def update_initiative(pk: int, draft: Draft, actor: Who) -> Initiative:
    """Bring an initiative to what ``draft`` says: its title, description, class, DRI and
    target are set (a slip tells the dependents); people, components, decisions,
    dependencies, criteria and progress rows it does not have yet are added. Raises as
    ``add_initiative``, and ValidationFailed for a move to another team."""
    who, person = _acting_person(actor)
    with transaction.atomic():
        initiative = _locked(pk)
        require_change(who, initiative, "change")
        if draft.team != initiative.team.slug:
            raise ValidationFailed(
                f"initiative {pk} belongs to {initiative.team.slug}; it cannot move teams",
                field="team",
            )
        if not draft.title.strip():
            raise ValidationFailed("an initiative needs a title", field="title")
        initiative.title, initiative.description = draft.title.strip()[:200], draft.description
        initiative.klass = _check_class(draft.klass, rules_for(initiative.team))
        initiative.dri = _people([draft.dri], "dri")[0]
        initiative.save()
        if draft.target != initiative.target:
            move_target(pk, draft.target, actor, reason="from the work file")
        for slug in draft.people:
            if not initiative.people.filter(slug=slug).exists():
                assign(pk, slug, actor)
        known = set(initiative.criteria.values_list("text", flat=True))
        for text in draft.criteria:
            if text not in known:
                add_criterion(pk, text, actor)
        _link_decisions(initiative, draft.decisions)
        _link_items(initiative, draft.items)
        _link_dependencies(initiative, draft.depends_on)
        initiative.components.add(*[people.get_component(c) for c in draft.components])
        have = set(initiative.progress.values_list("team__slug", "component__slug"))
        _add_progress(
            initiative,
            [t for t in draft.progress_teams if (t, None) not in have],
            [c for c in draft.progress_components if (None, c) not in have],
        )
        record(initiative, "edited", person, "edited")
    return initiative


# -- limits -------------------------------------------------------------------------------------


def carrying(person: Person, but: Initiative | None = None) -> list[Initiative]:
    """The active initiatives a person is assigned to (other than ``but``)."""
    found = Initiative.objects.filter(people=person, state=logic.ACTIVE).order_by("pk")
    return list(found.exclude(pk=but.pk) if but is not None else found)


def over_their_limit(
    initiative: Initiative, candidates: Sequence[Person]
) -> tuple[Person, list[Initiative]] | None:
    """The first person who would carry more than their limit were ``initiative`` active."""
    limit = rules_for(initiative.team).per_person
    for person in candidates:
        theirs = carrying(person, but=initiative)
        if len(theirs) >= limit:
            return person, theirs
    return None


def _refuse_over(found: tuple[Person, list[Initiative]], limit: int) -> OverLimit:
    person, theirs = found
    names = ", ".join(f"#{i.pk} {i.title}" for i in theirs)
    return OverLimit(
        f"{person.slug} already carries {len(theirs)} active initiative"
        f"{'s' if len(theirs) != 1 else ''} (the limit is {limit}): {names}",
        field="people",
    )


def frozen_by(team: Team) -> ValveOpening | None:
    """The open valve that freezes the team's starts, if any."""
    rules = rules_for(team)
    for opening in ValveOpening.objects.filter(team=team, state=ValveOpening.OPEN):
        valve = rules.valve(opening.name)
        if valve is not None and valve.freeze_starts:
            return opening
    return None


def active_of(team: Team) -> list[Initiative]:
    return list(
        Initiative.objects.filter(team=team, state=logic.ACTIVE).order_by("started_at", "pk")
    )


# -- moves --------------------------------------------------------------------------------------


def _move(initiative: Initiative, to: str) -> None:
    if to not in logic.MOVES[initiative.state]:
        raise StateNotAllowed(f"a {initiative.state} initiative cannot become {to}", field="state")


def start(pk: int, actor: Who, *, reason: str = "", force: bool = False) -> Initiative:
    """Start it if the team has a free slot and no valve freezes starts; otherwise put it in
    the team's queue (by class, then by who asked first), saying what it waits for.

    A start beyond a limit is an exception, counted on the team's page, and happens two ways
    only: with ``force`` and a reason, by the team's lead or staff (the team's limit or a
    person's); or, while a valve is open that does not freeze starts, for the team's most
    sacred class (the valve shed the rest to make room for it). A person already at their
    own limit is otherwise refused, naming what they carry."""
    who, person = _acting_person(actor)
    with transaction.atomic():
        initiative = _locked(pk)
        require_change(who, initiative, "start")
        _move(initiative, logic.ACTIVE)
        rules = rules_for(initiative.team)
        if force:
            if not reason.strip():
                raise ValidationFailed("starting beyond a limit needs a reason", field="reason")
            require_exception(who, initiative.team, f"start initiative {pk} beyond a limit")
        over = over_their_limit(initiative, list(initiative.people.all()))
        if over is not None and not force:
            raise _refuse_over(over, rules.per_person)
        now = clock.now()
        initiative.asked_at = initiative.asked_at or now
        limit = initiative.team.wip_limit
        active = active_of(initiative.team)
        frozen = frozen_by(initiative.team)
        full = limit is not None and len(active) >= limit
        through = _valve_room(initiative, rules) if full and not frozen and not force else None
        if (full or frozen) and not force and through is None:
            initiative.state = logic.QUEUED
            initiative.save()
            waits = (
                f"valve {frozen.name} to close"
                if frozen
                else ("a free slot: " + ", ".join(f"#{i.pk}" for i in active))
            )
            record(initiative, "queued", person, f"queued; waits for {waits}", reason)
            return initiative
        initiative.state, initiative.started_at = logic.ACTIVE, now
        beyond = [
            *(["the team's limit"] if full or frozen else []),
            *([f"{over[0].slug}'s limit"] if over is not None else []),
        ]
        if beyond:
            why = f"through valve {through.name}" if through is not None else reason.strip()
            initiative.exception = why[:300]
            record(initiative, "exception", person, f"started beyond {' and '.join(beyond)}", why)
        initiative.save()
        record(initiative, "started", person, "started", reason)
    return initiative


def _valve_room(initiative: Initiative, rules: logic.Rules) -> ValveOpening | None:
    """The open valve that lets the team's most sacred work start beyond its limit."""
    if rules.rank(initiative.klass) != 0:
        return None
    return ValveOpening.objects.filter(team=initiative.team, state=ValveOpening.OPEN).first()


def fill_queue(team: Team) -> list[Initiative]:
    """Start queued initiatives while the team has free slots, no valve is open, and their
    people are under their own limits; each DRI is told. Call inside the changing
    transaction."""
    started: list[Initiative] = []
    if ValveOpening.objects.filter(team=team, state=ValveOpening.OPEN).exists():
        return started  # an open valve holds the queue until it closes
    rules = rules_for(team)
    limit = team.wip_limit
    queued = {
        i.pk: i
        for i in Initiative.objects.filter(team=team, state=logic.QUEUED).select_related(
            "dri", "team"
        )
    }
    order = logic.queue_order(
        [logic.Item(i.pk, i.klass, i.asked_at) for i in queued.values()], rules
    )
    active = len(active_of(team))
    for item in order:
        if limit is not None and active >= limit:
            break
        initiative = queued[item.pk]
        if over_their_limit(initiative, list(initiative.people.all())) is not None:
            continue
        initiative.state, initiative.started_at = logic.ACTIVE, clock.now()
        initiative.save()
        record(initiative, "started", None, "started from the queue: a slot freed")
        _tell(initiative.dri, initiative, "started", f"Started from the queue: {initiative.title}")
        started.append(initiative)
        active += 1
    return started


def _leave_active(pk: int, actor: Who, to: str, verb: str, reason: str) -> Initiative:
    who, person = _acting_person(actor)
    with transaction.atomic():
        initiative = _locked(pk)
        require_change(who, initiative, verb)
        _move(initiative, to)
        was = initiative.state
        if to == logic.DONE:
            open_ = [c for c in initiative.criteria.all() if not c.settled]
            if open_:
                raise NotDone(
                    "every exit criterion must be met or waived first; open: "
                    + "; ".join(f"{c.position}. {c.text}" for c in open_),
                    field="criteria",
                )
        if to == logic.DROPPED and not reason.strip():
            raise ValidationFailed("dropping an initiative needs a reason", field="reason")
        initiative.state = to
        if to in (logic.DONE, logic.DROPPED):
            initiative.finished_at = clock.now()
        initiative.save()
        record(initiative, to, person, f"{to} (was {was})", reason)
        if to == logic.PAUSED:
            _tell_dependents(initiative, "paused", reason)
        fill_queue(initiative.team)
    return initiative


def pause(pk: int, actor: Who, *, reason: str = "") -> Initiative:
    return _leave_active(pk, actor, logic.PAUSED, "pause", reason)


def finish(pk: int, actor: Who, *, reason: str = "") -> Initiative:
    return _leave_active(pk, actor, logic.DONE, "finish", reason)


def drop(pk: int, actor: Who, *, reason: str = "") -> Initiative:
    return _leave_active(pk, actor, logic.DROPPED, "drop", reason)


# -- people, criteria, dates --------------------------------------------------------------------


def assign(pk: int, who_slug: str, actor: Who, *, remove: bool = False) -> Initiative:
    """Assign a person (or ``remove`` them). Assigning someone to an active initiative when
    they already carry their limit is refused, naming what they carry."""
    who, person = _acting_person(actor)
    with transaction.atomic():
        initiative = _locked(pk)
        require_change(who, initiative, "assign people to")
        target = people.get_person(who_slug)
        if remove:
            initiative.people.remove(target)
            record(initiative, "unassigned", person, f"{target.slug} unassigned")
            return initiative
        if initiative.state == logic.ACTIVE:
            over = over_their_limit(initiative, [target])
            if over is not None:
                raise _refuse_over(over, rules_for(initiative.team).per_person)
        initiative.people.add(target)
        record(initiative, "assigned", person, f"{target.slug} assigned")
    return initiative


def settle_criterion(pk: int, position: int, actor: Who, *, waive: str | None = None) -> Criterion:
    """Mark exit criterion ``position`` met, or waive it with a reason."""
    who, person = _acting_person(actor)
    with transaction.atomic():
        initiative = _locked(pk)
        require_criterion(who, initiative, waive is not None)
        criterion = initiative.criteria.filter(position=position).first()
        if criterion is None:
            raise ValidationFailed(f"no exit criterion {position}", field="criterion")
        if waive is not None:
            if not waive.strip():
                raise ValidationFailed("waiving a criterion needs a reason", field="reason")
            criterion.waived = waive.strip()[:300]
            record(
                initiative,
                "waived",
                person,
                f"criterion {position} waived: {criterion.text}",
                waive,
            )
        else:
            criterion.met_at, criterion.met_by = clock.now(), person
            record(initiative, "met", person, f"criterion {position} met: {criterion.text}")
        criterion.save()
    return criterion


def add_criterion(pk: int, text: str, actor: Who) -> Criterion:
    who, person = _acting_person(actor)
    if not text.strip():
        raise ValidationFailed("an exit criterion needs text", field="text")
    with transaction.atomic():
        initiative = _locked(pk)
        require_change(who, initiative, "add exit criteria to")
        position = initiative.criteria.count() + 1
        made = Criterion.objects.create(
            initiative=initiative, position=position, text=text.strip()[:300]
        )
        record(initiative, "criterion", person, f"criterion {position} added: {made.text}")
    return made


def move_target(pk: int, target: date | None, actor: Who, *, reason: str = "") -> Initiative:
    """Change the target date; a move later by more than the team's slip threshold tells
    every dependent initiative's DRI and lets the dependent team de-scope."""
    who, person = _acting_person(actor)
    with transaction.atomic():
        initiative = _locked(pk)
        require_change(who, initiative, "move the target of")
        old = initiative.target
        initiative.target = target
        initiative.save()
        record(initiative, "target", person, f"target {old or 'none'} → {target or 'none'}", reason)
        if logic.slipped(old, target, rules_for(initiative.team).slip):
            record(initiative, "slipped", person, f"slipped from {old} to {target or 'no date'}")
            _tell_dependents(initiative, f"slipped from {old} to {target or 'no date'}", reason)
    return initiative


def _tell_dependents(initiative: Initiative, what: str, reason: str) -> None:
    """Each dependent initiative's DRI hears; its team may now de-scope or re-sequence it
    without escalating (recorded on its timeline), and the team's lead is informed."""
    now = clock.now()
    for dependent in initiative.dependents.select_related("team__lead", "dri").exclude(
        state__in=(logic.DONE, logic.DROPPED)
    ):
        dependent.descope_granted_at = now
        dependent.save(update_fields=["descope_granted_at"])
        record(
            dependent,
            "may_descope",
            None,
            f"#{initiative.pk} {initiative.title} {what}: {dependent.team.slug} may de-scope "
            "or re-sequence this without escalating",
            reason,
        )
        subject = f"#{initiative.pk} {initiative.title} {what}; you may de-scope #{dependent.pk}"
        _tell(dependent.dri, dependent, "dependency", subject, reason)
        if dependent.team.lead_id and dependent.team.lead_id != dependent.dri_id:
            _tell(dependent.team.lead, dependent, "dependency", subject, reason)


def link(
    pk: int,
    actor: Who,
    *,
    decisions: Sequence[int] = (),
    depends_on: Sequence[int] = (),
    components: Sequence[str] = (),
    items: Sequence[int] = (),
) -> Initiative:
    who, person = _acting_person(actor)
    with transaction.atomic():
        initiative = _locked(pk)
        require_change(who, initiative, "link")
        _link_decisions(initiative, decisions)
        _link_items(initiative, items)
        _link_dependencies(initiative, depends_on)
        initiative.components.add(*[people.get_component(c) for c in components])
        record(initiative, "linked", person, "links added")
    return initiative


def set_progress(
    pk: int,
    actor: Who,
    *,
    team: str | None = None,
    component: str | None = None,
    state: str,
    note: str = "",
) -> Initiative:
    """A migration's progress in one team or component. Its DRI and lead may set any row;
    each team's members and lead set their own team's (or their components')."""
    if state not in dict(Progress.STATES):
        raise ValidationFailed(
            f"state must be one of {', '.join(dict(Progress.STATES))}", field="state"
        )
    who, person = acting(actor) if actor is not None else (actor_of(None), None)
    with transaction.atomic():
        initiative = _locked(pk)
        rows = initiative.progress.select_related("team", "component__owner")
        row = (
            rows.filter(team__slug=team).first()
            if team
            else rows.filter(component__slug=component).first()
        )
        if row is None:
            raise ValidationFailed(
                f"{team or component!r} is not part of this migration",
                field="team" if team else "component",
            )
        owner = row.team or (row.component.owner if row.component else None)
        require(
            may_change(who, initiative)
            or (owner is not None and (leads(who, owner) or is_member(who, owner))),
            "the migration's DRI, its lead, or the team whose progress it is",
            f"set progress on initiative {pk}",
            field="actor",
        )
        row.state, row.note, row.updated_at = state, note.strip()[:300], clock.now()
        row.save()
        where = row.team.slug if row.team else row.component.slug  # type: ignore[union-attr]
        record(initiative, "progress", person, f"{where}: {state}", note)
    return initiative
