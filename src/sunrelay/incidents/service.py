"""Incident command: declare, move through the lifecycle, roles and hand-over of command,
timeline notes and decisions, status updates, and what the incident hears of its alert group.
Postmortems and action items live in ``followups``, lists, reports and reminders in
``reports``, the timeline writer in ``timeline``."""

from __future__ import annotations

import re

from django.db import transaction

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.decisions import service as decisions
from sunrelay.incidents import followups, logic, timeline
from sunrelay.incidents.errors import EntryNotFound, StateNotAllowed
from sunrelay.incidents.models import Entry, Incident
from sunrelay.incidents.permissions import require_run
from sunrelay.notify import service as notify
from sunrelay.oncall import alerts, escalation
from sunrelay.oncall import queries as oncall_queries
from sunrelay.oncall.models import AlertGroup, OnCallSchedule
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team
from sunrelay.people.permissions import acting
from sunrelay.worktime import zone


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
            title=title.strip(),
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
        timeline.entry(incident, "state", f"declared {rule.name}{label}: {rule.description}", actor)
        timeline.entry(incident, "role", f"{actor.name} is the incident commander", actor)
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
            if page.person is not None:  # just paged: always someone
                timeline.entry(incident, "page", f"{page.person.name} was paged")
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
            url=timeline.url(incident),
            urgent=rule.response == logic.ALERT,
            key=f"incident:{incident.pk}:{rule.response}:{person.slug}",
        )
        timeline.entry(incident, "page", f"{person.name} was alerted ({rule.response})")


def _on_call(team: Team | None) -> list[Person]:
    if team is None:
        return []
    schedule = OnCallSchedule.objects.filter(team=team).order_by("slug").first()
    if schedule is None:
        return []
    return list(Person.objects.filter(slug__in=oncall_queries.who(schedule.slug, clock.now())))


# -- lifecycle -----------------------------------------------------------------------------------


def move(pk: int, state: str, by: Actor | Person, note: str = "") -> Incident:
    """declared → mitigated → resolved (reopen back to declared); resolving creates the
    postmortem, due in the commander's working time. Raises StateNotAllowed, PermissionDenied."""
    rights, actor = acting(by)
    with transaction.atomic():
        incident = timeline.get_incident(pk)
        require_run(rights, incident, f"move to {state}")
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
        timeline.entry(
            incident, "state", f"{state}" + (f": {note.strip()}" if note.strip() else ""), actor
        )
        if state == logic.RESOLVED:
            _close_page(incident, actor)
            followups.create_postmortem(incident)
    return incident


def _close_page(incident: Incident, actor: Person) -> None:
    group = incident.alert_group
    if group is not None and group.state != AlertGroup.RESOLVED:
        alerts.resolve(group.pk, actor)


# -- roles and the timeline --------------------------------------------------------------------


def assign_role(pk: int, role: str, person: str, by: Actor | Person, note: str = "") -> Incident:
    """Give a role (commander, communications, scribe) or add a responder. Handing command
    over takes a note for the incoming commander, wherever they are. Anyone may join as a
    responder; the rest is for those who run the incident. Raises PermissionDenied."""
    rights, actor = acting(by)
    if role not in (*logic.ROLES, "responder"):
        raise ValidationFailed(
            f"{role!r} is not a role; expected {logic.ROLES} or responder", field="role"
        )
    with transaction.atomic():
        incident = timeline.get_incident(pk)
        who = people.get_person(person)
        if role != "responder" or who.pk != actor.pk:
            require_run(rights, incident, f"give the {role} role in")
        incident.responders.add(who)
        if role == "responder":
            timeline.entry(incident, "role", f"{who.name} joined as a responder", actor)
            return incident
        if role == "commander":
            if not note.strip():
                raise ValidationFailed("a hand-over of command needs a note", field="note")
            local = clock.now().astimezone(zone(who.timezone))
            timeline.entry(
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
                    url=timeline.url(incident),
                    urgent=True,
                    key=f"incident:{incident.pk}:command:{incident.entries.count()}",
                )
        else:
            timeline.entry(
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


SHA = re.compile(r"^[0-9a-f]{7,64}$")


def name_cause(
    pk: int, by: Actor | Person, *, sha: str = "", deployment: int | None = None
) -> Incident:
    """Say which commit (seven hex digits or more) or which deployment (GitHub's id) caused
    the incident; empty values clear it. Delivery metrics then count the deployment that
    shipped it as failed. For those who run the incident. Raises ValidationFailed,
    PermissionDenied."""
    rights, actor = acting(by)
    sha = (sha or "").strip().lower()
    if sha and not SHA.match(sha):
        raise ValidationFailed(f"{sha!r} is not a commit sha (7 to 64 hex digits)", field="sha")
    if deployment is not None and not 0 < deployment < 2**63:
        raise ValidationFailed("must be a deployment id, a positive number", field="deployment")
    with transaction.atomic():
        incident = timeline.get_incident(pk)
        require_run(rights, incident, "name the cause of")
        incident.cause_sha, incident.cause_deployment = sha, deployment
        incident.save(update_fields=["cause_sha", "cause_deployment"])
        named = " and ".join(
            x for x in (f"commit {sha[:12]}" if sha else "", f"deployment {deployment}"
                        if deployment else "") if x
        )  # fmt: skip
        text = f"caused by {named}" if named else "cause cleared"
        timeline.entry(incident, "note", text, actor)
    return incident


def add_entry(pk: int, kind: str, text: str, by: Actor | Person, why: str = "") -> Entry:
    """A note, a decision (with why) or an action on the timeline: open to anyone."""
    actor = acting(by)[1]
    if kind not in ("note", "decision", "action"):
        raise ValidationFailed(f"{kind!r} is not note, decision or action", field="kind")
    if not text.strip():
        raise ValidationFailed("say what happened", field="text")
    with transaction.atomic():
        return timeline.entry(timeline.get_incident(pk), kind, text.strip(), actor, why=why.strip())


def post_update(pk: int, text: str, by: Actor | Person, state: str = "") -> Entry:
    """A status update for the rest of the organisation; the next one is due by severity.
    With ``state`` the incident also moves, in the same transaction. Raises StateNotAllowed,
    PermissionDenied."""
    rights, actor = acting(by)
    if not text.strip():
        raise ValidationFailed("the update is empty", field="text")
    with transaction.atomic():
        if state:
            move(pk, state, rights)
        incident = timeline.get_incident(pk)
        require_run(rights, incident, "post updates for")
        entry = timeline.entry(incident, "update", text.strip(), actor, public=True)
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
        timeline.entry(incident, "note", f"decision promoted to ADR {record.number}", actor)
    return record.pk


# -- the alert-group listener ------------------------------------------------------------------


def _on_group(group: AlertGroup, event: str, person: Person | None) -> None:
    for incident in Incident.objects.filter(alert_group=group):
        name = person.name if person else "the source"
        if event == "paged":
            timeline.entry(incident, "page", f"{name} was paged")
        elif event == "acknowledged":
            timeline.entry(incident, "ack", f"{name} acknowledged the page", person)
            if incident.acknowledged_at is None:
                incident.acknowledged_at = clock.now()
                incident.save()
        elif event == "resolved":
            timeline.entry(incident, "note", f"the alert was resolved by {name}", person)


escalation.listen(_on_group)
