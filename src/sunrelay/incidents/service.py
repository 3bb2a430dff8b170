"""Every write about incidents: declare, move through the lifecycle, roles and command,
the timeline, status updates, postmortems and action items; and the reminders job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.decisions import service as decisions
from sunrelay.incidents import logic
from sunrelay.incidents.errors import (
    ActionItemNotFound,
    EntryNotFound,
    IncidentNotFound,
    StateNotAllowed,
)
from sunrelay.incidents.models import ActionItem, Entry, Incident, Postmortem
from sunrelay.notify import service as notify
from sunrelay.oncall import alerts, escalation
from sunrelay.oncall import queries as oncall_queries
from sunrelay.oncall.models import AlertGroup, OnCallSchedule
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team
from sunrelay.worktime import deadline, usual_day, zone


def _url(incident: Incident) -> str:
    return f"/incidents/{incident.pk}/"


def _entry(
    incident: Incident, kind: str, text: str, author: Person | None = None, **extra: Any
) -> Entry:
    return Entry.objects.create(
        incident=incident, at=clock.now(), kind=kind, author=author, text=text, **extra
    )


def get_incident(pk: int) -> Incident:
    found = (
        Incident.objects.select_related(
            "team", "component", "commander", "communications", "scribe", "alert_group"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise IncidentNotFound(f"no incident {pk}", field="incident")
    return found


def severity_of(team: Team | None, name: str) -> logic.Severity:
    rules = logic.severities(team.agreement if team else {})
    if name not in rules:
        raise ValidationFailed(
            f"{name!r} is not a severity; expected {sorted(rules)}", field="severity"
        )
    return rules[name]


# -- declare ----------------------------------------------------------------------------------


def declare(
    title: str,
    severity: str,
    actor: Person,
    *,
    team: str | None = None,
    component: str | None = None,
    summary: str = "",
    drill: bool = False,
    group: int | None = None,
) -> Incident:
    """Open an incident and respond as its severity says: page the team's escalation policy,
    alert its on-call, or file it for working hours. From an alert group (``group``) the team,
    component and pages come from the group. Raises ValidationFailed naming the field,
    TeamNotFound, ComponentNotFound, AlertGroupNotFound."""
    if not title.strip():
        raise ValidationFailed("an incident needs a title", field="title")
    with transaction.atomic():
        source = alerts.get_group(group) if group is not None else None
        found_component = people.get_component(component) if component else None
        if source is not None and found_component is None:
            found_component = source.component
        found_team = people.get_team(team) if team else None
        found_team = found_team or (source.team if source else None)
        found_team = found_team or (found_component.owner if found_component else None)
        rule = severity_of(found_team, severity.strip().upper())
        now = clock.now()
        incident = Incident.objects.create(
            title=title.strip()[:300],
            severity=rule.name,
            summary=summary.strip(),
            drill=drill,
            team=found_team,
            component=found_component,
            alert_group=source,
            commander=actor,
            declared_by=actor,
            declared_at=now,
            update_due_at=now + rule.update_every if rule.update_every else None,
        )
        incident.responders.add(actor)
        label = " (a drill)" if drill else ""
        _entry(incident, "state", f"declared {rule.name}{label}: {rule.description}", actor)
        _entry(incident, "role", f"{actor.name} is the incident commander", actor)
        if source is not None:
            incident.acknowledged_at = source.acknowledged_at
        else:
            _respond(incident, rule, actor)
        incident.save()
    return incident


def _respond(incident: Incident, rule: logic.Severity, actor: Person) -> None:
    team = incident.team
    prefix = f"[{'DRILL ' if incident.drill else ''}{rule.name}] "
    if rule.response == logic.PAGE and team is not None:
        group = alerts.open_page(
            team, prefix + incident.title, incident.summary, f"incident:{incident.pk}"
        )
        incident.alert_group = group
        for page in group.pages.select_related("person"):  # paged before the link existed
            _entry(incident, "page", f"{page.person.name} was paged")
        return
    incident.acknowledged_at = incident.declared_at  # declared by a person: someone has it
    targets = _on_call(team) if rule.response == logic.ALERT else []
    if not targets and team is not None and team.lead is not None:
        targets = [team.lead]
    for person in targets:
        if person.pk == actor.pk:
            continue
        notify.send(
            person,
            f"incident.{rule.response}",
            prefix + incident.title,
            incident.summary,
            url=_url(incident),
            urgent=rule.response == logic.ALERT,
            key=f"incident:{incident.pk}:{rule.response}:{person.slug}",
        )
        _entry(incident, "page", f"{person.name} was alerted ({rule.response})")


def _on_call(team: Team | None) -> list[Person]:
    if team is None:
        return []
    schedule = OnCallSchedule.objects.filter(team=team).order_by("slug").first()
    if schedule is None:
        return []
    return list(Person.objects.filter(slug__in=oncall_queries.who(schedule.slug, clock.now())))


# -- lifecycle -----------------------------------------------------------------------------------


def move(pk: int, state: str, actor: Person, note: str = "") -> Incident:
    """declared → mitigated → resolved (reopen back to declared); resolving creates the
    postmortem, due in the commander's working time. Raises StateNotAllowed."""
    with transaction.atomic():
        incident = get_incident(pk)
        if state == logic.CLOSED:
            raise StateNotAllowed("an incident closes when its postmortem is done", field="state")
        if state not in logic.STATES or not logic.can_move(incident.state, state):
            raise StateNotAllowed(f"cannot go from {incident.state} to {state}", field="state")
        now = clock.now()
        incident.state = state
        if state == logic.MITIGATED:
            incident.mitigated_at = incident.mitigated_at or now
        if state == logic.RESOLVED:
            incident.resolved_at = now
            incident.update_due_at = None
        if state == logic.DECLARED:
            incident.resolved_at = None
        incident.save()
        _entry(incident, "state", f"{state}" + (f": {note.strip()}" if note.strip() else ""), actor)
        if state == logic.RESOLVED:
            _close_page(incident, actor)
            _create_postmortem(incident)
    return incident


