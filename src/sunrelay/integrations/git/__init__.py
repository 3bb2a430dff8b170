"""Running ``git`` on a local repository, read-only: one place that turns git's failures into a
clear message about the folder (never a traceback), for every domain that reads history."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sunrelay.core.errors import ValidationFailed


def run(path: Path, *args: str, timeout: float = 600) -> str:
    """git's output. Raises ValidationFailed (field ``path``) when git cannot run or fails,
    with git's own last line of complaint."""
    try:
        done = subprocess.run(
            ["git", "-C", str(path), *args], capture_output=True, text=True, timeout=timeout,
            check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ValidationFailed(f"git could not run: {exc}", field="path") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["git failed"])[-1]
        raise ValidationFailed(f"{path}: {reason}", field="path")
    return done.stdout
