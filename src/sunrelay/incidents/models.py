"""Incident tables. Writes go through ``service``."""

from __future__ import annotations

from django.db import models

from sunrelay.core.removal import KeepOpen
from sunrelay.oncall.models import AlertGroup
from sunrelay.people.models import Component, Person, Team


class Incident(models.Model):
    DECLARED, MITIGATED, RESOLVED, CLOSED = "declared", "mitigated", "resolved", "closed"
    STATES = [(s, s) for s in (DECLARED, MITIGATED, RESOLVED, CLOSED)]

    title = models.CharField(max_length=300)
    severity = models.CharField(max_length=8)
    summary = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=STATES, default=DECLARED)
    drill = models.BooleanField(default=False)  # an exercise: kept out of reliability figures
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    alert_group = models.ForeignKey(
        AlertGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    commander = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    communications = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scribe = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responders = models.ManyToManyField(Person, blank=True, related_name="incidents_responded")
    declared_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)  # first acknowledgement
    mitigated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    update_due_at = models.DateTimeField(null=True, blank=True)  # next status update
    update_reminded_at = models.DateTimeField(null=True, blank=True)
    # what caused it, when known: a commit and/or a deployment (GitHub's id); delivery
    # metrics count the deployment that shipped it as failed
    cause_sha = models.CharField(max_length=64, blank=True)
    cause_deployment = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-declared_at", "-pk"]
        indexes = [models.Index(fields=["state", "update_due_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class Entry(models.Model):
    """One line of the timeline: a state change, page, acknowledgement, role change, note,
    decision (with why), action, status update or hand-over of command."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="entries")
    at = models.DateTimeField()
    kind = models.CharField(max_length=10)
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    why = models.TextField(blank=True)  # decisions: the reasoning
    public = models.BooleanField(default=False)  # status updates shown on the status page
    record_id = models.IntegerField(null=True, blank=True)  # a decision promoted to an ADR

    class Meta:
        ordering = ["at", "pk"]


class Postmortem(models.Model):
    DRAFT, DONE = "draft", "done"

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="postmortem")
    body = models.TextField()
    state = models.CharField(max_length=6, default=DRAFT)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    due_at = models.DateTimeField()  # measured in the owner's working time
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    @property
    def on_time(self) -> bool | None:
        return None if self.done_at is None else self.done_at <= self.due_at


class ActionItem(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(max_length=300)
    # None only once done: someone who has left owned it (ADR 24)
    owner = models.ForeignKey(
        Person,
        null=True,
        on_delete=KeepOpen("action items", done_at=None),
        related_name="action_items",
    )
    due = models.DateField()
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["done_at", "due", "pk"]
        indexes = [models.Index(fields=["done_at", "due"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title[:60]!r} of incident #{self.incident_id}, due {self.due}"
