from __future__ import annotations

from django.db import models

from sunrelay.people.models import Person, Team


class Programme(models.Model):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="onboarding")
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL)
    start_date = models.DateField()
    manager = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="onboarding_reports"
    )
    tech_buddy = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="tech_buddy_of"
    )
    culture_buddy = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="culture_buddy_of"
    )
    buddies_confirmed = models.BooleanField(default=False)
    # [{"person", "hours"}]: teammates by working hours shared with them in the first two weeks
    suggested = models.JSONField(default=list)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-start_date", "pk"]


class Item(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10)  # day0, week1, paired, goal30, goal60, goal90
    key = models.CharField(max_length=20, blank=True)  # what evidence may tick it
    text = models.CharField(max_length=300)
    due = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL)
    evidence = models.CharField(max_length=300, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]


class Review(models.Model):
    """The manager's weekly look at the programme, until day 90."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reviews")
    at = models.DateTimeField()
    by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL)
    note = models.TextField()

    class Meta:
        ordering = ["-at", "-pk"]
