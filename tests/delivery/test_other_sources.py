"""Deployments from other CI systems, and history from a local git repository."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunrelay.cli.main import app
from sunrelay.delivery import service
from sunrelay.delivery.metrics import queries
from sunrelay.delivery.models import Deployment, Push, Status
from sunrelay.demo import webhooks as W

pytestmark = pytest.mark.django_db
REPO = "acme/ledger"
START, END = date(2026, 3, 1), date(2026, 3, 29)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def keys(mode: str = "dora") -> dict:
    return queries.dora_keys(START, END, queries.scope(), mode)


def test_a_deployment_from_another_ci_system_counts_once(writer):
    body = {"repo": REPO, "sha": "a" * 40, "environment": "production", "status": "success",
            "time": "2026-03-02T10:00:00Z", "id": "build-41"}  # fmt: skip
    first = writer.post("/api/v1/delivery/deployments", body, content_type="application/json")
    assert first.status_code == 202 and first.json() == {"stored": True, "duplicate": False}
    again = writer.post("/api/v1/delivery/deployments", body, content_type="application/json")
    assert again.json()["duplicate"] is True
    failed = {**body, "status": "failure", "time": "2026-03-02T09:50:00Z"}
    writer.post("/api/v1/delivery/deployments", failed, content_type="application/json")
    deployment = Deployment.objects.get()  # one deployment, two statuses
    assert deployment.github_id < 0 and deployment.production
    assert sorted(Status.objects.values_list("state", flat=True)) == ["failure", "success"]
    found = keys()
    assert found["deployments"] == 1 and found["change_failure_rate"]["value"] == 1.0
    assert keys("fourkeys")["deployments"] == 0  # Four Keys reads GitHub's statuses only


@pytest.mark.parametrize(
    ("change", "field"),
    [({"sha": "zz"}, "sha"), ({"status": "done"}, "status"), ({"repo": "ledger"}, "repo"),
     ({"time": "soon"}, "time")],
)  # fmt: skip
def test_a_bad_deployment_is_refused_naming_the_field(writer, reader, change, field):
    body = {"repo": REPO, "sha": "a" * 40, "environment": "production", "status": "success",
            "time": "2026-03-02T10:00:00Z", **change}  # fmt: skip
    answer = writer.post("/api/v1/delivery/deployments", body, content_type="application/json")
    assert answer.status_code == 422 and answer.json()["field"] == field
    read_only = reader.post("/api/v1/delivery/deployments", body, content_type="application/json")
    assert read_only.status_code == 403
    assert not Deployment.objects.exists()


def test_the_deploy_command():
    args = ["delivery", "deploy", "--repo", REPO, "--sha", "b" * 40, "--status", "success",
            "--at", "2026-03-04T12:00:00Z"]  # fmt: skip
    assert CliRunner().invoke(app, args).stdout.strip() == "recorded"
    assert CliRunner().invoke(app, args).stdout.strip() == "already recorded"
    bad = CliRunner().invoke(app, [*args[:-2], "--at", "later"])
    assert bad.exit_code == 1 and "at:" in bad.stderr


def git(path: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ana", "GIT_AUTHOR_EMAIL": "ana@acme.test",
           "GIT_COMMITTER_NAME": "Ana", "GIT_COMMITTER_EMAIL": "ana@acme.test",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}  # fmt: skip
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(["git", "-C", str(path), *args], env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    return done.stdout.strip()


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A repository as GitHub leaves it: main, and a branch merged by a merge commit."""
    path = tmp_path / "ledger"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    git(path, "remote", "add", "origin", "git@github.com:acme/ledger.git")
    (path / "a").write_text("1")
    git(path, "add", "a")
    git(path, "commit", "-q", "-m", "Initial", when="2026-02-20T09:00:00+00:00")
    git(path, "checkout", "-q", "-b", "feat-x")
    for n, day in enumerate(("2026-03-02T09:00:00+00:00", "2026-03-02T15:00:00+00:00")):
        (path / "b").write_text(str(n))
        git(path, "add", "b")
        git(path, "commit", "-q", "-m", f"Step {n}", when=day)
    git(path, "checkout", "-q", "main")
    git(path, "merge", "-q", "--no-ff", "feat-x", "-m",
        "Merge pull request #7 from acme/feat-x", when="2026-03-03T10:00:00+00:00")  # fmt: skip
    return path


def test_history_from_a_local_repository_times_a_merged_pull_request(clone: Path):
    merge = git(clone, "rev-parse", "HEAD")
    first = git(clone, "rev-list", "--max-parents=0", "HEAD")
    report = service.ingest_git(str(clone))
    assert (report.new, report.duplicate, report.rejected) == (2, 0, [])
    assert service.ingest_git(str(clone)).duplicate == 2  # the same history: nothing new
    main = Push.objects.get(main=True)
    assert (main.repo, main.ref, main.head) == (REPO, "refs/heads/main", merge)
    assert Push.objects.get(main=False).ref == "refs/heads/feat-x"
    pr = W.pull_request("closed", REPO, 7, author="analima", created=at(2, 10),
                        updated=at(3, 10), head_ref="feat-x", merged_at=at(3, 10),
                        merge_sha=merge, closed_at=at(3, 10))  # fmt: skip
    lines = [
        W.line("pull_request", "pr-7", pr),
        W.line("deployment_status", "s-1",
               W.deployment_status(REPO, 1, first, "production", "success", at(1, 9))),
        W.line("deployment_status", "s-2",
               W.deployment_status(REPO, 2, merge, "production", "success", at(3, 12))),
    ]  # fmt: skip
    assert service.ingest(lines).new == 3
    # from the branch's first commit (Mar 2 09:00) to the deployment (Mar 3 12:00)
    assert keys()["lead_time_hours"]["median"] == 27.0


def test_ingest_git_names_what_is_wrong(tmp_path: Path):
    done = CliRunner().invoke(app, ["delivery", "ingest-git", str(tmp_path)])
    assert done.exit_code == 1 and "path:" in done.stderr
    (tmp_path / "r").mkdir()
    git(tmp_path / "r", "init", "-q", "-b", "main")
    (tmp_path / "r" / "f").write_text("x")
    git(tmp_path / "r", "add", "f")
    git(tmp_path / "r", "commit", "-q", "-m", "x", when="2026-03-01T00:00:00+00:00")
    unnamed = CliRunner().invoke(app, ["delivery", "ingest-git", str(tmp_path / "r")])
    assert unnamed.exit_code == 1 and "--repo" in unnamed.stderr
    named = CliRunner().invoke(app, ["delivery", "ingest-git", str(tmp_path / "r"),
                                     "--repo", "acme/r"])  # fmt: skip
    assert named.exit_code == 0 and "1 new" in named.stdout
