"""Initiatives as a YAML file (``sunrelay work import|export``), read and checked like the org
file: every problem in one pass, each with its file and line. Pure: ``transfer`` writes.

```yaml
version: 1
initiatives:
  - id: 12                 # present: update initiative 12; absent: a new one
    title: Ledger API v2
    team: core
    dri: ana
    class: customer-committed
    state: active          # written by export; an import never moves a state
    target: 2026-12-14
    people: [ana, bruno]
    components: [ledger]
    decisions: [4]
    items: [31]            # risks and asks from weekly updates
    depends_on: [9]
    criteria: [Old API read-only, Runbook updated]
    progress: {teams: [app, web]}   # a migration
```
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from sunrelay.people.orgfile import ID, OrgFileInvalid, Problem, load_documents, path_text
from sunrelay.work.logic import STATES, Draft

KEYS = {
    "id",
    "title",
    "team",
    "dri",
    "class",
    "state",
    "target",
    "description",
    "people",
    "components",
    "decisions",
    "items",
    "depends_on",
    "criteria",
    "progress",
}


class WorkFileInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Entry:
    """One initiative of the file: its line, its id when it updates one, the state written
    for reading, and what it is made of."""

    line: int
    draft: Draft
    id: int | None = None
    state: str | None = None


def _ids(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and ID.match(v) for v in value)


def _numbers(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value
    )


def _check(item: dict, where: str, add: Any) -> None:
    for key in item:
        if key not in KEYS:
            add(key, f"unknown key; expected one of: {', '.join(sorted(KEYS))}")
    for key in ("title", "team", "dri"):
        if not isinstance(item.get(key), str) or not str(item.get(key)).strip():
            add(key, f"{key} is required")
    if "id" in item and not _numbers([item["id"]]):
        add("id", "must be an initiative's number")
    if "state" in item and item["state"] not in STATES:
        add("state", f"must be one of {', '.join(STATES)}")
    if "target" in item and not isinstance(item["target"], date):
        add("target", "must be a date like 2026-12-31")
    for key in ("people", "components"):
        if key in item and not _ids(item[key]):
            add(key, "must be a list of ids")
    for key in ("decisions", "items", "depends_on"):
        if key in item and not _numbers(item[key]):
            add(key, "must be a list of numbers")
    criteria = item.get("criteria", [])
    if not isinstance(criteria, list) or not all(
        isinstance(c, str) and c.strip() for c in criteria
    ):
        add("criteria", "must be a list of non-empty texts")
    progress = item.get("progress", {})
    if (
        not isinstance(progress, dict)
        or set(progress) - {"teams", "components"}
        or not all(_ids(v) for v in progress.values())
    ):
        add("progress", "must be {teams: [ids], components: [ids]}")


def parse(text: str, filename: str = "work.yaml") -> list[Entry]:
    """Every entry of a work file. Raises WorkFileInvalid with every problem found."""
    try:
        docs = load_documents(text, filename)
    except OrgFileInvalid as exc:  # not YAML, or a document built to explode
        raise WorkFileInvalid(exc.problems) from None
    if len(docs) != 1:
        raise WorkFileInvalid(
            [Problem(filename, 1, "(file)", "expected exactly one YAML document")]
        )
    data, lines = docs[0]
    problems: list[Problem] = []

    def line_of(path: tuple) -> int:
        while path not in lines and path:
            path = path[:-1]
        return lines.get(path, 1)

    if not isinstance(data, dict) or set(data) - {"version", "initiatives"}:
        raise WorkFileInvalid(
            [Problem(filename, 1, "(file)", "expected a mapping with version and initiatives")]
        )
    if data.get("version", 1) != 1:
        problems.append(Problem(filename, line_of(("version",)), "version", "use version 1"))
    items = data.get("initiatives") or []
    if not isinstance(items, list):
        raise WorkFileInvalid(
            [Problem(filename, line_of(("initiatives",)), "initiatives", "must be a list")]
        )
    entries: list[Entry] = []
    seen: dict[int, int] = {}
    for n, item in enumerate(items):
        path = ("initiatives", n)
        if not isinstance(item, dict):
            problems.append(Problem(filename, line_of(path), path_text(path), "must be a mapping"))
            continue
        before = len(problems)

        def add(key: str, message: str, path: tuple = path) -> None:
            problems.append(
                Problem(filename, line_of((*path, key)), path_text((*path, key)), message)
            )

        _check(item, path_text(path), add)
        if isinstance(item.get("id"), int):
            if item["id"] in seen:
                add(
                    "id",
                    f"initiative {item['id']} appears twice (first at line {seen[item['id']]})",
                )
            seen.setdefault(item["id"], line_of((*path, "id")))
        if len(problems) == before:
            entries.append(_entry(item, line_of(path)))
    if problems:
        raise WorkFileInvalid(sorted(problems))
    return entries


def _entry(item: dict, line: int) -> Entry:
    progress = item.get("progress") or {}
    draft = Draft(
        title=item["title"].strip(),
        team=item["team"],
        dri=item["dri"],
        klass=item.get("class"),
        target=item.get("target"),
        description=str(item.get("description") or ""),
        people=list(item.get("people") or []),
        components=list(item.get("components") or []),
        decisions=list(item.get("decisions") or []),
        items=list(item.get("items") or []),
        depends_on=list(item.get("depends_on") or []),
        criteria=[c.strip() for c in item.get("criteria") or []],
        progress_teams=list(progress.get("teams") or []),
        progress_components=list(progress.get("components") or []),
    )
    return Entry(line=line, draft=draft, id=item.get("id"), state=item.get("state"))


def to_data(entries: list[Entry]) -> dict[str, Any]:
    def one(e: Entry) -> dict[str, Any]:
        d = e.draft
        out: dict[str, Any] = {"id": e.id, "title": d.title, "team": d.team, "dri": d.dri}
        out |= {"class": d.klass, "state": e.state, "target": d.target}
        out |= {"description": d.description, "people": d.people, "components": d.components}
        out |= {"decisions": d.decisions, "items": d.items, "depends_on": d.depends_on}
        out["criteria"] = d.criteria
        progress = {"teams": d.progress_teams, "components": d.progress_components}
        out["progress"] = {k: v for k, v in progress.items() if v}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}

    return {"version": 1, "initiatives": [one(e) for e in entries]}


def dump(entries: list[Entry]) -> str:
    return yaml.safe_dump(to_data(entries), sort_keys=False, allow_unicode=True, width=100)
