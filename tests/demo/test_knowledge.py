"""The demo's components carry truck factors from repositories generated at load."""

from __future__ import annotations

from pathlib import Path

from sunrelay.demo import knowledge
from sunrelay.knowledge.models import ComponentKnowledge
from tests.knowledge.gitrepo import A, Repo, body


def test_the_demo_generates_missing_clones_and_computes_their_truck_factors(
    demo, settings, tmp_path: Path
) -> None:
    settings.REPOS_DIR = tmp_path
    theirs = Repo(tmp_path / "acme" / "design-system")  # an operator's clone: left as it is
    theirs.commit(A, {"a.py": body("a")})
    assert knowledge.build() == 6
    found = dict(ComponentKnowledge.objects.values_list("component__slug", "truck_factor"))
    assert found == {
        "api-gateway": 3, "checkout-api": 2, "design-system": 1, "k8s-clusters": 1,
        "ledger": 2, "mobile-app": 2,
    }  # fmt: skip
    assert ComponentKnowledge.objects.get(component__slug="design-system").tf_authors == [
        "Ana Alves"
    ]
    ledger = ComponentKnowledge.objects.get(component__slug="ledger")
    assert {a["person"] for a in ledger.authors} == {"ana", "bruno", "chloe"}
    head = (tmp_path / "acme" / "ledger" / ".git" / "HEAD").stat().st_mtime_ns
    assert knowledge.build() == 6  # the clones are there now: nothing is generated again
    assert (tmp_path / "acme" / "ledger" / ".git" / "HEAD").stat().st_mtime_ns == head
    assert not [p for p in (tmp_path / "acme").iterdir() if p.name.startswith(".")]
