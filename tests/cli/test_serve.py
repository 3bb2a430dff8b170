"""``sunrelay serve`` stops its worker when it is stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.receivers import free_port


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _serve(tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    env = {**os.environ, "SUNRELAY_VAR": str(tmp_path), "DATABASE_URL": "", "REDIS_URL": ""}
    env.pop("DATABASE_URL")
    env.pop("REDIS_URL")
    subprocess.run(
        [sys.executable, "-m", "sunrelay", "migrate"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "sunrelay", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _children(server.pid):
        time.sleep(0.1)
    [worker] = _children(server.pid)
    return server, worker


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_stopping_serve_stops_its_worker(tmp_path, stop):
    server, worker = _serve(tmp_path)
    time.sleep(1.0)  # let the worker start its consumer
    server.send_signal(stop)
    server.wait(timeout=60)
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline and _alive(worker):
        time.sleep(0.1)
    assert not _alive(worker), f"the worker {worker} outlived serve ({stop.name})"
    if stop == signal.SIGTERM:
        assert server.returncode == 0
        assert "Stopping the background worker" in (server.stdout.read() if server.stdout else "")


def test_a_worker_whose_serve_is_gone_stops_itself():
    """The worker's own watch, beside the kernel's parent-death signal: started by a serve
    that is no longer its parent, it sends itself SIGTERM."""
    code = (
        "import time\n"
        "from sunrelay.cli.children import watch_parent\n"
        "watch_parent(0.05)\n"
        "time.sleep(60)\n"
    )
    env = {**os.environ, "SUNRELAY_SERVE_PID": "999999999"}  # not our parent
    done = subprocess.run([sys.executable, "-c", code], env=env, timeout=30, capture_output=True)
    assert done.returncode == -signal.SIGTERM
