"""Organisation-health tables. Writes go through ``service``."""

from __future__ import annotations

import uuid

from django.db import models

from sunrelay.health import logic
from sunrelay.people.models import Person, Team


class TeamWeek(models.Model):
    """A team's operating state in one ISO week, with the readings it came from."""

    STATES = [(s, s) for s in logic.STATES]

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="weeks")
    week = models.CharField(max_length=8)  # "2026-W48"
    state = models.CharField(max_length=20, choices=STATES)
    readings = models.JSONField(default=list)  # [{"name", "value", "threshold", ...}]
    reasons = models.JSONField(default=list)
    sprint_warning = models.BooleanField(default=False)  # optimized, after-hours rising
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["team__slug", "week"]
        constraints = [
            models.UniqueConstraint(fields=["team", "week"], name="one_state_a_team_week")
        ]


class Transition(models.Model):
    """A team's state changed from one week to the next, and why."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="transitions")
    week = models.CharField(max_length=8)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    reasons = models.JSONField(default=list)
    at = models.DateTimeField()

    class Meta:
        ordering = ["team__slug", "week", "pk"]


class Concern(models.Model):
    """A concern raised about a team: routed, acknowledged, acted on. An anonymous one keeps
    no trace of who raised it: ``raised_by`` is empty and nothing else records them."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="concerns")
    category = models.CharField(max_length=16)
    severity = models.CharField(max_length=8)
    text = models.TextField()
    raised_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymous = models.BooleanField(default=False)
    raised_at = models.DateTimeField()
    level = models.PositiveIntegerField(default=0)  # the route's step asked now
    due_at = models.DateTimeField(null=True, blank=True)  # to acknowledge at this level
    acknowledged_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    act_due_at = models.DateTimeField(null=True, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    action = models.TextField(blank=True)  # what was done
    flagged_at = models.DateTimeField(null=True, blank=True)  # acknowledged, not acted on

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["acknowledged_at", "due_at"])]


class ConcernStep(models.Model):
    """One person on a concern's route, asked at one level."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="steps")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveIntegerField()
    asked_at = models.DateTimeField()
    due_at = models.DateTimeField()
    missed = models.BooleanField(default=False)

    class Meta:
        ordering = ["concern", "level"]


class PulseAnswer(models.Model):
    """One anonymous answer to a team's weekly pulse. It holds no person and no instant, and
    its key is random, so nothing links it to the ``PulseTaken`` row written beside it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="pulse_answers")
    week = models.CharField(max_length=8)
    clarity = models.PositiveSmallIntegerField()  # 1-5
    autonomy = models.PositiveSmallIntegerField()
    pace = models.PositiveSmallIntegerField()  # sustainable pace
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["team", "week", "id"]
        indexes = [models.Index(fields=["team", "week"])]


class PulseTaken(models.Model):
    """That a person answered a team's pulse for a week (once each), not what they said."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "person", "week"], name="one_pulse_a_week")
        ]
