"""Small real git repositories with known histories, built in a temporary folder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class Repo:
    """Each commit is written by the author named, at a fixed instant one minute after the
    last, so the same script always gives the same repository."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.minute = 0
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(
        self, *args: str, who: str = "Nobody <nobody@example.test>", when: str | None = None
    ) -> str:
        name, email = who.rstrip(">").split(" <")
        when = when or f"2015-01-01T00:{self.minute // 60:02d}:{self.minute % 60:02d}+00:00"
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
            "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
        }  # fmt: skip
        done = subprocess.run(
            ["git", "-C", str(self.path), *args], env=env, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        return done.stdout

    def commit(
        self, who: str, files: dict[str, str | None], message: str = "change", when: str = ""
    ) -> None:
        """Write (or, for None, delete) each file, then commit as ``who`` (at ``when``, an ISO
        instant, when given)."""
        for name, text in files.items():
            target = self.path / name
            if text is None:
                self.git("rm", "-q", name)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            self.git("add", name)
        self.minute += 1
        self.git("commit", "-q", "--allow-empty", "-m", message, who=who, when=when or None)

    def rename(self, who: str, old: str, new: str) -> None:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)
        self.minute += 1
        self.git("commit", "-q", "-m", f"rename {old}", who=who)

    def change(self, who: str, name: str, times: int = 1) -> None:
        for _ in range(times):
            current = (self.path / name).read_text()
            self.commit(who, {name: current + "more\n"})


def body(seed: str) -> str:
    """Distinct content of a few lines, so renames are found at 100 % similarity."""
    return "".join(f"{seed} line {i}\n" for i in range(8))


A = "Ana Alves <ana@acme.test>"
B = "Bo Berg <bo@acme.test>"
C = "Cy Chen <cy@acme.test>"
D = "Di Diaz <di@acme.test>"
