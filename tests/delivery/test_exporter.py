"""``/metrics``: the health figures for Prometheus, scraped by a real Prometheus server (Debian's
``prometheus``) started by the test."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.test import Client

from sunrelay.core import clock
from sunrelay.core.tokens import create_token
from sunrelay.delivery import service
from sunrelay.demo import webhooks as W
from sunrelay.people import orgfile
from sunrelay.people import service as people
from tests.conftest import DEMO

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
REPO = "acme/ledger"


def _history() -> None:
    people.import_org(orgfile.parse(DEMO.read_text()))
    day = NOW - timedelta(days=10)
    lines = []
    for n in range(3):
        sha, at = f"{n:040d}", day + timedelta(days=n)
        push = W.push(REPO, "refs/heads/main", [W.commit(sha, at, "a@acme.test", None)], at)
        status = W.deployment_status(REPO, 100 + n, sha, "production", "success", at)
        lines += [W.line("push", f"p{n}", push), W.line("deployment_status", f"s{n}", status)]
    assert service.ingest(lines).new == 6


@pytest.mark.django_db
def test_a_token_is_required_and_the_figures_carry_team_labels():
    _history()
    assert Client().get("/metrics").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer nope").get("/metrics").status_code == 401
    token = create_token("prometheus").secret
    with clock.frozen(NOW):
        text = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/metrics").content.decode()
    # three deployments in the window (the first is a baseline: it ships nothing, but counts)
    assert 'sunrelay_deployments{team="payments"} 3.0' in text
    assert 'sunrelay_deployments{team="*"} 3.0' in text
    assert 'sunrelay_deployments{team="mobile"} 0.0' in text
    assert "sunrelay_change_failure_rate" in text
    assert 'sunrelay_lead_time_hours{quantile="0.5"' not in text  # no change: no sample


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _query(port: int, expr: str) -> list[dict]:
    url = f"http://127.0.0.1:{port}/api/v1/query?query={urllib.parse.quote(expr)}"
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.loads(answer.read())["data"]["result"]


@pytest.mark.django_db(transaction=True)
def test_a_real_prometheus_scrapes_it(live_server, tmp_path: Path):
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("no prometheus; `make test` installs Debian's package")
    _history()
    token = create_token("prometheus").secret
    target = live_server.url.removeprefix("http://")
    port = _free_port()
    (tmp_path / "prometheus.yml").write_text(
        "global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
        "scrape_configs:\n"
        f"  - job_name: sunrelay\n    authorization: {{type: Bearer, credentials: {token}}}\n"
        f"    static_configs: [{{targets: ['{target}']}}]\n"
        "  - job_name: without-token\n"
        f"    static_configs: [{{targets: ['{target}']}}]\n"
    )
    server = subprocess.Popen(
        [binary, f"--config.file={tmp_path / 'prometheus.yml'}",
         f"--storage.tsdb.path={tmp_path / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        with clock.frozen(NOW):
            found: list[dict] = []
            deadline = time.monotonic() + 90  # how long to wait, not what is asserted
            while not found and time.monotonic() < deadline:
                time.sleep(0.5)
                try:
                    found = _query(port, 'sunrelay_deployments{team="payments"}')
                except OSError:
                    continue  # not listening yet
            assert found, "Prometheus never scraped the hub"
            assert found[0]["value"][1] == "3"
            assert found[0]["metric"]["job"] == "sunrelay"
            up: dict[str, str] = {}
            while len(up) < 2 and time.monotonic() < deadline:  # both jobs scraped once
                up = {r["metric"]["job"]: r["value"][1] for r in _query(port, "up")}
                time.sleep(0.2)
            assert up == {"sunrelay": "1", "without-token": "0"}
    finally:
        server.terminate()
        server.wait(timeout=30)
