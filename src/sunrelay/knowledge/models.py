from __future__ import annotations

from django.db import models

from sunrelay.people.models import Component


class ComponentKnowledge(models.Model):
    """A component's truck factor over its files, as last computed from local clones of its
    repositories (``problem`` says why it could not be, when it could not)."""

    component = models.OneToOneField(Component, on_delete=models.CASCADE, related_name="knowledge")
    refreshed_at = models.DateTimeField()
    revisions = models.JSONField(default=dict)  # {"owner/name": commit}
    truck_factor = models.IntegerField(null=True)
    files = models.IntegerField(default=0)
    authored_files = models.IntegerField(default=0)
    algorithm = models.CharField(max_length=10, default="greedy")
    # [{"name", "emails", "files", "person"}], most files first; the first truck_factor of
    # them are the ones the greedy removal took
    authors = models.JSONField(default=list)
    tf_authors = models.JSONField(default=list)  # names, in removal order
    coverage = models.JSONField(default=list)  # files still authored after 0, 1, … removals
    # its documentation files in the clones: [{"path": "owner/name:docs/x.md", "changed"}]
    documents = models.JSONField(default=list)
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["component__slug"]
