"""Backstage catalog files ↔ the org-file shape.

Reading converts entities into an org document (the same shape as ``org.yaml``) whose every
path remembers the catalog file and line it came from, then runs the org file's own checks,
so problems point into the catalog. Sunrelay's own facts travel as annotations:

    sunrelay.dev/timezone       Europe/Lisbon          (User; without it: UTC, reported)
    sunrelay.dev/working-hours  09:00-17:00, or mon=09:00-17:00;fri=09:00-13:00  (User)
    sunrelay.dev/workdays       mon,tue,wed,thu,fri    (User)
    sunrelay.dev/holidays       PT                     (User)
    sunrelay.dev/roles          engineer,manager       (User)
    github.com/user-login       mona                   (User: the GitHub login, Backstage's own)
    sunrelay.dev/emails         mona@home.example      (User: other addresses on their commits)
    sunrelay.dev/lead, sunrelay.dev/wip-limit, sunrelay.dev/successor         (Group)
    sunrelay.dev/review-periods adr=3d;design-doc=72h  (Group: the team's review agreement)
    sunrelay.dev/status-due     mon 17:00              (Group: when weekly updates are due)
    sunrelay.dev/handoff-escalate-after  2h            (Group: hand-off acknowledgement time)
    sunrelay.dev/charter        the team's charter, Markdown (Group)
    sunrelay.dev/agreement      {"work": {...}}        (Group: the rest of the team's working
                                agreement, as JSON: incident, on-call, work in flight, …)
    sunrelay.dev/dri, sunrelay.dev/maintainers, sunrelay.dev/criticality      (Component)
    github.com/project-slug     acme/payments          (Component: its repository, Backstage's
                                own; more in sunrelay.dev/repos, comma-separated)
    sunrelay.dev/paths          services/pay/**        (Component: the globs that pick its
                                files in those repositories, comma-separated)
    sunrelay.dev/links-reviewed {"https://…": "2026-10-01"}  (Component: when each link was
                                last reviewed, as JSON; Backstage links have no such field)
    backstage.io/adr-location   where the component's decision records live (Component; the
                                ADR plugin reads it); kept as the component's "ADRs" link
"""

from __future__ import annotations

import json
from pathlib import Path as FilePath
from typing import Any

import yaml

from sunrelay.people import orgfile
from sunrelay.people.logic import OrgSpec
from sunrelay.people.orgfile import OrgFileInvalid, Problem

A = "sunrelay.dev/"
ADR_LOCATION = "backstage.io/adr-location"
USER_LOGIN = "github.com/user-login"
PROJECT_SLUG = "github.com/project-slug"
ADR_LINK_TITLES = ("adrs", "adr", "decisions", "decision records")
KINDS = {"user", "group", "component", "system", "domain", "location"}
Path = tuple[str | int, ...]


def entity_name(ref: Any) -> str:
    """'group:default/payments' → 'payments'."""
    text = str(ref)
    if ":" in text:
        text = text.split(":", 1)[1]
    return text.rsplit("/", 1)[-1]


def _split(value: Any) -> list[str]:
    return [x.strip() for x in str(value).split(",") if x.strip()]


