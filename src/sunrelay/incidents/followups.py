"""What an incident leaves behind: the postmortem (created on resolution from the template,
due in its owner's working time; done closes the incident) and the action items, each with an
owner and a due date, reminded until done."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.core.removal import LEFT
from sunrelay.incidents import logic, timeline
from sunrelay.incidents.errors import ActionItemNotFound, StateNotAllowed
from sunrelay.incidents.models import ActionItem, Incident, Postmortem
from sunrelay.incidents.permissions import require_run
from sunrelay.notify import service as notify
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Person
from sunrelay.people.permissions import acting
from sunrelay.worktime import NoWorkingTime, deadline, usual_day, zone


def create_postmortem(incident: Incident) -> Postmortem:
    """Called as the incident resolves; a reopened and re-resolved incident keeps its first."""
    existing = Postmortem.objects.filter(incident=incident).first()
    if existing is not None:
        return existing
    owner = incident.commander
    period = logic.postmortem_due(incident.team.agreement if incident.team else {})
    now = clock.now()
    due = now + timedelta(hours=48)
    tz = "UTC"
    if owner is not None:
        tz = owner.timezone
        schedule = people_queries.load_directory([owner.slug]).schedule(owner.slug)
        working = period.working_time(usual_day(owner.working_hours))
        try:
            due = deadline(schedule, now, working)
        except NoWorkingTime:  # an owner away for years: the period in elapsed time
            due = now + working
    lines = [
        logic.TimelineLine(
            e.at.astimezone(zone(tz)), e.kind, e.text, e.author.name if e.author else ""
        )
        for e in incident.entries.select_related("author")
    ]
    body = logic.postmortem_template(incident.title, incident.severity, incident.summary, lines, tz)
    pm = Postmortem.objects.create(
        incident=incident, body=body, owner=owner, created_at=now, due_at=due
    )
    if owner is not None:
        notify.send(
            owner,
            "incident.postmortem",
            f"Postmortem due: {incident.title}",
            f"Due {due:%a %d %b %H:%M} UTC ({period} of your working time).",
            url=f"{timeline.url(incident)}postmortem/",
            key=f"incident:{incident.pk}:postmortem",
        )
    return pm


def save_postmortem(pk: int, body: str, by: Actor | Person) -> Postmortem:
    """Raises StateNotAllowed, ValidationFailed, PermissionDenied."""
    rights = acting(by)[0]
    with transaction.atomic():
        incident = timeline.get_incident(pk)
        require_run(rights, incident, "write the postmortem of")
        pm = Postmortem.objects.filter(incident=incident).first()
        if pm is None:
            raise StateNotAllowed(
                "the postmortem is written once the incident is resolved", field="state"
            )
        if not body.strip():
            raise ValidationFailed("the postmortem cannot be empty", field="body")
        pm.body = body
        pm.save()
    return pm


def complete_postmortem(pk: int, by: Actor | Person) -> Incident:
    """Mark the postmortem done; the incident closes. Raises StateNotAllowed,
    PermissionDenied."""
    rights, actor = acting(by)
    with transaction.atomic():
        incident = timeline.get_incident(pk)
        require_run(rights, incident, "finish the postmortem of")
        pm = Postmortem.objects.filter(incident=incident).first()
        if pm is None or incident.state != logic.RESOLVED:
            raise StateNotAllowed(
                "only a resolved incident's postmortem can be done", field="state"
            )
        now = clock.now()
        pm.state, pm.done_at = Postmortem.DONE, now
        pm.save()
        incident.state, incident.closed_at = logic.CLOSED, now
        incident.save()
        late = "" if pm.on_time else " (after its due time)"
        timeline.entry(incident, "state", f"postmortem done{late}", actor)
    return incident


# -- action items --------------------------------------------------------------------------------


def add_action_item(pk: int, title: str, owner: str, due: date, by: Actor | Person) -> ActionItem:
    """Raises ValidationFailed, PersonNotFound, PermissionDenied."""
    rights, actor = acting(by)
    if not title.strip():
        raise ValidationFailed("an action item needs a title", field="title")
    with transaction.atomic():
        incident = timeline.get_incident(pk)
        require_run(rights, incident, "give action items in")
        who = people.get_person(owner)
        item = ActionItem.objects.create(
            incident=incident, title=title.strip(), owner=who, due=due, created_at=clock.now()
        )
        timeline.entry(
            incident, "action", f"action item for {who.name}, due {due}: {item.title}", actor
        )
    return item


def complete_action_item(item_pk: int, by: Actor | Person) -> ActionItem:
    """Done by its owner or those who run the incident. Raises ActionItemNotFound,
    PermissionDenied."""
    rights, actor = acting(by)
    with transaction.atomic():
        item = ActionItem.objects.select_related("incident", "owner").filter(pk=item_pk).first()
        if item is None:
            raise ActionItemNotFound(f"no action item {item_pk}", field="id")
        if item.owner_id != actor.pk:
            require_run(rights, item.incident, "finish action items of")
        if item.done_at is None:
            item.done_at = clock.now()
            item.save()
            timeline.entry(item.incident, "action", f"done: {item.title}", actor)
    return item


def reassign_action_item(item_pk: int, owner: str, by: Actor | Person) -> ActionItem:
    """Hand an open action item to someone else: its owner or those who run the incident may.
    Recorded on the incident's timeline. Raises ActionItemNotFound, ValidationFailed (no
    such person; done already), PermissionDenied."""
    rights, actor = acting(by)
    with transaction.atomic():
        item = (
            ActionItem.objects.select_for_update(of=("self",))
            .select_related("incident", "owner")
            .filter(pk=item_pk)
            .first()
        )
        if item is None:
            raise ActionItemNotFound(f"no action item {item_pk}", field="id")
        if item.owner_id != actor.pk:
            require_run(rights, item.incident, "hand over action items of")
        if item.done_at is not None:
            raise ValidationFailed(f"action item {item_pk} is done already", field="id")
        to = Person.objects.filter(slug=owner).first()
        if to is None:
            raise ValidationFailed(f"{owner!r} is not a person", field="owner")
        if to.pk != item.owner_id:
            before, item.owner = item.owner, to
            item.save(update_fields=["owner"])
            timeline.entry(
                item.incident,
                "action",
                f"action item handed from {before.name if before else LEFT} to {to.name}: "
                f"{item.title}",
                actor,
            )
    return item


def action_items(*, open_only: bool = True, owner: str | None = None) -> QuerySet[ActionItem]:
    """Action items across incidents, soonest due first."""
    found = ActionItem.objects.select_related("owner", "incident").order_by("due", "pk")
    if owner:
        found = found.filter(owner__slug=owner)
    return found.filter(done_at=None) if open_only else found


def postmortems() -> QuerySet[Postmortem]:
    """Every postmortem, newest first."""
    return Postmortem.objects.select_related("incident", "owner").order_by("-created_at")
