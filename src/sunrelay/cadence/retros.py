"""Retrospectives: a ritual of kind ``retro`` has a board per meeting where anyone who may
take part adds what went well, what is not working and ideas; a card becomes an action with
an owner and a due date, done when its owner (or the team's lead) says so. Overdue actions are
listed on the board until they are done."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import QuerySet

from sunrelay.cadence import rituals
from sunrelay.cadence.models import Occurrence, RetroInput, Ritual
from sunrelay.cadence.permissions import require_change
from sunrelay.core import clock
from sunrelay.core.errors import NotFound, ValidationFailed
from sunrelay.core.permissions import Actor, require
from sunrelay.notify import service as notify
from sunrelay.people import service as people
from sunrelay.people.models import Person
from sunrelay.people.permissions import actor_of, leads

Who = Actor | Person | str | None


def _retro(pk: int, by: Who) -> Ritual:
    ritual = rituals.get_ritual(pk, by)
    if ritual.kind != "retro":
        raise ValidationFailed(f"{ritual.title} is not a retrospective", field="ritual")
    return ritual


def add_input(pk: int, start: datetime, by: Who, *, kind: str, text: str) -> RetroInput:
    """A card on the board of the meeting at ``start``. Raises RitualNotFound,
    ValidationFailed (not a retro, not one of its meetings, kind, text), PermissionDenied."""
    if kind not in dict(RetroInput.KINDS):
        raise ValidationFailed(
            f"kind must be one of {', '.join(dict(RetroInput.KINDS))}", field="kind"
        )
    if not text.strip():
        raise ValidationFailed("a card needs text", field="text")
    actor = actor_of(by)
    with transaction.atomic():
        ritual = _retro(pk, by)
        occurrence = rituals.save_occurrence(ritual, start, by)  # checks who may take part
        author = Person.objects.filter(slug=actor.person).first() if actor.person else None
        return RetroInput.objects.create(
            occurrence=occurrence,
            kind=kind,
            text=text.strip(),
            author=author,
            created_at=clock.now(),
        )


def _card(pk: int) -> RetroInput:
    found = (
        RetroInput.objects.select_related("occurrence__ritual__team", "owner").filter(pk=pk).first()
    )
    if found is None:
        raise NotFound(f"no retrospective card {pk}", field="card")
    return found


def make_action(pk: int, by: Who, *, owner: str, due: date) -> RetroInput:
    """The card becomes an action owned by ``owner``, due on ``due``; the owner is told."""
    with transaction.atomic():
        card = _card(pk)
        require_change(actor_of(by), card.occurrence.ritual)
        if due < clock.now().date():
            raise ValidationFailed("the due date has passed", field="due")
        card.owner, card.due = people.get_person(owner), due
        card.save()
        notify.send(
            card.owner,
            "cadence.retro_action",
            f"A retrospective action is yours, due {due:%a %d %b}: {card.text[:80]}",
            card.text,
            url=f"/cadence/rituals/{card.occurrence.ritual_id}/",
            key=f"cadence.retro_action:{card.pk}:{card.owner.slug}",
        )
    return card


def complete_action(pk: int, by: Who) -> RetroInput:
    actor = actor_of(by)
    with transaction.atomic():
        card = _card(pk)
        team = card.occurrence.ritual.team
        mine = card.owner is not None and actor.is_person(card.owner.slug)
        require(
            actor.staff or mine or leads(actor, team),
            "its owner, the team's lead or staff",
            f"finish action {pk}",
            field="actor",
        )
        if card.owner is None:
            raise ValidationFailed("this card is not an action yet", field="card")
        card.done_at = clock.now()
        card.save()
    return card


def board(ritual: Ritual, occurrence: Occurrence | None) -> dict[str, list[RetroInput]]:
    cards = list(occurrence.inputs.select_related("author", "owner")) if occurrence else []
    return {k: [c for c in cards if c.kind == k] for k, _ in RetroInput.KINDS}


def open_actions(ritual: Ritual) -> QuerySet[RetroInput]:
    return (
        RetroInput.objects.filter(occurrence__ritual=ritual, owner__isnull=False, done_at=None)
        .select_related("owner")
        .order_by("due")
    )
