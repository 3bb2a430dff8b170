"""On-call tables. Writes go through ``service`` (schedules) and ``alerts`` (intake, pages)."""

from __future__ import annotations

from django.db import models

from sunrelay.people.models import Component, Person, Team


class OnCallSchedule(models.Model):
    """A schedule: its layers are stored in the org-file shape and read by ``specs``."""

    slug = models.CharField("id", max_length=63, unique=True)
    name = models.CharField(max_length=200)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="oncall_schedules"
    )
    timezone = models.CharField(max_length=64)
    layers = models.JSONField(default=list)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Override(models.Model):
    """Someone covers for a span: for one person's time (``replaces``) or for all of it."""

    schedule = models.ForeignKey(OnCallSchedule, on_delete=models.CASCADE, related_name="overrides")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    replaces = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["schedule", "end"])]


class EscalationPolicy(models.Model):
    slug = models.CharField("id", max_length=63, unique=True)
    name = models.CharField(max_length=200)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="escalation_policies"
    )
    steps = models.JSONField(default=list)  # org-file shape: [{"notify": {...}, "wait": "15m"}]
    repeat = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "escalation policies"

    def __str__(self) -> str:
        return self.name


class Route(models.Model):
    """Label matchers choosing a component; the first route that matches wins."""

    position = models.PositiveIntegerField()
    match = models.JSONField(default=dict)  # {"service": "api", "env": "~prod|live"}
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["position"]


class Integration(models.Model):
    """An alert source with its own secret URL; only a SHA-256 of the secret is stored."""

    ALERTMANAGER, GENERIC = "alertmanager", "generic"
    KINDS = [(ALERTMANAGER, "Prometheus Alertmanager"), (GENERIC, "Generic JSON webhook")]

    slug = models.CharField("id", max_length=63, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=KINDS)
    secret_hash = models.CharField(max_length=64, unique=True)
    team = models.ForeignKey(  # who gets alerts that no route claims
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    last_received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class AlertGroup(models.Model):
    FIRING, ACKNOWLEDGED, RESOLVED = "firing", "acknowledged", "resolved"
    STATES = [(s, s) for s in (FIRING, ACKNOWLEDGED, RESOLVED)]

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="groups")
    group_key = models.CharField(max_length=500)
    title = models.CharField(max_length=300)
    labels = models.JSONField(default=dict)  # common labels of the group
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    policy = models.ForeignKey(
        EscalationPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=12, choices=STATES, default=FIRING)
    created_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the escalation ladder: the step last fired and when the next one is due
    step = models.IntegerField(null=True, blank=True)
    round = models.PositiveSmallIntegerField(default=0)
    next_step_at = models.DateTimeField(null=True, blank=True)
    exhausted = models.BooleanField(default=False)
    log = models.JSONField(default=list)  # [{"at", "text"}]: what the ladder did and why

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["integration", "group_key", "state"]),
            models.Index(fields=["state", "next_step_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class Alert(models.Model):
    """One alert of a group, deduplicated by its fingerprint (or the caller's dedup key)."""

    group = models.ForeignKey(AlertGroup, on_delete=models.CASCADE, related_name="alerts")
    fingerprint = models.CharField(max_length=200)
    status = models.CharField(max_length=10)  # firing | resolved
    labels = models.JSONField(default=dict)
    annotations = models.JSONField(default=dict)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    generator_url = models.CharField(max_length=1000, blank=True)
    received = models.PositiveIntegerField(default=1)  # deliveries of this alert
    last_received_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "fingerprint"], name="one_alert_a_fingerprint")
        ]


class Page(models.Model):
    """One person paged for one group at one step; its links act once."""

    group = models.ForeignKey(AlertGroup, on_delete=models.CASCADE, related_name="pages")
    # None: someone who has since left; the page stays in the alert's history (ADR 24), and
    # its links no longer act
    person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="pages")
    step = models.IntegerField()
    round = models.PositiveSmallIntegerField(default=0)
    notification_key = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    links_used = models.JSONField(default=list)  # ["acknowledge"]: each signed link acts once

    class Meta:
        ordering = ["created_at", "pk"]
