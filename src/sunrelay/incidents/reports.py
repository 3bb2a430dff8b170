"""Incident reads and the reminders job: lists, the reliability report (MTTA, MTTR,
postmortems on time, open action items; drills left out), and reminders for status updates,
overdue postmortems and overdue action items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from sunrelay.core import clock
from sunrelay.incidents import logic, timeline
from sunrelay.incidents.models import ActionItem, Incident, Postmortem
from sunrelay.notify import service as notify
from sunrelay.worktime import zone


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
                url=timeline.url(incident),
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
                url=f"{timeline.url(pm.incident)}postmortem/",
                key=f"incident:{pm.incident_id}:postmortem-overdue",
            )
        Postmortem.objects.filter(pk=pm.pk).update(reminded_at=now)
        report.postmortems += 1
    for item in ActionItem.objects.filter(done_at=None).select_related("owner", "incident"):
        if item.owner is None:  # cannot happen while open (ADR 24); nobody to remind
            continue
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