class _Reader:
    def __init__(self) -> None:
        self.where: dict[Path, tuple[str, int]] = {}
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.entities: list[tuple[str, int, dict[str, Any], dict[orgfile.Path, int]]] = []
        self.seen: set[FilePath] = set()
        self.roots: list[FilePath] = []  # the folders named; nothing outside them is read

    def start(self, path: FilePath) -> None:
        """Read a file or folder the user named; its folder bounds what Location targets
        may reach."""
        resolved = path.resolve()
        self.roots.append(resolved if resolved.is_dir() else resolved.parent)
        self.read(resolved)

    def inside(self, path: FilePath) -> bool:
        return any(path.is_relative_to(root) for root in self.roots)

    def read(self, path: FilePath) -> None:
        path = path.resolve()  # a link is judged by where it leads
        if path in self.seen or not self.inside(path):
            return
            return
        self.seen.add(path)
        if path.is_dir():
            for child in sorted(path.glob("*.y*ml")):
                self.read(child)
            return
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            self.problems.append(Problem(str(path), 1, "(file)", f"cannot read: {exc.strerror}"))
            return
        try:
            docs = orgfile.load_documents(text, str(path))
        except OrgFileInvalid as exc:
            self.problems.extend(exc.problems)
            return
        for data, lines in docs:
            if data is None:
                continue
            kind = str(data.get("kind", "")).lower() if isinstance(data, dict) else ""
            if kind not in KINDS:
                self.notes.append(
                    f"{path}:{lines.get((), 1)}: skipped entity of kind {kind or '?'}"
                )
                continue
            if kind == "location":
                self._follow(path, data, lines)
            else:
                self.entities.append((str(path), lines.get((), 1), data, lines))

    def _follow(self, path: FilePath, data: dict[str, Any], lines: dict[orgfile.Path, int]) -> None:
        spec = data.get("spec") or {}
        targets = list(spec.get("targets") or []) + ([spec["target"]] if spec.get("target") else [])
        line = lines.get(("spec",), 1)

        def refuse(message: str) -> None:
            self.problems.append(Problem(str(path), line, "spec.targets", message))

        for target in targets:
            target = str(target)
            if "://" in target:
                self.notes.append(f"{path}:{line}: not followed: {target}")
                continue
            if FilePath(target).is_absolute():
                refuse(f"location target {target!r} is an absolute path; name it relative")
                continue
            glob = any(c in target for c in "*?[")
            try:
                matches = sorted(path.parent.glob(target)) if glob else [path.parent / target]
            except ValueError as exc:  # a pattern pathlib refuses, such as "**x"
                refuse(f"location target {target!r} is not a usable pattern: {exc}")
                continue
            outside = [m for m in matches if not self.inside(m.resolve())]
            if outside:
                refuse(f"location target {target!r} leads outside the catalog folder")
                continue
            if glob:  # a pattern reads catalog files only, never whatever else it matches
                matches = [m for m in matches if m.suffix in (".yaml", ".yml") and m.is_file()]
            if not matches or not all(m.exists() for m in matches):
                refuse(f"location target {target!r} does not exist")
            for match in matches:
                if match.exists():
                    self.read(match)


# One converter per entity kind: (section, org-file item, where each field came from).
Converted = tuple[str, dict[str, Any], dict[str, orgfile.Path]]
ANN = ("metadata", "annotations")


def _parts(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], str]:
    meta = data.get("metadata") or {}
    return meta, data.get("spec") or {}, meta.get("annotations") or {}, str(meta.get("name", ""))


def _user(data: dict[str, Any]) -> Converted:
    meta, spec, notes, name = _parts(data)
    profile = spec.get("profile") or {}
    item: dict[str, Any] = {
        "id": name,
        "name": profile.get("displayName") or meta.get("title") or name,
        "timezone": notes.get(A + "timezone") or "UTC",
    }
    if profile.get("email"):
        item["email"] = profile["email"]
    hours = notes.get(A + "working-hours")
    if isinstance(hours, str) and "=" in hours:  # "mon=09:00-17:00;fri=09:00-13:00"
        item["working_hours"] = dict(
            part.strip().split("=", 1) for part in hours.split(";") if "=" in part
        )
    elif hours is not None:
        item["working_hours"] = hours
    if notes.get(A + "holidays") is not None:
        item["holidays"] = notes[A + "holidays"]
    for key in ("workdays", "roles", "emails"):
        if notes.get(A + key) is not None:
            item[key] = _split(notes[A + key])
    if notes.get(USER_LOGIN):
        item["github"] = notes[USER_LOGIN]
    return (
        "people",
        item,
        {
            "id": ("metadata", "name"),
            "name": ("spec", "profile"),
            "email": ("spec", "profile", "email"),
            "timezone": (*ANN, A + "timezone"),
            "working_hours": (*ANN, A + "working-hours"),
            "workdays": (*ANN, A + "workdays"),
            "holidays": (*ANN, A + "holidays"),
            "roles": (*ANN, A + "roles"),
            "emails": (*ANN, A + "emails"),
            "github": (*ANN, USER_LOGIN),
        },
    )


