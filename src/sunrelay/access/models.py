from __future__ import annotations

from django.db import models

from sunrelay.people.models import Person, Team


class System(models.Model):
    """Something people are granted access to; its roles and credentials as the org file
    declares them (``specs.system_data`` shape in ``roles`` and ``credentials``)."""

    slug = models.CharField("id", max_length=63, unique=True)
    name = models.CharField(max_length=200)
    revoke_hook = models.CharField(max_length=500, blank=True)
    secret_env = models.CharField(max_length=100, blank=True)
    roles = models.JSONField(default=list)  # [{"id", "grants", "max_days"}]

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Grant(models.Model):
    REQUESTED, ACTIVE, DENIED = "requested", "active", "denied"
    REVOKING, REVOKED, REVOKE_FAILED = "revoking", "revoked", "revoke-failed"
    STATES = [(s, s) for s in (REQUESTED, ACTIVE, DENIED, REVOKING, REVOKED, REVOKE_FAILED)]
    OPEN = (REQUESTED, ACTIVE, REVOKING, REVOKE_FAILED)  # still something to do or to undo

    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(max_length=63)
    # who has (had) it; kept by name too, so the audit trail outlives a person's entry
    person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="grants")
    person_name = models.CharField(max_length=200)
    # granted for work in this team: leaving the team revokes it
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.TextField()
    days = models.PositiveSmallIntegerField()
    requested_by = models.ForeignKey(
        Person, null=True, on_delete=models.SET_NULL, related_name="grants_requested"
    )
    approver = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="grants_approved"
    )
    state = models.CharField(max_length=16, choices=STATES, default=REQUESTED)
    requested_at = models.DateTimeField()
    granted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    revoke_error = models.TextField(blank=True)
    revoke_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.person_name}: {self.system.slug} {self.role}"


class GrantEvent(models.Model):
    """The audit trail: every change to a grant, who made it and why."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20)
    actor = models.CharField(max_length=200, blank=True)  # a person's name, or "Sunrelay"
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class Credential(models.Model):
    """A long-lived credential that must be rotated every ``rotate_every`` days."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="credentials")
    slug = models.CharField("id", max_length=63)
    owner = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL)
    rotate_every = models.PositiveSmallIntegerField()
    rotated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["system__slug", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["system", "slug"], name="one_credential_per_id")
        ]
