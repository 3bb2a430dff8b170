"""Organisation-health tables. Writes go through ``service``."""

from __future__ import annotations

from django.db import models

from sunrelay.health import logic
from sunrelay.people.models import Team


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
