"""Shared fixtures: the demo organisation, API clients with tokens, paths to fixture files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sunrelay.core.tokens import create_token
from sunrelay.people import orgfile, service

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "src" / "sunrelay" / "people" / "demo" / "org.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def demo(db):
    """The demo organisation, imported through the same service as any org file."""
    return service.import_org(orgfile.parse(DEMO.read_text(), "org.yaml"))


def sign_in(slug: str, *, staff: bool = False) -> Client:
    """A hub client signed in as the directory entry ``slug`` (a user of the same id)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=slug).first()
    if user is None:
        user = user_model.objects.create_user(slug, password="pw-for-tests", is_staff=staff)
    client = Client()
    client.force_login(user)
    return client


def _client(scope: str) -> Client:
    issued = create_token(f"test-{scope}", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")


@pytest.fixture
def reader(db) -> Client:
    return _client("read")


@pytest.fixture
def writer(db) -> Client:
    return _client("write")


def run_without_database(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m sunrelay ARGS`` in ``tmp_path`` with a database that cannot be reached and
    a state folder that must stay unmade: what an offline command may rely on."""
    env = {
        **os.environ,
        "SUNRELAY_VAR": str(tmp_path / "var"),
        "DATABASE_URL": "postgres://nowhere.invalid/x",
    }
    return subprocess.run(
        [sys.executable, "-m", "sunrelay", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