def _close_page(incident: Incident, actor: Person) -> None:
    group = incident.alert_group
    if group is not None and group.state != AlertGroup.RESOLVED:
        alerts.resolve(group.pk, actor)


def _create_postmortem(incident: Incident) -> Postmortem:
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
        due = deadline(schedule, now, period.working_time(usual_day(owner.working_hours)))
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
            url=f"{_url(incident)}postmortem/",
            key=f"incident:{incident.pk}:postmortem",
        )
    return pm


def save_postmortem(pk: int, body: str, actor: Person) -> Postmortem:
    with transaction.atomic():
        incident = get_incident(pk)
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


def complete_postmortem(pk: int, actor: Person) -> Incident:
    """Mark the postmortem done; the incident closes. Raises StateNotAllowed."""
    with transaction.atomic():
        incident = get_incident(pk)
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
        _entry(incident, "state", f"postmortem done{late}", actor)
    return incident


# -- roles and the timeline --------------------------------------------------------------------


def assign_role(pk: int, role: str, person: str, actor: Person, note: str = "") -> Incident:
    """Give a role (commander, communications, scribe) or add a responder. Handing command
    over takes a note for the incoming commander, wherever they are."""
    if role not in (*logic.ROLES, "responder"):
        raise ValidationFailed(
            f"{role!r} is not a role; expected {logic.ROLES} or responder", field="role"
        )
    with transaction.atomic():
        incident = get_incident(pk)
        who = people.get_person(person)
        incident.responders.add(who)
        if role == "responder":
            _entry(incident, "role", f"{who.name} joined as a responder", actor)
            return incident
        if role == "commander":
            if not note.strip():
                raise ValidationFailed("a hand-over of command needs a note", field="note")
            local = clock.now().astimezone(zone(who.timezone))
            _entry(
                incident,
                "command",
                f"command handed to {who.name} ({local:%H:%M} {who.timezone}): {note.strip()}",
                actor,
            )
            if who.pk != actor.pk:
                notify.send(
                    who,
                    "page.command",
                    f"You are now incident commander: {incident.title}",
                    note.strip(),
                    url=_url(incident),
                    urgent=True,
                    key=f"incident:{incident.pk}:command:{incident.entries.count()}",
                )
        else:
            _entry(
                incident,
                "role",
                f"{who.name} is the {role} lead"
                if role == "communications"
                else f"{who.name} is the {role}",
                actor,
            )
        setattr(incident, role, who)
        incident.save()
    return incident


