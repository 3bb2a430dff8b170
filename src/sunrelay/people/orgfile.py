"""``org.yaml``: read it with line numbers, find every problem in one pass, build, write.

The same checks serve every source: an org file, a Backstage catalog converted to the same
shape (whose locations point back into the catalog files), and single API or CLI writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from sunrelay.people import failure
from sunrelay.people.logic import (
    CRITICALITIES,
    DEFAULT_HOURS,
    SECTIONS,
    AbsenceSpec,
    ComponentSpec,
    Link,
    OrgSpec,
    PersonSpec,
    TeamSpec,
    normalize_hours,
)
from sunrelay.people.logic import gaps as gaps_in_directory
from sunrelay.worktime import (
    WEEKDAYS,
    check_code,
    is_zone,
    parse_period,
    parse_spans,
    parse_weekday,
    parse_weekly_time,
)

Path = tuple[str | int, ...]
Where = tuple[str, int]  # file, 1-based line

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^(https?|mailto):\S+$")
GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(\[bot\])?$")
REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")

TOP_KEYS = {"version", "organization", *SECTIONS}
PERSON_KEYS = {
    "id",
    "name",
    "email",
    "timezone",
    "working_hours",
    "workdays",
    "holidays",
    "roles",
    "github",
    "emails",
    "start_date",
}
TEAM_KEYS = {
    "id",
    "name",
    "lead",
    "members",
    "wip_limit",
    "successor",
    "parent",
    "description",
    "agreement",
    "charter",
}
REVIEW_KINDS = ("adr", "rfc", "design-doc")
AGREEMENT_KEYS: dict[str, dict[str, Callable[[object], object]]] = {
    "review": dict.fromkeys(REVIEW_KINDS, parse_period),
    "status": {"due": parse_weekly_time, "ask_within": parse_period, "risk_within": parse_period},
    "handoff": {"escalate_after": parse_period},
    "failure": failure.RULES,
}
COMPONENT_KEYS = {
    "id",
    "name",
    "owner",
    "dri",
    "maintainers",
    "criticality",
    "links",
    "system",
    "description",
    "repos",
    "paths",
}
ABSENCE_KEYS = {"person", "from", "to", "reason"}

# What a section checker is told: the ids each section of the file declares, or None for a
# section the file leaves out (references into it are resolved on import instead).
Known = dict[str, dict[str, Path] | None]


@dataclass(frozen=True)
class Section:
    """A top-level section another domain adds to the file. ``check`` returns the problems of
    one entry, each with its path; the domain reads the entries itself from ``OrgSpec.extra``.
    Higher domains register here so this module never imports them."""

    key: str
    check: Callable[[dict, Path, Known], list[tuple[Path, str]]]


EXTRA_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    EXTRA_SECTIONS[section.key] = section


def register_agreement(key: str, rules: dict[str, Callable[[object], object]]) -> None:
    """Let a domain add keys to the teams' working agreement (``incident: {…}``), or names
    to a section another owns (``review: {pr: …}``)."""
    AGREEMENT_KEYS[key] = {**AGREEMENT_KEYS.get(key, {}), **rules}


# What ``org lint`` warns about without refusing the file: ownership and knowledge gaps. The
# directory's own are in ``logic.gaps``; a domain adds its own (who has no on-call, …).
GapCheck = Callable[[OrgSpec], list[tuple[str, str]]]
GAP_CHECKS: list[GapCheck] = []


def register_gaps(check: GapCheck) -> None:
    if check not in GAP_CHECKS:
        GAP_CHECKS.append(check)


def gaps(spec: OrgSpec) -> list[tuple[str, str]]:
    """(where, what) for every gap the directory and the registered domains see, in order of
    where: a component's gaps together."""
    found = gaps_in_directory(spec)
    for check in GAP_CHECKS:
        found += check(spec)
    return sorted(found)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path}: {self.message}"


class OrgFileInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


