"""Directory tables. Writes go through ``people.service``; nothing else saves these."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from sunrelay.people.logic import (
    CRITICALITIES,
    AbsenceSpec,
    ComponentSpec,
    Link,
    PersonSpec,
    TeamSpec,
)


class Organization(models.Model):
    name = models.CharField(max_length=200, blank=True)
    # what the last `org import` declared of people, teams and components: an import would
    # undo a change made anywhere else, so those sections are changed in the file only
    file_sections = models.JSONField(default=list, blank=True)
    file_name = models.CharField(max_length=300, blank=True)
    file_imported_at = models.DateTimeField(null=True, blank=True)
    # the default of every team's working agreement, key by key (``organization: {agreement}``)
    agreement = models.JSONField(default=dict, blank=True)
    roles = models.JSONField(default=dict, blank=True)  # role id -> what it means

    def __str__(self) -> str:
        return self.name or "Organisation"


class Person(models.Model):
    slug = models.CharField("id", max_length=63, unique=True)
    name = models.CharField(max_length=200)
    email = models.CharField(max_length=254, blank=True)
    timezone = models.CharField(max_length=64)
    working_hours = models.JSONField(default=dict)  # {"mon": "09:00-17:00", ...}; days worked
    holidays = models.CharField(max_length=32, blank=True)  # "BR", "US-CA"
    roles = models.JSONField(default=list)
    github = models.CharField("GitHub login", max_length=60, blank=True, db_index=True)
    emails = models.JSONField(default=list, blank=True)  # other addresses on their commits
    start_date = models.DateField(null=True, blank=True)  # their first day
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    def spec(self) -> PersonSpec:
        return PersonSpec(
            id=self.slug,
            name=self.name,
            email=self.email,
            timezone=self.timezone,
            working_hours=dict(self.working_hours),
            holidays=self.holidays or None,
            roles=list(self.roles),
            github=self.github,
            emails=list(self.emails),
            start_date=self.start_date,
        )


class Team(models.Model):
    slug = models.CharField("id", max_length=63, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    members = models.ManyToManyField(Person, blank=True, related_name="teams")
    wip_limit = models.PositiveIntegerField(null=True, blank=True)
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    agreement = models.JSONField(default=dict, blank=True)  # {"review": {"adr": "3d"}}
    charter = models.TextField(blank=True)  # Markdown

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    def spec(self) -> TeamSpec:
        """Needs ``lead``, ``successor``, ``parent`` selected and ``members`` prefetched."""
        return TeamSpec(
            id=self.slug,
            name=self.name,
            lead=self.lead.slug if self.lead else None,
            members=sorted(m.slug for m in self.members.all()),
            wip_limit=self.wip_limit,
            successor=self.successor.slug if self.successor else None,
            parent=self.parent.slug if self.parent else None,
            description=self.description,
            agreement=dict(self.agreement),
            charter=self.charter,
        )


class Component(models.Model):
    slug = models.CharField("id", max_length=63, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="components"
    )
    dri = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="dri_of"
    )
    maintainers = models.ManyToManyField(Person, blank=True, related_name="maintains")
    criticality = models.CharField(
        max_length=10, choices=[(c, c) for c in CRITICALITIES], default="medium"
    )
    links = models.JSONField(default=list)  # [{"url", "title"}]
    # when the links (docs, runbook, dashboards) last changed: old ones may be stale
    links_changed_at = models.DateTimeField(null=True, blank=True)
    system = models.CharField(max_length=100, blank=True)
    repos = models.JSONField(default=list, blank=True)  # ["owner/name"] on GitHub
    paths = models.JSONField(default=list, blank=True)  # globs: its files in those repos

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    def spec(self) -> ComponentSpec:
        return ComponentSpec(
            id=self.slug,
            name=self.name,
            owner=self.owner.slug if self.owner else None,
            dri=self.dri.slug if self.dri else None,
            maintainers=sorted(m.slug for m in self.maintainers.all()),
            criticality=self.criticality,
            links=[
                Link(
                    x["url"],
                    x.get("title", ""),
                    date.fromisoformat(x["reviewed"]) if x.get("reviewed") else None,
                )
                for x in self.links
            ],
            system=self.system,
            description=self.description,
            repos=list(self.repos),
            paths=list(self.paths),
        )


class Absence(models.Model):
    SOURCES = [(s, s) for s in ("org", "web", "api", "cli", "ics")]

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="absences")
    start = models.DateField("first day")
    end = models.DateField("last day")
    reason = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=8, choices=SOURCES, default="web")
    external_id = models.CharField(max_length=300, blank=True)  # e.g. the VEVENT UID

    class Meta:
        ordering = ["start", "person__slug"]
        indexes = [models.Index(fields=["person", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="absence_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.slug} away {self.start}…{self.end}"

    def spec(self) -> AbsenceSpec:
        return AbsenceSpec(self.person.slug, self.start, self.end, self.reason)