def _group(data: dict[str, Any]) -> Converted:
    meta, spec, notes, name = _parts(data)
    item: dict[str, Any] = {
        "id": name,
        "name": (spec.get("profile") or {}).get("displayName") or meta.get("title") or name,
        "members": [entity_name(m) for m in spec.get("members") or []],
    }
    if meta.get("description"):
        item["description"] = meta["description"]
    if spec.get("parent"):
        item["parent"] = entity_name(spec["parent"])
    for key in ("lead", "successor"):
        if notes.get(A + key):
            item[key] = entity_name(notes[A + key])
    if notes.get(A + "wip-limit") is not None:
        wip = str(notes[A + "wip-limit"])
        item["wip_limit"] = int(wip) if wip.isdigit() else wip  # lint names a bad one
    agreement: dict[str, Any] = {}
    if notes.get(A + "review-periods"):
        pairs = [x.partition("=") for x in str(notes[A + "review-periods"]).split(";") if x]
        agreement["review"] = {k.strip(): v.strip() for k, _, v in pairs}
    if notes.get(A + "status-due"):
        agreement["status"] = {"due": str(notes[A + "status-due"])}
    if notes.get(A + "handoff-escalate-after"):
        agreement["handoff"] = {"escalate_after": str(notes[A + "handoff-escalate-after"])}
    if notes.get(A + "charter"):
        item["charter"] = str(notes[A + "charter"])
    if notes.get(A + "agreement"):
        try:
            rest = json.loads(str(notes[A + "agreement"]))
        except ValueError:
            rest = None
        if not isinstance(rest, dict):  # lint names the annotation
            item["agreement"] = str(notes[A + "agreement"])
            return _team_result(item)
        for key, value in rest.items():
            agreement.setdefault(key, value)
    if agreement:
        item["agreement"] = agreement
    return _team_result(item)


def _team_result(item: dict[str, Any]) -> Converted:
    return (
        "teams",
        item,
        {
            "id": ("metadata", "name"),
            "parent": ("spec", "parent"),
            "members": ("spec", "members"),
            "lead": (*ANN, A + "lead"),
            "wip_limit": (*ANN, A + "wip-limit"),
            "successor": (*ANN, A + "successor"),
            "agreement": (*ANN, A + "agreement"),
        },
    )


def _rest_of(agreement: dict[str, Any]) -> str | None:
    """What the team's agreement holds beyond its own annotations, as compact JSON."""
    rest = {k: v for k, v in agreement.items() if k not in ("review", "status", "handoff")}
    return json.dumps(rest, separators=(",", ":"), sort_keys=True) if rest else None


def _component(data: dict[str, Any]) -> Converted:
    meta, spec, notes, name = _parts(data)
    item: dict[str, Any] = {"id": name, "name": meta.get("title") or name}
    owner = spec.get("owner")
    if owner:  # a user owner is the DRI; a group owner is the owning team
        item["dri" if str(owner).startswith("user:") else "owner"] = entity_name(owner)
    if notes.get(A + "dri"):
        item["dri"] = entity_name(notes[A + "dri"])
    if notes.get(A + "maintainers"):
        item["maintainers"] = [entity_name(m) for m in _split(notes[A + "maintainers"])]
    if notes.get(A + "criticality"):
        item["criticality"] = notes[A + "criticality"]
    if spec.get("system"):
        item["system"] = entity_name(spec["system"])
    if meta.get("description"):
        item["description"] = meta["description"]
    links = [x for x in meta.get("links") or [] if isinstance(x, dict)]
    adr = notes.get(ADR_LOCATION)
    if adr and all(x.get("url") != adr for x in links):
        links.append({"url": adr, "title": "ADRs"})
    reviewed = _reviewed(notes.get(A + "links-reviewed"))
    if links:
        item["links"] = [
            {"url": x.get("url"), "title": x.get("title") or ""}
            | ({"reviewed": reviewed[x["url"]]} if x.get("url") in reviewed else {})
            for x in links
        ]
    repos = ([notes[PROJECT_SLUG]] if notes.get(PROJECT_SLUG) else []) + (
        _split(notes[A + "repos"]) if notes.get(A + "repos") else []
    )
    if repos:
        item["repos"] = repos
    if notes.get(A + "paths"):
        item["paths"] = _split(notes[A + "paths"])
    return (
        "components",
        item,
        {
            "id": ("metadata", "name"),
            "owner": ("spec", "owner"),
            "dri": (*ANN, A + "dri"),
            "maintainers": (*ANN, A + "maintainers"),
            "criticality": (*ANN, A + "criticality"),
            "links": ("metadata", "links"),
            "repos": (*ANN, PROJECT_SLUG),
            "paths": (*ANN, A + "paths"),
        },
    )