class _Loader(_BaseLoader):
    """YAML 1.1 without its yes/no/on/off booleans, so Norway ('NO') stays a country."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _lines(node: yaml.Node, path: Path, out: dict[Path, int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            _lines(value, child, out)
            out[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, (*path, i), out)


MAX_DEPTH = 64  # no real org file nests deeper than a dozen levels


def _check_size(root: yaml.Node, filename: str) -> None:
    """Refuse a document whose aliases would expand it far beyond its own size ("billion
    laughs": a 318-byte file that expands to 10^9 nodes), or that refers to itself, or nests
    absurdly deep, before anything walks or builds the expanded tree. Aliases real files use
    (shared hours, shared links) expand a little and pass. Raises OrgFileInvalid."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def refuse(node: yaml.Node, message: str) -> OrgFileInvalid:
        line = node.start_mark.line + 1
        return OrgFileInvalid([Problem(filename, line, "(file)", message)])

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise refuse(node, "an alias refers to the node that contains it")
        if depth > MAX_DEPTH:
            raise refuse(node, f"nested more than {MAX_DEPTH} levels deep")
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        active.discard(key)
        sizes[key] = total
        return total

    expanded = size(root, 0)
    if expanded > 10 * len(sizes) + 10_000:
        raise refuse(root, f"aliases expand this document to {expanded:,} values; refused")


def load_documents(text: str, filename: str) -> list[tuple[Any, dict[Path, int]]]:
    """Every YAML document in ``text`` with a map from path to line. Raises OrgFileInvalid."""
    try:
        loader = _Loader(text)
        try:
            docs = []
            while loader.check_node():
                node = loader.get_node()
                assert node is not None  # check_node() said there is one
                _check_size(node, filename)
                lines: dict[Path, int] = {}
                _lines(node, (), lines)
                docs.append((loader.construct_document(node), lines))
            return docs
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise OrgFileInvalid(
            [Problem(filename, line, "(file)", f"not valid YAML: {problem}")]
        ) from None


def path_text(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


class Checker:
    """Collects problems; each names the file and line where the bad value stands."""

    def __init__(self, where: Callable[[Path], Where]):
        self.where = where
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        file, line = self.where(path)
        self.problems.append(Problem(file, line, path_text(path), message))

    def string(self, item: dict, path: Path, key: str, *, required: bool = False) -> str | None:
        value = item.get(key)
        if value is None:
            if required:
                self.add(path, f"'{key}' is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add((*path, key), f"must be text, not {type(value).__name__}")
            return None
        if required and not str(value).strip():
            self.add((*path, key), f"'{key}' cannot be empty")
            return None
        return str(value)

    def strings(self, item: dict, path: Path, key: str) -> list[str]:
        value = item.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add((*path, key), "must be a list")
            return []
        out = []
        for i, v in enumerate(value):
            if isinstance(v, str | int) and not isinstance(v, bool):
                out.append(str(v))
            else:
                self.add((*path, key, i), f"must be text, not {type(v).__name__}")
        return out

    def keys(self, item: dict, path: Path, allowed: set[str]) -> None:
        for key in item:
            if key not in allowed:
                self.add(
                    (*path, key), f"unknown field (expected one of: {', '.join(sorted(allowed))})"
                )

    def ident(self, item: dict, path: Path) -> str | None:
        value = self.string(item, path, "id", required=True)
        if value is not None and not ID.match(value):
            self.add((*path, "id"), f"{value!r} is not an id (letters, digits, '.', '_', '-')")
            return None
        return value


def check_person(c: Checker, item: dict, path: Path) -> None:
    c.keys(item, path, PERSON_KEYS)
    c.ident(item, path)
    c.string(item, path, "name", required=True)
    email = c.string(item, path, "email")
    if email and not EMAIL.match(email):
        c.add((*path, "email"), f"{email!r} is not an email address")
    tz = c.string(item, path, "timezone", required=True)
    if tz is not None and not is_zone(tz):
        c.add((*path, "timezone"), f"{tz!r} is not an IANA time zone")
    if item.get("start_date") is not None:
        try:
            as_date(item["start_date"])
        except (ValueError, TypeError):
            c.add((*path, "start_date"), "must be a date like 2026-12-01")
    workdays = c.strings(item, path, "workdays") if "workdays" in item else None
    seen: set[int] = set()
    for i, day in enumerate(workdays or []):
        try:
            index = parse_weekday(day)
        except ValueError as exc:
            c.add((*path, "workdays", i), str(exc))
            continue
        if index in seen:
            c.add((*path, "workdays", i), f"{day!r} is listed twice")
        seen.add(index)
    hours = item.get("working_hours", DEFAULT_HOURS)
    if isinstance(hours, str):
        _check_spans(c, (*path, "working_hours"), hours)
    elif isinstance(hours, dict):
        for day, text in hours.items():
            try:
                index = parse_weekday(str(day))
            except ValueError as exc:
                c.add((*path, "working_hours", day), str(exc))
                continue
            if text is not None:
                _check_spans(c, (*path, "working_hours", day), text)
            if workdays is not None and index in seen and not text:
                c.add((*path, "working_hours", day), f"'{day}' is a workday but has no window")
        if workdays is not None:
            days = {parse_weekday(str(d)) for d in hours if _is_weekday(d)}
            for i, day in enumerate(workdays):
                if _is_weekday(day) and parse_weekday(day) not in days:
                    c.add((*path, "workdays", i), f"'{day}' has no window in working_hours")
    else:
        c.add(
            (*path, "working_hours"), "must be a window like '09:00-17:00' or a mapping by weekday"
        )
    holidays = item.get("holidays")
    if holidays is not None:
        problem = (
            check_code(holidays)
            if isinstance(holidays, str)
            else "must be text like 'BR' or 'US-CA'"
        )
        if problem:
            c.add((*path, "holidays"), problem)
    c.strings(item, path, "roles")
    login = c.string(item, path, "github")
    if login and not GITHUB_LOGIN.match(login):
        c.add((*path, "github"), f"{login!r} is not a GitHub login")
    for i, address in enumerate(c.strings(item, path, "emails")):
        if not EMAIL.match(address):
            c.add((*path, "emails", i), f"{address!r} is not an email address")


def _is_weekday(day: object) -> bool:
    try:
        parse_weekday(str(day))
    except ValueError:
        return False
    return True


def _check_spans(c: Checker, path: Path, text: object) -> None:
    try:
        parse_spans(str(text) if isinstance(text, str) else text)  # type: ignore[arg-type]
    except ValueError as exc:
        c.add(path, str(exc))


def check_team(c: Checker, item: dict, path: Path) -> None:
    c.keys(item, path, TEAM_KEYS)
    c.ident(item, path)
    c.string(item, path, "name", required=True)
    for key in ("lead", "successor", "parent", "description", "charter"):
        c.string(item, path, key)
    c.strings(item, path, "members")
    wip = item.get("wip_limit")
    if wip is not None and (isinstance(wip, bool) or not isinstance(wip, int) or wip < 1):
        c.add((*path, "wip_limit"), f"must be a whole number of at least 1, not {wip!r}")
    if "agreement" in item:
        _check_agreement(c, item["agreement"], (*path, "agreement"))


def _check_agreement(c: Checker, agreement: object, path: Path) -> None:
    """The team's working agreement: review periods per kind of decision record, when the
    weekly status update is due, how long a hand-off may wait before the lead hears."""
    if not isinstance(agreement, dict):
        c.add(path, "must be a mapping, e.g. {review: {adr: 3d}}")
        return
    for key in agreement:
        if key not in AGREEMENT_KEYS:
            expected = ", ".join(sorted(AGREEMENT_KEYS))
            c.add((*path, str(key)), f"unknown agreement key; expected one of: {expected}")
    for key, rules in AGREEMENT_KEYS.items():
        section = agreement.get(key)
        if section is None:
            continue
        if not isinstance(section, dict):
            c.add((*path, key), f"must be a mapping of {', '.join(rules)}")
            continue
        for name, value in section.items():
            where = (*path, key, str(name))
            if name not in rules:
                c.add(where, f"unknown key; expected one of: {', '.join(sorted(rules))}")
                continue
            try:
                rules[name](value)
            except ValueError as exc:
                c.add(where, str(exc))


def check_component(c: Checker, item: dict, path: Path) -> None:
    c.keys(item, path, COMPONENT_KEYS)
    c.ident(item, path)
    c.string(item, path, "name", required=True)
    for key in ("owner", "dri", "system", "description"):
        c.string(item, path, key)
    c.strings(item, path, "maintainers")
    for i, repo in enumerate(c.strings(item, path, "repos")):
        if not REPO.match(repo):
            c.add((*path, "repos", i), f"{repo!r} is not a GitHub repository like 'owner/name'")
    for i, glob in enumerate(c.strings(item, path, "paths")):
        if not glob.strip() or glob.startswith("/") or ".." in glob.split("/"):
            c.add((*path, "paths", i), f"{glob!r} is not a path glob inside a repository")
    crit = c.string(item, path, "criticality")
    if crit is not None and crit not in CRITICALITIES:
        c.add((*path, "criticality"), f"{crit!r} is not one of {', '.join(CRITICALITIES)}")
    links = item.get("links", [])
    if not isinstance(links, list):
        c.add((*path, "links"), "must be a list of {url, title}")
        return
    for i, link in enumerate(links):
        url = link.get("url") if isinstance(link, dict) else link
        if not isinstance(url, str) or not URL.match(url):
            c.add((*path, "links", i), f"{url!r} is not an http(s) or mailto URL")
        if isinstance(link, dict):
            extra = sorted(set(link) - {"url", "title", "reviewed"}, key=str)
            for key in extra:
                c.add((*path, "links", i, key), "unknown key; expected url, title, reviewed")
            if link.get("reviewed") is not None:
                try:
                    as_date(link["reviewed"])
                except (ValueError, TypeError):
                    c.add((*path, "links", i, "reviewed"), "must be a date like 2026-10-01")


def check_absence(c: Checker, item: dict, path: Path) -> tuple[date, date] | None:
    c.keys(item, path, ABSENCE_KEYS)
    c.string(item, path, "person", required=True)
    c.string(item, path, "reason")
    days = []
    for key in ("from", "to"):
        value = item.get(key)
        try:
            days.append(as_date(value))
        except ValueError:
            c.add(
                (*path, key) if key in item else path,
                f"'{key}' must be a date like 2026-12-21" + ("" if key in item else " (missing)"),
            )
    if len(days) == 2 and days[1] < days[0]:
        c.add((*path, "to"), f"ends ({days[1]}) before it starts ({days[0]})")
    return (days[0], days[1]) if len(days) == 2 else None


def as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise ValueError(value)


def _entries(c: Checker, data: dict, key: str) -> list[tuple[Path, dict]]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        c.add((key,), "must be a list")
        return []
    out: list[tuple[Path, dict]] = []
    for i, item in enumerate(value):
        if isinstance(item, dict):
            out.append(((key, i), item))
        else:
            c.add((key, i), "must be a mapping")
    return out


def lint(data: Any, where: Callable[[Path], Where]) -> list[Problem]:
    """Every problem in an org document, in file order."""
    c = Checker(where)
    if not isinstance(data, dict):
        c.add((), "the file must be a mapping with version, organization, people, teams, …")
        return c.problems
    c.keys(data, (), TOP_KEYS | set(EXTRA_SECTIONS))
    if data.get("version", 1) != 1:
        c.add(("version",), f"version {data.get('version')!r} is not supported (use 1)")
    org = data.get("organization", {})
    if not isinstance(org, dict) or not isinstance(org.get("name", ""), str):
        c.add(("organization",), "must be a mapping like {name: Acme}")
    else:
        c.keys(org, ("organization",), {"name", "agreement", "roles"})
        if "agreement" in org:  # the default of every team's agreement
            _check_agreement(c, org["agreement"], ("organization", "agreement"))
        roles = org.get("roles", {})
        if not isinstance(roles, dict) or not all(
            isinstance(k, str) and ID.match(k) and isinstance(v, str) for k, v in roles.items()
        ):
            c.add(("organization", "roles"), "must map role ids to what they mean, as text")
    entries = {key: _entries(c, data, key) for key in SECTIONS}
    checks = {"people": check_person, "teams": check_team, "components": check_component}
    ids: dict[str, dict[str, Path]] = {}
    for key, check in checks.items():
        ids[key] = {}
        for path, item in entries[key]:
            check(c, item, path)
            ident = item.get("id")
            if isinstance(ident, str | int) and not isinstance(ident, bool):
                if str(ident) in ids[key]:
                    first = where(ids[key][str(ident)])
                    c.add((*path, "id"), f"duplicate id {ident!r} (first at line {first[1]})")
                else:
                    ids[key][str(ident)] = path
    # A reference into a section the file does not declare is resolved on import instead.
    people = ids["people"] if "people" in data else None
    teams = ids["teams"] if "teams" in data else None

    def ref(item: dict, path: Path, key: str, known: dict[str, Path] | None, kind: str) -> None:
        if known is None:
            return
        value = item.get(key)
        values = value if isinstance(value, list) else [value]
        for i, v in enumerate(values):
            if isinstance(v, str | int) and not isinstance(v, bool) and str(v) not in known:
                at = (*path, key, i) if isinstance(value, list) else (*path, key)
                c.add(at, f"{v!r} is not a {kind} in this file")

    for path, item in entries["teams"]:
        ref(item, path, "lead", people, "person")
        ref(item, path, "members", people, "person")
        ref(item, path, "successor", teams, "team")
        ref(item, path, "parent", teams, "team")
        if item.get("successor") is not None and item.get("successor") == item.get("id"):
            c.add((*path, "successor"), "a team cannot hand over to itself")
    _check_parent_cycles(c, entries["teams"])
    _check_unique(c, entries["people"], ("github", "emails", "email"), "person", where)
    _check_unique(c, entries["components"], ("repos",), "component", where)
    for path, item in entries["components"]:
        ref(item, path, "owner", teams, "team")
        ref(item, path, "dri", people, "person")
        ref(item, path, "maintainers", people, "person")
    for path, item in entries["absences"]:
        check_absence(c, item, path)
        ref(item, path, "person", people, "person")
    _check_extra(c, data, ids)
    return sorted(c.problems, key=lambda p: (p.file, p.line))


def _check_unique(
    c: Checker,
    entries: list[tuple[Path, dict]],
    keys: tuple[str, ...],
    kind: str,
    where: Callable[[Path], Where],
) -> None:
    """An identity (a GitHub login, a commit address, a repository) names one entry only, so
    that what it maps to is never a guess. Case does not matter, as on GitHub."""
    seen: dict[str, Path] = {}
    for path, item in entries:
        mine: set[str] = set()
        for key in keys:
            value = item.get(key)
            values = value if isinstance(value, list) else [value]
            for i, v in enumerate(values):
                if not isinstance(v, str) or not v:
                    continue
                at = (*path, key, i) if isinstance(value, list) else (*path, key)
                folded = v.casefold()
                if folded in seen and folded not in mine:
                    line = where(seen[folded])[1]
                    c.add(at, f"{v!r} is already another {kind}'s (line {line})")
                seen.setdefault(folded, at)
                mine.add(folded)


def _check_extra(c: Checker, data: dict, ids: dict[str, dict[str, Path]]) -> None:
    entries = {key: _entries(c, data, key) for key in EXTRA_SECTIONS if key in data}
    known: Known = {key: (found if key in data else None) for key, found in ids.items()}
    for key, items in entries.items():
        found: dict[str, Path] = {}
        for path, item in items:
            ident = item.get("id")
            if isinstance(ident, str | int) and not isinstance(ident, bool):
                if str(ident) in found:
                    c.add((*path, "id"), f"duplicate id {ident!r}")
                found[str(ident)] = path
        known[key] = found
    for key, items in entries.items():
        for path, item in items:
            for where, message in EXTRA_SECTIONS[key].check(item, path, known):
                c.add(where, message)


def _check_parent_cycles(c: Checker, teams: list[tuple[Path, dict]]) -> None:
    parent = {str(t.get("id")): str(t["parent"]) for _, t in teams if t.get("parent") is not None}
    for path, item in teams:
        seen, current = set(), str(item.get("id"))
        while current in parent and current not in seen:
            seen.add(current)
            current = parent[current]
        if current == str(item.get("id")) and seen:
            c.add((*path, "parent"), "team parents form a cycle")


def _plain(value: Any) -> Any:
    """An agreement as JSON keeps it: YAML's dates (``on: 2027-01-04``) become ISO text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def build(data: dict) -> OrgSpec:
    """An OrgSpec from a document that ``lint`` found no problem in."""

    def opt(value: Any) -> str | None:
        return None if value is None else str(value)

    def strs(value: Any) -> list[str]:
        return [str(v) for v in value or []]

    people = [
        PersonSpec(
            id=str(p["id"]),
            name=str(p["name"]),
            email=str(p.get("email") or ""),
            timezone=str(p["timezone"]),
            working_hours=normalize_hours(
                p.get("working_hours", DEFAULT_HOURS),
                strs(p["workdays"]) if "workdays" in p else None,
            ),
            holidays=opt(p.get("holidays")),
            roles=strs(p.get("roles")),
            github=str(p.get("github") or ""),
            emails=strs(p.get("emails")),
            start_date=as_date(p["start_date"]) if p.get("start_date") else None,
        )
        for p in data.get("people") or []
    ]
    teams = [
        TeamSpec(
            id=str(t["id"]),
            name=str(t["name"]),
            lead=opt(t.get("lead")),
            members=sorted(set(strs(t.get("members")))),  # membership is a set
            wip_limit=t.get("wip_limit"),
            successor=opt(t.get("successor")),
            parent=opt(t.get("parent")),
            description=str(t.get("description") or ""),
            agreement=_plain(dict(t.get("agreement") or {})),
            charter=str(t.get("charter") or ""),
        )
        for t in data.get("teams") or []
    ]
    components = [
        ComponentSpec(
            id=str(k["id"]),
            name=str(k["name"]),
            owner=opt(k.get("owner")),
            dri=opt(k.get("dri")),
            maintainers=sorted(set(strs(k.get("maintainers")))),
            criticality=str(k.get("criticality") or "medium"),
            links=[
                Link(
                    url=x["url"],
                    title=str(x.get("title") or ""),
                    reviewed=as_date(x["reviewed"]) if x.get("reviewed") else None,
                )
                if isinstance(x, dict)
                else Link(x)
                for x in k.get("links") or []
            ],
            system=str(k.get("system") or ""),
            description=str(k.get("description") or ""),
            repos=strs(k.get("repos")),
            paths=strs(k.get("paths")),
        )
        for k in data.get("components") or []
    ]
    absences = [
        AbsenceSpec(
            str(a["person"]), as_date(a["from"]), as_date(a["to"]), str(a.get("reason") or "")
        )
        for a in data.get("absences") or []
    ]
    org = data.get("organization") or {}
    sections = frozenset(key for key in (*SECTIONS, *EXTRA_SECTIONS) if key in data)
    extra = {key: list(data.get(key) or []) for key in EXTRA_SECTIONS if key in data}
    return OrgSpec(
        str(org.get("name") or ""),
        people,
        teams,
        components,
        absences,
        sections,
        extra,
        agreement=_plain(dict(org.get("agreement") or {})) if "agreement" in org else None,
        roles=dict(org.get("roles") or {}) if "roles" in org else None,
    )


def parse(text: str, filename: str = "org.yaml") -> OrgSpec:
    """Read an org file. Raises OrgFileInvalid with every problem found."""
    docs = load_documents(text, filename)
    if len(docs) != 1:
        raise OrgFileInvalid([Problem(filename, 1, "(file)", "expected exactly one YAML document")])
    data, lines = docs[0]
    problems = lint(data, lambda path: (filename, _nearest(lines, path)))
    if problems:
        raise OrgFileInvalid(problems)
    return build(data)


def _nearest(lines: dict[Path, int], path: Path) -> int:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)


class _Dumper(yaml.SafeDumper):
    pass


def _list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    flow = all(isinstance(v, str | int) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(list, _list)


def to_data(spec: OrgSpec) -> dict[str, Any]:
    """The canonical org document for ``spec``: explicit, stable order, no empty fields."""

    def person(p: PersonSpec) -> dict[str, Any]:
        out: dict[str, Any] = {"id": p.id, "name": p.name}
        if p.email:
            out["email"] = p.email
        out["timezone"] = p.timezone
        windows = set(p.working_hours.values())
        if len(windows) == 1:
            out["working_hours"] = windows.pop()
            out["workdays"] = p.workdays
        elif windows:
            out["working_hours"] = dict(p.working_hours)
        else:
            out["working_hours"] = DEFAULT_HOURS
            out["workdays"] = []
        if p.holidays:
            out["holidays"] = p.holidays
        if p.roles:
            out["roles"] = p.roles
        if p.github:
            out["github"] = p.github
        if p.emails:
            out["emails"] = p.emails
        if p.start_date:
            out["start_date"] = p.start_date
        return out

    def compact(values: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in values.items() if v not in (None, "", [])}

    teams = [
        compact(
            {
                "id": t.id,
                "name": t.name,
                "lead": t.lead,
                "members": t.members,
                "wip_limit": t.wip_limit,
                "parent": t.parent,
                "successor": t.successor,
                "description": t.description,
                "agreement": t.agreement or None,
                "charter": t.charter or None,
            }
        )
        for t in spec.teams
    ]
    components = [
        compact(
            {
                "id": k.id,
                "name": k.name,
                "owner": k.owner,
                "dri": k.dri,
                "maintainers": k.maintainers,
                "criticality": None if k.criticality == "medium" else k.criticality,
                "system": k.system,
                "description": k.description,
                "links": [
                    compact({"url": x.url, "title": x.title, "reviewed": x.reviewed})
                    for x in k.links
                ],
                "repos": k.repos,
                "paths": k.paths,
            }
        )
        for k in spec.components
    ]
    absences = [
        compact({"person": a.person, "from": a.start, "to": a.end, "reason": a.reason})
        for a in spec.absences
    ]
    return {
        "version": 1,
        "organization": compact(
            {"name": spec.name, "agreement": spec.agreement or None, "roles": spec.roles or None}
        ),
        "people": [person(p) for p in spec.people],
        "teams": teams,
        "components": components,
        "absences": absences,
        **{key: spec.extra[key] for key in EXTRA_SECTIONS if spec.extra.get(key)},
    }


def dump(spec: OrgSpec) -> str:
    return yaml.dump(to_data(spec), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


__all__ = ["WEEKDAYS", "OrgFileInvalid", "Problem", "build", "dump", "lint", "parse", "to_data"]