def add_entry(pk: int, kind: str, text: str, actor: Person, why: str = "") -> Entry:
    """A note, a decision (with why) or an action on the timeline."""
    if kind not in ("note", "decision", "action"):
        raise ValidationFailed(f"{kind!r} is not note, decision or action", field="kind")
    if not text.strip():
        raise ValidationFailed("say what happened", field="text")
    with transaction.atomic():
        return _entry(get_incident(pk), kind, text.strip(), actor, why=why.strip())


def post_update(pk: int, text: str, actor: Person) -> Entry:
    """A status update for the rest of the organisation; the next one is due by severity."""
    if not text.strip():
        raise ValidationFailed("the update is empty", field="text")
    with transaction.atomic():
        incident = get_incident(pk)
        entry = _entry(incident, "update", text.strip(), actor, public=True)
        rule = severity_of(incident.team, incident.severity)
        if rule.update_every and incident.state in (logic.DECLARED, logic.MITIGATED):
            incident.update_due_at = clock.now() + rule.update_every
            incident.update_reminded_at = None
            incident.save()
    return entry


def promote_decision(entry_pk: int, actor: Person) -> int:
    """Turn a decision on the timeline into a draft ADR; returns the record's id."""
    with transaction.atomic():
        entry = Entry.objects.select_related("incident", "author").filter(pk=entry_pk).first()
        if entry is None or entry.kind != "decision":
            raise EntryNotFound(f"no decision {entry_pk} on a timeline", field="entry")
        if entry.record_id:
            return entry.record_id
        incident = entry.incident
        who = entry.author.name if entry.author else "the incident team"
        body = "\n".join(
            [
                "## Context",
                "",
                f"Decided during incident #{incident.pk} ({incident.severity}: {incident.title}) "
                f"by {who} at {entry.at:%Y-%m-%d %H:%M} UTC.",
                "",
                "## Decision",
                "",
                entry.text,
                "",
                "## Consequences",
                "",
                entry.why or "To be written.",
                "",
            ]
        )
        record = decisions.create_record(
            {"title": entry.text[:200], "kind": "adr", "body": body}, actor
        )
        entry.record_id = record.pk
        entry.save()
        _entry(incident, "note", f"decision promoted to ADR {record.number}", actor)
    return record.pk


# -- action items --------------------------------------------------------------------------------


def add_action_item(pk: int, title: str, owner: str, due: date, actor: Person) -> ActionItem:
    if not title.strip():
        raise ValidationFailed("an action item needs a title", field="title")
    with transaction.atomic():
        incident = get_incident(pk)
        item = ActionItem.objects.create(
            incident=incident,
            title=title.strip()[:300],
            owner=people.get_person(owner),
            due=due,
            created_at=clock.now(),
        )
        _entry(
            incident, "action", f"action item for {item.owner.name}, due {due}: {item.title}", actor
        )
    return item


def complete_action_item(item_pk: int, actor: Person) -> ActionItem:
    with transaction.atomic():
        item = ActionItem.objects.select_related("incident", "owner").filter(pk=item_pk).first()
        if item is None:
            raise ActionItemNotFound(f"no action item {item_pk}", field="id")
        if item.done_at is None:
            item.done_at = clock.now()
            item.save()
            _entry(item.incident, "action", f"done: {item.title}", actor)
    return item


# -- the alert-group listener ------------------------------------------------------------------


