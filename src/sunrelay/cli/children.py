"""The worker ``sunrelay serve`` starts beside the web server, and stopping it cleanly.

On SIGTERM (or Ctrl-C) ``serve`` asks the worker to stop gracefully (SIGINT: Huey lets the
running job finish, so an outbox claim is either sent or released, never abandoned to its
lease), waits, then insists. If ``serve`` dies without a word (SIGKILL) the worker stops too:
on Linux the kernel sends it SIGTERM, and the worker also watches its parent itself, so no
orphan keeps running.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from types import FrameType

GRACE = 30.0  # seconds a running job gets to finish


def _die_with_parent() -> None:  # runs in the child, before exec
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sunrelay", "worker"],
        env={**os.environ, PARENT: str(os.getpid())},
        preexec_fn=_die_with_parent,
    )


PARENT = "SUNRELAY_SERVE_PID"


def watch_parent(every: float = 1.0) -> threading.Thread | None:
    """In a worker ``serve`` started: stop (SIGTERM to ourselves) once ``serve`` is gone, in
    case the kernel's parent-death signal was missed (it is not sent on every platform, and
    not to a child re-parented before it was armed). A daemon thread; None when not a child
    of ``serve``."""
    parent = os.environ.get(PARENT, "")
    if not parent.isdigit():
        return None

    def watch() -> None:
        while os.getppid() == int(parent):
            time.sleep(every)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=watch, name="watch-serve", daemon=True)
    thread.start()
    return thread


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
