"""The outbox. Writes go through ``notify.service``."""

from __future__ import annotations

from django.db import models

from sunrelay.people.models import Person


class Notification(models.Model):
    PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"
    WITHDRAWN = "withdrawn"  # no longer true when its turn came (a page for a resolved alert)
    STATES = [(s, s) for s in (PENDING, SENDING, SENT, DEAD, WITHDRAWN)]

    key = models.CharField(max_length=200, unique=True)  # idempotency key
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)  # "decision.review_requested", "notify.manual", …
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)  # where the hub shows the subject
    urgent = models.BooleanField(default=False)
    channels = models.JSONField(default=list)  # chosen when queued: ["inbox", "email", …]
    delivered = models.JSONField(default=list)  # channels that have accepted it
    state = models.CharField(max_length=12, choices=STATES, default=PENDING)
    created_at = models.DateTimeField()
    deliver_after = models.DateTimeField()  # quiet hours: the recipient's next working window
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)  # a worker holds it until then
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    inbox_at = models.DateTimeField(null=True, blank=True)  # when it reached the hub inbox
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "urgent", "deliver_after"]),
            models.Index(fields=["recipient", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}: {self.subject}"


class Preference(models.Model):
    """Where one person wants each kind of message. The hub inbox always gets everything."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="preference")
    routes = models.JSONField(default=dict)  # {"status": ["email"], "*": ["email", "slack"]}
    slack_webhook_url = models.URLField(max_length=500, blank=True)
    webhook_url = models.URLField(max_length=500, blank=True)
    webhook_secret = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"preferences of {self.person_id}"
