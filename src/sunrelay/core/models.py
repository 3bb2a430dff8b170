"""Core tables: API tokens (only a hash of each secret is stored) and read-model revisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    READ = "read"
    WRITE = "write"
    SCOPES = [(READ, "read"), (WRITE, "read and write")]

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=8, choices=SCOPES, default=READ)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.scope})"


class Revision(models.Model):
    """A token that changes with every committed write to some read model (``directory``),
    so each process knows when what it keeps in memory is out of date (core.revisions)."""

    name = models.CharField(max_length=40, unique=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.name}@{self.token[:8]}"
