"""Documentation coverage: each component's documents (its listed links and the documentation
files in its repository paths) with their freshness, coverage per team and organisation
against seed 004's 90 %, and stale documents reminded to the component's DRI."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sunrelay.cadence.logic import week_of
from sunrelay.core import clock
from sunrelay.knowledge import logic
from sunrelay.knowledge.logic import Document
from sunrelay.knowledge.models import ComponentKnowledge
from sunrelay.notify import service as notify
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Component, Team

BLOB = re.compile(r"^https://github\.com/([^/]+/[^/]+)/blob/[^/]+/(.+)$")


def _day(text: str) -> date | None:
    return datetime.fromisoformat(text).date() if text else None


def documents_of(component: Component, known: ComponentKnowledge | None) -> list[Document]:
    files = {d["path"]: d["changed"] for d in (known.documents if known else [])}
    found = []
    for link in component.links:
        url, title = link["url"], link.get("title") or link["url"]
        changed, source = None, ""
        if link.get("reviewed"):
            changed, source = date.fromisoformat(link["reviewed"]), "reviewed"
        elif (m := BLOB.match(url)) and m.group(1) in component.repos:
            when = files.get(f"{m.group(1)}:{m.group(2)}")
            if when:
                changed, source = _day(when), "git"
        found.append(Document(title, url, "link", changed, source))
    found += [
        Document(path.split(":", 1)[1], path, "file", _day(when), "git" if when else "")
        for path, when in files.items()
    ]
    return found


@dataclass(frozen=True)
class Row:
    component: Component
    documents: list[Document]
    freshness: int  # days
    up_to_date: bool
    why: str
    stale: list[Document]


def rows(team: Team | None = None, today: date | None = None) -> list[Row]:
    today = today or clock.now().date()
    components = Component.objects.select_related("owner", "dri", "knowledge")
    if team is not None:
        components = components.filter(owner=team)
    windows: dict[int | None, int] = {}
    found = []
    for c in components.order_by("slug"):
        if c.owner_id not in windows:
            chain = people_queries.agreements(c.owner) if c.owner else []
            windows[c.owner_id] = logic.rules(*chain).doc_freshness
        days = windows[c.owner_id]
        docs = documents_of(c, getattr(c, "knowledge", None))
        ok, why = logic.judge(docs, today, days)
        stale = [d for d in docs if not d.fresh(today, days)]
        found.append(Row(c, docs, days, ok, why, stale))
    return found


@dataclass(frozen=True)
class Coverage:
    name: str  # a team's, or the organisation's
    up_to_date: int
    total: int

    @property
    def share(self) -> float | None:
        return self.up_to_date / self.total if self.total else None

    @property
    def meets(self) -> bool:
        return self.share is not None and self.share >= logic.DOC_TARGET


def coverage(found: list[Row]) -> tuple[list[Coverage], Coverage]:
    """Per owner team (components without one under "no owner"), and the organisation."""
    teams: dict[str, list[Row]] = {}
    for row in found:
        teams.setdefault(
            row.component.owner.name if row.component.owner else "no owner", []
        ).append(row)
    per_team = [
        Coverage(name, sum(r.up_to_date for r in mine), len(mine))
        for name, mine in sorted(teams.items())
    ]
    return per_team, Coverage("organisation", sum(r.up_to_date for r in found), len(found))


def remind_stale(now: datetime | None = None) -> int:
    """Each component with stale documents reminds its DRI once a week (in their working
    hours), listing what is stale and how old it is."""
    now = now or clock.now()
    count = 0
    for row in rows(today=now.date()):
        c = row.component
        if c.dri is None or not row.stale:
            continue
        lines = [
            f"- {d.title}: " + (f"last {'reviewed' if d.source == 'reviewed' else 'changed'} "
                                f"{d.changed:%Y-%m-%d}" if d.changed else "no date known")
            for d in row.stale[:20]
        ]  # fmt: skip
        notify.send(
            c.dri, "knowledge.stale_docs",
            f"{len(row.stale)} stale document{'s' if len(row.stale) != 1 else ''} for {c.name}",
            f"Older than {row.freshness} days, or never dated:\n" + "\n".join(lines)
            + "\nUpdate them, or give a listed link a reviewed: date in the org file.",
            url=f"/knowledge/components/{c.slug}/",
            key=f"knowledge.stale:{c.slug}:{week_of(now.date())}",
        )  # fmt: skip
        count += 1
    return count
