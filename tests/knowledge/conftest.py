"""A clone of the demo's ledger repository under a temporary repositories folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.knowledge.gitrepo import Repo, body

ANA = "Ana Lima <ana@acme.test>"
BRUNO = "Bruno Costa <bruno.costa@users.noreply.github.com>"  # one of his other addresses
CHLOE = "Chloé Martin <chloe@acme.test>"
ZED = "Zed Outsider <zed@contractor.test>"


@pytest.fixture
def clones(tmp_path: Path, settings) -> Path:
    settings.REPOS_DIR = tmp_path / "repos"
    ledger = Repo(tmp_path / "repos" / "acme" / "ledger")
    ledger.commit(ANA, {f"src/core{i}.py": body(f"core{i}") for i in range(4)})
    ledger.commit(CHLOE, {"src/report.py": body("r"), "src/export.py": body("e")})
    ledger.commit(ZED, {"src/z.py": body("z")})
    ledger.change(BRUNO, "src/core0.py")
    ledger.commit(ANA, {"docs/guide.md": body("g"), "tools/release.py": body("t")})
    return tmp_path / "repos"
