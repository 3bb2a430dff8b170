"""Components' truck factors from local clones of their repositories: one use case refreshes
one component (all-or-nothing), another every component that names a repository (the
periodic job and ``sunrelay knowledge refresh``). See docs/knowledge.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from sunrelay.core import clock
from sunrelay.core.errors import NotFound, SunrelayError, ValidationFailed
from sunrelay.core.permissions import OPERATOR, Actor
from sunrelay.knowledge import exclusions, gitlog, logic, repository
from sunrelay.knowledge.models import ComponentKnowledge
from sunrelay.knowledge.permissions import require_refresh
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Component, Person, Team

REPO_PART = r"[A-Za-z0-9._-]+"


def clone_of(repo: str, root: Path | None = None) -> Path:
    """The local clone of ``owner/name`` under the repositories folder. Raises
    ValidationFailed when there is none, or when it leads outside that folder (a symlink)."""
    base = (root or Path(settings.REPOS_DIR)).resolve()
    owner, _, name = repo.partition("/")
    if not owner or not name or owner.startswith(".") or name.startswith(".") or "/" in name:
        raise ValidationFailed(f"{repo!r} is not a repository like 'owner/name'", field="repos")
    where = (base / owner / name).resolve()
    if not where.is_relative_to(base):
        raise ValidationFailed(f"the clone of {repo} leads outside {base}", field="repos")
    if not where.is_dir():
        raise ValidationFailed(f"no clone of {repo} in {base}", field="repos")
    return where


MAX_DOCUMENTS = 500


def _combined(
    component: Component, progress: Callable[[int], None] | None
) -> tuple[gitlog.History, dict[str, str], list[dict[str, str]]]:
    """One history for all the component's repositories: their files narrowed to its paths
    (and the default exclusions) in each, then named ``owner/name:path``; and its
    documentation files with when each last changed, newest first."""
    whole = gitlog.History()
    revisions: dict[str, str] = {}
    documents: list[dict[str, str]] = []
    for repo in component.repos:
        where = clone_of(repo)
        history = gitlog.read(where, "HEAD", progress)
        revisions[repo] = gitlog.resolve(where, "HEAD")
        docs = {
            p for p in history.files
            if exclusions.is_document(p)
            and (not component.paths or exclusions.matches(p, component.paths))
        }  # fmt: skip
        changed = gitlog.last_changes(where, revisions[repo], docs)
        documents += [{"path": f"{repo}:{p}", "changed": changed.get(p, "")} for p in sorted(docs)]
        offset = len(whole.raws)
        whole.raws += history.raws
        whole.commits += history.commits
        for path, codes in history.touches.items():
            whole.touches[f"{repo}:{path}"] = [c + offset * 4 for c in codes]
        for path, old in history.renamed_from.items():
            whole.renamed_from[f"{repo}:{path}"] = [f"{repo}:{o}" for o in old]
        whole.files += [f"{repo}:{p}" for p in exclusions.kept(history.files, only=component.paths)]
    documents.sort(key=lambda d: d["changed"], reverse=True)
    return whole, revisions, documents[:MAX_DOCUMENTS]


def _people_by_address() -> dict[str, str]:
    found: dict[str, str] = {}
    for slug, email, emails in Person.objects.values_list("slug", "email", "emails"):
        for address in [email, *(emails or [])]:
            if address:
                found.setdefault(address.casefold(), slug)
    return found


def refresh(
    slug: str, by: Actor = OPERATOR, progress: Callable[[int], None] | None = None
) -> ComponentKnowledge:
    """Recompute one component's truck factor. A component whose clones are missing keeps a
    record saying so. Raises NotFound, PermissionDenied, ValidationFailed (no repositories)."""
    component = Component.objects.select_related("owner").filter(slug=slug).first()
    if component is None:
        raise NotFound(f"no component {slug!r}", field="component")
    require_refresh(by, component)
    if not component.repos:
        raise ValidationFailed(f"{slug} names no repository", field="repos")
    values: dict = {"refreshed_at": clock.now(), "problem": ""}
    try:
        history, revisions, documents = _combined(component, progress)
        result, warnings = repository.analyse(history, repository.Options(defaults=False))
    except SunrelayError as exc:
        values |= {"problem": exc.message, "truck_factor": None}
    else:
        known = _people_by_address()
        authors = [
            {
                "name": d.name,
                "emails": list(d.emails),
                "files": len(d.files),
                "person": next((known[e] for e in d.emails if e in known), None),
            }
            for d in result.developers
        ]
        values |= {
            "revisions": revisions,
            "truck_factor": result.truck_factor,
            "files": result.files,
            "authored_files": result.authored_files,
            "algorithm": result.algorithm,
            "authors": authors,
            "tf_authors": [d.name for d in result.tf_authors],
            "coverage": [n for n, _ in result.coverage],
            "documents": documents,
            "problem": "; ".join(warnings) if not result.files else "",
        }
    with transaction.atomic():
        found, _ = ComponentKnowledge.objects.update_or_create(component=component, defaults=values)
    return found


def refresh_all(
    by: Actor = OPERATOR, each: Callable[[Component, int, int], None] | None = None
) -> list[ComponentKnowledge]:
    """Every component that names a repository; ``each`` is told which one starts, and its
    place in the count. A component that no longer names one loses its old figures."""
    everything = list(Component.objects.order_by("slug"))
    components = [c for c in everything if c.repos]
    ComponentKnowledge.objects.filter(
        component_id__in=[c.pk for c in everything if not c.repos]
    ).delete()
    found = []
    for i, component in enumerate(components):
        if each is not None:
            each(component, i, len(components))
        found.append(refresh(component.slug, by))
    return found


@dataclass(frozen=True)
class Row:
    component: Component
    knowledge: ComponentKnowledge | None
    target: int
    maintainers: tuple[str, ...]
    flags: tuple[str, ...]


def rows(team: Team | None = None) -> list[Row]:
    """Each component (of ``team``, or all) with its truck factor and what it flags."""
    components = Component.objects.select_related("owner", "dri", "knowledge").prefetch_related(
        "maintainers"
    )
    if team is not None:
        components = components.filter(owner=team)
    targets: dict[int | None, int] = {}
    found = []
    for c in components.order_by("slug"):
        if c.owner_id not in targets:
            chain = people_queries.agreements(c.owner) if c.owner else []
            targets[c.owner_id] = logic.rules(*chain).bus_factor
        known: ComponentKnowledge | None = getattr(c, "knowledge", None)
        maintainers = tuple(sorted({m.slug for m in c.maintainers.all()}))
        flagged: tuple[str, ...] = ()
        if known is not None and known.truck_factor is not None:
            flagged = tuple(
                logic.flags(
                    criticality=c.criticality,
                    truck_factor=known.truck_factor,
                    target=targets[c.owner_id],
                    maintainers=maintainers,
                    dri=c.dri.slug if c.dri else None,
                    authors=[
                        logic.Author(a["name"], a["files"], a.get("person")) for a in known.authors
                    ],
                )
            )
        found.append(Row(c, known, targets[c.owner_id], maintainers, flagged))
    return found