CONVERTERS = {"user": _user, "group": _group, "component": _component}


def read_catalog(paths: list[str]) -> tuple[OrgSpec, list[str]]:
    """The directory described by catalog files (or folders of them) and notes about what
    was incomplete or skipped. Raises OrgFileInvalid with every problem found."""
    reader = _Reader()
    for p in paths:
        reader.start(FilePath(p))
    doc: dict[str, Any] = {"version": 1, "people": [], "teams": [], "components": []}
    where: dict[orgfile.Path, tuple[str, int]] = {}
    notes = list(reader.notes)
    member_of: dict[str, set[str]] = {}  # group -> users, as the users state it
    parent_of: dict[str, str] = {}  # child group -> parent, as the parent states it
    for file, line, data, lines in reader.entities:
        convert = CONVERTERS.get(str(data.get("kind")).lower())
        if convert is None:  # System and Domain: read, and named by components
            continue
        section, item, origin = convert(data)
        index = len(doc[section])
        doc[section].append(item)
        where[(section, index)] = (file, line)
        for key, source in origin.items():
            where[(section, index, key)] = (file, _nearest(lines, source))
        spec = data.get("spec") or {}
        if section == "people":
            if not (data["metadata"].get("annotations") or {}).get(A + "timezone"):
                notes.append(
                    f"{file}:{line}: user {item['id']} is incomplete: "
                    f"no {A}timezone annotation, using UTC"
                )
            for group in spec.get("memberOf") or []:
                member_of.setdefault(entity_name(group), set()).add(item["id"])
        elif section == "teams":
            for child in spec.get("children") or []:
                parent_of[entity_name(child)] = item["id"]
    notes += _merge_relations(doc["teams"], member_of, parent_of)

    def locate(path: orgfile.Path) -> tuple[str, int]:
        while path not in where and path:
            path = path[:-1]
        return where.get(path, (paths[0] if paths else "catalog", 1))

    problems = reader.problems + orgfile.lint(doc, locate)
    if problems:
        raise OrgFileInvalid(sorted(problems))
    spec = orgfile.build(doc)
    spec.sections = frozenset({"people", "teams", "components"})  # a catalog has no absences
    return spec, notes


def _merge_relations(
    teams: list[dict[str, Any]], member_of: dict[str, set[str]], parent_of: dict[str, str]
) -> list[str]:
    """Membership and parentage may be stated on either side of the relation; merge both."""
    by_id = {t["id"]: t for t in teams}
    notes = []
    for group, users in sorted(member_of.items()):
        if group in by_id:
            by_id[group]["members"] = [*by_id[group]["members"], *users]
        else:
            notes.append(f"users name unknown group {group!r} in memberOf; ignored")
    for child, parent in parent_of.items():
        if child in by_id:
            by_id[child].setdefault("parent", parent)
    for team in teams:
        team["members"] = sorted(set(team["members"]))
    return notes


def _nearest(lines: dict[orgfile.Path, int], path: orgfile.Path) -> int:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)


