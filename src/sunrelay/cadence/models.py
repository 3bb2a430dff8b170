"""Cadence tables. Writes go through ``status``, ``handoffs`` and ``rituals``."""

from __future__ import annotations

from django.db import models

from sunrelay.core.removal import KeepOpen
from sunrelay.people.models import Person, Team


class StatusUpdate(models.Model):
    """One person's weekly update: Done / Next / Risks / Asks, in Markdown."""

    # None: someone who has since left; what they wrote stays the team's history (ADR 24)
    author = models.ForeignKey(
        Person, null=True, on_delete=models.SET_NULL, related_name="status_updates"
    )
    week = models.CharField(max_length=8)  # ISO week "2026-W48"
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    done = models.TextField(blank=True)
    next = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    asks = models.TextField(blank=True)
    # "we're at capacity": a note here raises the team's capacity signal (work in flight)
    capacity = models.TextField(blank=True)
    # "how are we doing": struggling, steady or ahead, and why; read for the team as a whole
    # (its operating state), never scored against the person who wrote it
    outlook = models.CharField(max_length=10, blank=True)
    outlook_why = models.TextField(blank=True)
    links = models.JSONField(default=list)  # [{"url", "title"}]
    due_at = models.DateTimeField()  # the author's due instant that week
    posted_at = models.DateTimeField()
    edited_at = models.DateTimeField()

    class Meta:
        ordering = ["week", "author__slug"]
        constraints = [models.UniqueConstraint(fields=["author", "week"], name="one_update_a_week")]
        indexes = [models.Index(fields=["week"])]

    @property
    def on_time(self) -> bool:
        return self.posted_at <= self.due_at


class Item(models.Model):
    """A risk or an ask lifted out of an update, owned and tracked until it is resolved."""

    RISK, ASK = "risk", "ask"
    OPEN, RESOLVED, DROPPED = "open", "resolved", "dropped"
    KINDS = [(RISK, "risk"), (ASK, "ask")]
    STATES = [(s, s) for s in (OPEN, RESOLVED, DROPPED)]

    kind = models.CharField(max_length=4, choices=KINDS)
    text = models.CharField(max_length=500)
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="items")
    # None only once settled: someone who has left owned it (ADR 24)
    owner = models.ForeignKey(
        Person, null=True, on_delete=KeepOpen("items", state="open"), related_name="owned_items"
    )
    # None: someone who has since left; the item stays on the register with its owner
    raised_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="raised_items"
    )
    update = models.ForeignKey(
        StatusUpdate, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    state = models.CharField(max_length=8, choices=STATES, default=OPEN)
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    # answered by then, in the owner's working time (agreement.status.ask_within/risk_within);
    # past it, the item climbs the team's route one step at a time
    due_at = models.DateTimeField(null=True, blank=True)
    escalated = models.PositiveSmallIntegerField(default=0)  # steps climbed so far

    class Meta:
        ordering = ["raised_at", "pk"]
        indexes = [models.Index(fields=["team", "state"]), models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.text[:60]!r} ({self.kind}, {self.state})"


class Digest(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="digests")
    week = models.CharField(max_length=8)
    compiled_at = models.DateTimeField()
    body = models.TextField()  # Markdown, as sent

    class Meta:
        ordering = ["-week"]
        constraints = [models.UniqueConstraint(fields=["team", "week"], name="one_digest_a_week")]


class Follow(models.Model):
    """Someone outside the team who receives its weekly digest."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="followers")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="follows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="follow_once")]


class Handoff(models.Model):
    """A note from the region ending its day to the next one in the team's chain."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="handoffs")
    # None: someone who has since left; the note stays with the team (ADR 24)
    author = models.ForeignKey(
        Person, null=True, on_delete=models.SET_NULL, related_name="handoffs_written"
    )
    source = models.CharField(max_length=63)  # the unit (pod or member) handing over
    target = models.CharField(max_length=63)  # the unit receiving
    receivers = models.ManyToManyField(Person, related_name="handoffs_received")
    context = models.TextField(blank=True)
    state = models.TextField("current state", blank=True)
    blockers = models.TextField(blank=True)
    next_action = models.TextField()
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="handoffs_owned"
    )
    links = models.JSONField(default=list)
    created_at = models.DateTimeField()
    deliver_at = models.DateTimeField()  # the start of the receivers' working day
    escalate_at = models.DateTimeField()  # after the agreed working time, the lead hears
    acknowledged_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["acknowledged_at", "escalate_at"])]


class Ritual(models.Model):
    """A recurring meeting: an RFC 5545 RRULE on wall-clock time in one zone."""

    KINDS = [
        ("demo", "Demo hour"),
        ("design-review", "Design review"),
        ("reliability-review", "Reliability review"),
        ("all-hands", "All-hands"),
        ("okr-review", "OKR review"),
        ("office-hours", "Office hours"),
        ("retro", "Retrospective"),
        ("one-on-one", "1:1"),
        ("other", "Other"),
    ]

    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="rituals"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=KINDS, default="other")
    description = models.TextField(blank=True)
    rrule = models.CharField(max_length=300)  # "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    start_date = models.DateField()
    start_time = models.TimeField()
    timezone = models.CharField(max_length=64)
    duration_minutes = models.PositiveIntegerField(default=30)
    owners = models.ManyToManyField(Person, related_name="rituals_owned")
    attendees = models.ManyToManyField(Person, blank=True, related_name="rituals_attended")
    rotation = models.JSONField(default=list)  # [{"weekday": "tue", "time": "14:00"}] in UTC
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class Occurrence(models.Model):
    """One meeting of a ritual, made when someone writes its agenda, notes or outcome."""

    SCHEDULED, HELD, SKIPPED = "scheduled", "held", "skipped"
    STATES = [(s, s) for s in (SCHEDULED, HELD, SKIPPED)]

    ritual = models.ForeignKey(Ritual, on_delete=models.CASCADE, related_name="occurrences")
    start = models.DateTimeField()
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    recording_url = models.URLField(max_length=500, blank=True)
    owners = models.ManyToManyField(Person, blank=True, related_name="occurrences_owned")
    state = models.CharField(max_length=9, choices=STATES, default=SCHEDULED)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["ritual", "start"], name="one_occurrence_per_start")
        ]


class Feed(models.Model):
    """A private calendar URL for a person or a team; the token is the only credential."""

    token = models.CharField(max_length=64, unique=True)
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="feed"
    )
    team = models.OneToOneField(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="feed"
    )
    created_at = models.DateTimeField()


class RetroInput(models.Model):
    """One card on a retrospective's board: what went well, what is not working (an expected
    input, not a complaint), an idea. It may become an owned action with a due date."""

    WELL, NOT_WORKING, IDEA = "went-well", "not-working", "idea"
    KINDS = [(k, k) for k in (WELL, NOT_WORKING, IDEA)]

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="inputs")
    kind = models.CharField(max_length=12, choices=KINDS)
    text = models.TextField()
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    owner = models.ForeignKey(  # set when it becomes an action
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="retro_actions"
    )
    due = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["occurrence", "kind", "pk"]
