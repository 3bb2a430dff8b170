"""One length rule for every surface: no text longer than its column is stored.

A ``pre_save`` check on every Sunrelay model refuses a value longer than its field's
``max_length`` with ValidationFailed naming the field, before the database sees it. Without it
PostgreSQL answered 500 ("value too long") while SQLite stored 10,000 characters, and services
cut some fields silently and not others.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from sunrelay.core.errors import ValidationFailed


def check_lengths(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or not sender.__module__.startswith("sunrelay."):
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField) and field.max_length:
            value = getattr(instance, field.attname)
            if isinstance(value, str) and len(value) > field.max_length:
                raise ValidationFailed(
                    f"is {len(value):,} characters long; at most {field.max_length}",
                    field=field.name,
                )
