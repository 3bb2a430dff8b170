"""Work-in-flight tables. Writes go through ``service`` (initiatives), ``capacity`` (signals)
and ``valves``; nothing else saves these."""

from __future__ import annotations

from django.db import models

from sunrelay.cadence.models import Item
from sunrelay.decisions.models import Record
from sunrelay.people.models import Component, Person, Team
from sunrelay.work import logic


class Initiative(models.Model):
    """A project, epic or migration a team has taken on."""

    STATES = [(s, s) for s in logic.STATES]

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="initiatives")
    dri = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="initiatives_led")
    klass = models.CharField("class", max_length=63)
    state = models.CharField(max_length=10, choices=STATES, default=logic.PROPOSED)
    target = models.DateField(null=True, blank=True)
    people = models.ManyToManyField(Person, blank=True, related_name="initiatives")
    components = models.ManyToManyField(Component, blank=True, related_name="initiatives")
    decisions = models.ManyToManyField(Record, blank=True, related_name="initiatives")
    items = models.ManyToManyField(Item, blank=True, related_name="initiatives")  # risks, asks
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents"
    )
    migration = models.BooleanField(default=False)  # progress kept per team or component
    created_at = models.DateTimeField()
    asked_at = models.DateTimeField(null=True, blank=True)  # when its start was first asked
    started_at = models.DateTimeField(null=True, blank=True)  # latest start
    finished_at = models.DateTimeField(null=True, blank=True)  # done or dropped
    exception = models.CharField(max_length=300, blank=True)  # started beyond a limit: why
    # something it depends on slipped: the team's members may de-scope it without escalating
    descope_granted_at = models.DateTimeField(null=True, blank=True)
    paused_by_valve = models.ForeignKey(
        "ValveOpening", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["team__slug", "pk"]
        indexes = [models.Index(fields=["team", "state"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class Criterion(models.Model):
    """One exit criterion: done means each is met, or waived with a reason."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=300)
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waived = models.CharField(max_length=300, blank=True)  # the reason, when waived

    class Meta:
        ordering = ["initiative", "position"]

    @property
    def settled(self) -> bool:
        return self.met_at is not None or bool(self.waived)


class Progress(models.Model):
    """A migration's progress in one team or on one component: who is behind, and why."""

    NOT_STARTED, UNDER_WAY, DONE = "not-started", "under-way", "done"
    STATES = [(s, s) for s in (NOT_STARTED, UNDER_WAY, DONE)]

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="progress")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(max_length=12, choices=STATES, default=NOT_STARTED)
    note = models.CharField(max_length=300, blank=True)  # why it is behind
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["initiative", "pk"]


class Event(models.Model):
    """One line of an initiative's timeline: who changed what, and why."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=24)
    actor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=500)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class Signal(models.Model):
    """'We're at capacity': raised by a member, answered by the responders the agreement
    names within their working time, or climbing a level at a time."""

    SHED, RESEQUENCE, ADD_CAPACITY, ACCEPT = "shed", "resequence", "add-capacity", "accept"
    RESPONSES = [(r, r) for r in (SHED, RESEQUENCE, ADD_CAPACITY, ACCEPT)]

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="signals")
    # None: someone who has since left (the signal and its answer stay in the team's history)
    raised_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField()
    raised_at = models.DateTimeField()
    level = models.PositiveIntegerField(default=0)  # 0: the responders; 1…: each level above
    due_at = models.DateTimeField(null=True, blank=True)  # the current level's deadline
    response = models.CharField(max_length=14, choices=RESPONSES, blank=True)
    responded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField(blank=True)
    shed = models.JSONField(default=list, blank=True)  # initiative ids paused or dropped
    review_on = models.DateField(null=True, blank=True)  # accepted for now: look again then
    reviewed_at = models.DateTimeField(null=True, blank=True)  # when "look again" was sent

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["response", "due_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} of team {self.team.slug}, raised {self.raised_at:%Y-%m-%d}"


class Ask(models.Model):
    """One responder asked to answer a signal, at one level; ``missed`` when the deadline
    passed with no answer from anyone (an alert that went nowhere)."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="asks")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveIntegerField()
    due_at = models.DateTimeField()
    missed = models.BooleanField(default=False)

    class Meta:
        ordering = ["signal", "level", "person__slug"]


class ValveOpening(models.Model):
    """One time a team's valve was proposed: confirmed open, closed, or withdrawn."""

    PROPOSED, OPEN, CLOSED, WITHDRAWN = "proposed", "open", "closed", "withdrawn"
    STATES = [(s, s) for s in (PROPOSED, OPEN, CLOSED, WITHDRAWN)]

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="valve_openings")
    name = models.CharField(max_length=63)
    state = models.CharField(max_length=10, choices=STATES, default=PROPOSED)
    why = models.CharField(max_length=300)  # the trigger that fired, or the opener's reason
    proposed_at = models.DateTimeField()
    confirmations = models.JSONField(default=list)  # [{"person", "roles", "at"}]
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_why = models.CharField(max_length=300, blank=True)
    paused = models.JSONField(default=list)  # initiative ids, in the order they were paused
    calm_since = models.DateTimeField(null=True, blank=True)  # return condition first held
    members_at_open = models.PositiveIntegerField(default=0)  # "a new member starting"

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["team", "name", "state"])]
