"""The worker ``sunrelay serve`` starts beside the web server, and stopping it cleanly.

On SIGTERM (or Ctrl-C) ``serve`` asks the worker to stop gracefully (SIGINT: Huey lets the
running job finish, so an outbox claim is either sent or released, never abandoned to its
lease), waits, then insists. On Linux the worker also gets SIGTERM if ``serve`` dies without
a word (SIGKILL), so no orphan keeps running.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from types import FrameType

GRACE = 30.0  # seconds a running job gets to finish


def _die_with_parent() -> None:  # runs in the child, before exec
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sunrelay", "worker"],
        env=os.environ.copy(),
        preexec_fn=_die_with_parent,
    )


def stop_worker(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, GRACE), (signal.SIGTERM, 10.0)):
        child.send_signal(sig)
        try:
            child.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
    child.kill()
    child.wait()


def exit_on_sigterm() -> None:
    """Make SIGTERM unwind like Ctrl-C, so ``finally`` blocks run and children are stopped."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, handler)
