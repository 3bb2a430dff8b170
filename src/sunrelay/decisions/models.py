"""Decision tables. Writes go through ``decisions.service`` and ``decisions.review``."""

from __future__ import annotations

from django.db import models

from sunrelay.core.removal import KeepSettled
from sunrelay.decisions.logic import KINDS, LADDER, LINK_KINDS, STATUSES
from sunrelay.people.models import Component, Person, Team


class Record(models.Model):
    log = models.CharField(max_length=63, default="main")  # one numbering per decision log
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=[(k, k) for k in KINDS], default="adr")
    status = models.CharField(max_length=12, choices=[(s, s) for s in STATUSES], default="draft")
    status_text = models.CharField(max_length=300, blank=True)  # as written in the file
    dri = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="dri_records"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="authored_records"
    )
    components = models.ManyToManyField(Component, blank=True, related_name="records")
    teams = models.ManyToManyField(Team, blank=True, related_name="affected_by_records")
    tags = models.JSONField(default=list, blank=True)
    body = models.TextField(blank=True)  # Markdown after the metadata
    raci = models.JSONField(default=dict, blank=True)  # {"consulted": ["ana", "Some Name"], …}
    record_date = models.DateField(null=True, blank=True)  # the date the record shows
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    review_requested_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(null=True, blank=True)  # the last reviewer's deadline
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)  # why, when the DRI decided
    rung = models.CharField(max_length=16, choices=[(r, r) for r in LADDER], default="none")
    rung_since = models.DateTimeField(null=True, blank=True)
    # Where it came from, so an unchanged record is written back byte for byte.
    file = models.CharField(max_length=255, blank=True)
    format = models.CharField(max_length=12, blank=True)  # adr-tools, madr, madr2, log4brains
    source_text = models.TextField(blank=True)
    source_state = models.JSONField(default=dict, blank=True)
    meta = models.JSONField(default=dict, blank=True)  # front matter, preamble, date text
    search_text = models.TextField(blank=True)  # what full-text search indexes

    class Meta:
        ordering = ["log", "number", "pk"]
        indexes = [
            models.Index(fields=["log", "number"]),
            models.Index(fields=["status", "kind"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["log", "file"], condition=~models.Q(file=""), name="record_file_per_log"
            ),
            # folders may hold two records of one number (merged branches); the hub never makes one
            models.UniqueConstraint(
                fields=["log", "number"], condition=models.Q(file=""), name="new_record_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def label(self) -> str:
        prefix = {"adr": "ADR", "rfc": "RFC", "design-doc": "DD"}[self.kind]
        return f"{prefix}-{self.number:04d}"


class Link(models.Model):
    source = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=16, choices=[(k, k) for k in LINK_KINDS])
    target = models.ForeignKey(
        Record, null=True, blank=True, on_delete=models.SET_NULL, related_name="incoming"
    )
    target_number = models.PositiveIntegerField(null=True, blank=True)
    verb = models.CharField(max_length=60, blank=True)  # as written: "Superceded by"
    text = models.CharField(max_length=300, blank=True)
    href = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["source", "position", "pk"]


class Reviewer(models.Model):
    PENDING, APPROVED, CHANGES = "pending", "approved", "changes_requested"
    STATES = [(s, s.replace("_", " ")) for s in (PENDING, APPROVED, CHANGES)]

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="reviewers")
    # a pending review goes with a person who leaves; a verdict they gave stays, naming nobody
    person = models.ForeignKey(
        Person, null=True, on_delete=KeepSettled(state="pending"), related_name="reviews"
    )
    via_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    consulted = models.BooleanField(default=False)  # added from the RACI
    state = models.CharField(max_length=20, choices=STATES, default=PENDING)
    due_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    overdue_noted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "person__slug"]
        constraints = [
            models.UniqueConstraint(fields=["record", "person"], name="one_review_per_person")
        ]


class Event(models.Model):
    """The record's timeline: every request, comment, verdict, transition and rung."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=24)
    body = models.TextField(blank=True)
    section = models.CharField(max_length=200, blank=True)  # a comment on one section
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["record", "at"])]