def _on_group(group: AlertGroup, event: str, person: Person | None) -> None:
    for incident in Incident.objects.filter(alert_group=group):
        name = person.name if person else "the source"
        if event == "paged":
            _entry(incident, "page", f"{name} was paged")
        elif event == "acknowledged":
            _entry(incident, "ack", f"{name} acknowledged the page", person)
            if incident.acknowledged_at is None:
                incident.acknowledged_at = clock.now()
                incident.save()
        elif event == "resolved":
            _entry(incident, "note", f"the alert was resolved by {name}", person)


escalation.listen(_on_group)


# -- reminders and reports -----------------------------------------------------------------------


@dataclass
class Reminded:
    updates: int = 0
    postmortems: int = 0
    action_items: int = 0


def remind(now: datetime | None = None) -> Reminded:
    """Tell the communications lead (or commander) an update is due, the postmortem owner it is
    overdue, and each owner of an overdue action item, once a day, until it is done."""
    now = now or clock.now()
    report = Reminded()
    due = Incident.objects.filter(
        state__in=(logic.DECLARED, logic.MITIGATED), update_due_at__lte=now, update_reminded_at=None
    ).select_related("communications", "commander")
    for incident in due:
        whom = incident.communications or incident.commander
        if whom is not None:
            notify.send(
                whom,
                "incident.update_due",
                f"Status update due: {incident.title}",
                f"The next {incident.severity} update was due at "
                f"{incident.update_due_at:%H:%M} UTC.",
                url=_url(incident),
                urgent=True,
                key=f"incident:{incident.pk}:update:{incident.update_due_at}",
            )
        Incident.objects.filter(pk=incident.pk).update(update_reminded_at=now)
        report.updates += 1
    late = Postmortem.objects.filter(state=Postmortem.DRAFT, due_at__lte=now, reminded_at=None)
    for pm in late.select_related("owner", "incident"):
        if pm.owner is not None:
            notify.send(
                pm.owner,
                "incident.postmortem_overdue",
                f"Postmortem overdue: {pm.incident.title}",
                url=f"{_url(pm.incident)}postmortem/",
                key=f"incident:{pm.incident_id}:postmortem-overdue",
            )
        Postmortem.objects.filter(pk=pm.pk).update(reminded_at=now)
        report.postmortems += 1
    for item in ActionItem.objects.filter(done_at=None).select_related("owner", "incident"):
        today = now.astimezone(zone(item.owner.timezone)).date()
        if item.due > today or item.reminded_on == today:
            continue
        notify.send(
            item.owner,
            "incident.action_item",
            f"Action item overdue: {item.title}",
            f"From incident #{item.incident_id} ({item.incident.title}), due {item.due}.",
            url="/incidents/action-items/",
            key=f"incident:action:{item.pk}:{today}",
        )
        ActionItem.objects.filter(pk=item.pk).update(reminded_on=today)
        report.action_items += 1
    return report


def incidents(state: str | None = None, drills: bool = True) -> QuerySet[Incident]:
    found = Incident.objects.select_related("team", "commander")
    if state:
        found = found.filter(state=state)
    return found if drills else found.filter(drill=False)


@dataclass
class Report:
    figures: list[logic.Figures]
    postmortems_done: int
    postmortems_on_time: int
    postmortems_open: int
    open_action_items: int
    overdue_action_items: int


def report(start: datetime, end: datetime) -> Report:
    """Reliability over incidents declared in [start, end); drills are left out."""
    found = Incident.objects.filter(drill=False, declared_at__gte=start, declared_at__lt=end)
    rows = [
        logic.Times(
            i.severity,
            i.team.slug if i.team else "-",
            i.declared_at,
            i.acknowledged_at,
            i.resolved_at,
        )
        for i in found.select_related("team")
    ]
    pms = Postmortem.objects.filter(incident__in=found)
    done = [p for p in pms if p.done_at is not None]
    items = ActionItem.objects.filter(incident__drill=False, done_at=None)
    return Report(
        logic.figures(rows),
        len(done),
        sum(1 for p in done if p.on_time),
        pms.filter(done_at=None).count(),
        items.count(),
        items.filter(due__lt=clock.now().date()).count(),
    )