def write_catalog(spec: OrgSpec, *, adr_location: str | None = None) -> str:
    """The directory as one multi-document catalog file. Each component's decision records are
    announced with ``backstage.io/adr-location``: its own "ADRs" link, else ``adr_location``."""
    docs: list[dict[str, Any]] = []

    def entity(
        kind: str,
        name: str,
        title: str,
        annotations: dict[str, str | None],
        spec_: dict[str, Any],
        **meta: Any,
    ) -> dict[str, Any]:
        metadata: dict[str, Any] = {"name": name, "title": title, **meta}
        kept = {k: v for k, v in annotations.items() if v}
        if kept:
            metadata["annotations"] = kept
        return {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": kind,
            "metadata": metadata,
            "spec": spec_,
        }

    for t in spec.teams:
        notes = {
            A + "lead": t.lead,
            A + "wip-limit": None if t.wip_limit is None else str(t.wip_limit),
            A + "successor": t.successor,
            A + "review-periods": ";".join(
                f"{k}={v}" for k, v in (t.agreement.get("review") or {}).items()
            )
            or None,
            A + "status-due": (t.agreement.get("status") or {}).get("due"),
            A + "handoff-escalate-after": (t.agreement.get("handoff") or {}).get("escalate_after"),
            A + "agreement": _rest_of(t.agreement),
            A + "charter": t.charter or None,
        }
        body: dict[str, Any] = {
            "type": "team",
            "profile": {"displayName": t.name},
            "children": sorted(c.id for c in spec.teams if c.parent == t.id),
            "members": t.members,
        }
        if t.parent:
            body["parent"] = t.parent
        about = {"description": t.description} if t.description else {}
        docs.append(entity("Group", t.id, t.name, notes, body, **about))
    for p in spec.people:
        windows = set(p.working_hours.values())
        notes = {A + "timezone": p.timezone, A + "workdays": ",".join(p.workdays) or None}
        if len(windows) == 1:
            notes[A + "working-hours"] = windows.pop()
        elif windows:
            notes[A + "working-hours"] = ";".join(f"{d}={w}" for d, w in p.working_hours.items())
        if p.holidays:
            notes[A + "holidays"] = p.holidays
        if p.roles:
            notes[A + "roles"] = ",".join(p.roles)
        if p.github:
            notes[USER_LOGIN] = p.github
        if p.emails:
            notes[A + "emails"] = ",".join(p.emails)
        profile = {"displayName": p.name, **({"email": p.email} if p.email else {})}
        member_of = sorted(t.id for t in spec.teams if p.id in t.members)
        docs.append(
            entity("User", p.id, p.name, notes, {"profile": profile, "memberOf": member_of})
        )
    for k in spec.components:
        notes = {
            A + "dri": k.dri,
            A + "maintainers": ",".join(k.maintainers),
            A + "criticality": k.criticality,
            PROJECT_SLUG: k.repos[0] if k.repos else None,
            A + "repos": ",".join(k.repos[1:]) or None,
            A + "paths": ",".join(k.paths) or None,
            A + "links-reviewed": json.dumps(
                {x.url: x.reviewed.isoformat() for x in k.links if x.reviewed}, sort_keys=True
            )
            if any(x.reviewed for x in k.links)
            else None,
            ADR_LOCATION: next(
                (x.url for x in k.links if x.title.strip().lower() in ADR_LINK_TITLES),
                adr_location,
            ),
        }
        body = {
            "type": "service",
            "lifecycle": "production",
            "owner": f"group:{k.owner}" if k.owner else (f"user:{k.dri}" if k.dri else "unknown"),
        }
        if k.system:
            body["system"] = k.system
        extra: dict[str, Any] = {}
        if k.description:
            extra["description"] = k.description
        if k.links:
            extra["links"] = [
                {"url": x.url, "title": x.title} if x.title else {"url": x.url} for x in k.links
            ]
        docs.append(entity("Component", k.id, k.name, notes, body, **extra))
    return yaml.safe_dump_all(docs, sort_keys=False, allow_unicode=True, width=100)


def _reviewed(text: object) -> dict[str, str]:
    """The links-reviewed annotation: {url: date}. Unreadable JSON gives no review dates; a
    bad date in it is named by the org-file checks the catalog's entries go through."""
    if not isinstance(text, str) or not text.strip():
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return {str(k): v for k, v in found.items()} if isinstance(found, dict) else {}
