"""The local admin login that ``make run`` prints on an embedded install."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction


def ensure_local_admin() -> str:
    """Create an ``admin`` superuser with a random password when there is no superuser yet,
    keeping the password in var/admin-password; return a line saying how to sign in. The
    password is shown once, when it is made: later starts say where it is kept."""
    users = get_user_model()
    saved = settings.VAR_DIR / "admin-password"
    with transaction.atomic():
        existing = users.objects.filter(is_superuser=True).order_by("pk").first()
        if existing is None:
            password = secrets.token_urlsafe(12)
            users.objects.create_superuser("admin", "", password)  # who they are: /setup/
            saved.write_text(password + "\n")
            saved.chmod(0o600)
            return f"admin / {password}"
    name = existing.get_username()
    if name == "admin" and saved.exists():
        return f"admin (the password printed at first start, kept in {saved})"
    return f"{name} (existing superuser; password not shown)"
