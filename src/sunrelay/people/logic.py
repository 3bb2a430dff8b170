"""Plain values for the directory and the pure read model that time questions run on."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from typing import Any

from sunrelay.core.errors import NotFound
from sunrelay.worktime import (
    WEEKDAYS,
    Schedule,
    format_spans,
    parse_spans,
    parse_weekday,
    to_epoch,
    zone,
)

CRITICALITIES = ("low", "medium", "high", "critical")
DEFAULT_HOURS = "09:00-17:00"
DEFAULT_WORKDAYS = WEEKDAYS[:5]
SECTIONS = ("people", "teams", "components", "absences")


def normalize_hours(
    hours: str | dict[str, str | None], workdays: list[str] | None
) -> dict[str, str]:
    """Working hours as one canonical mapping {weekday: "HH:MM-HH:MM"}, Monday first,
    holding only the days worked. Raises ValueError naming the bad value."""
    per_day: dict[int, str] = {}
    if isinstance(hours, str):
        spans = format_spans(parse_spans(hours))
        for day in workdays if workdays is not None else DEFAULT_WORKDAYS:
            per_day[parse_weekday(day)] = spans
    else:
        keep = None if workdays is None else {parse_weekday(d) for d in workdays}
        for day, text in hours.items():
            index = parse_weekday(day)
            if text and (keep is None or index in keep):
                per_day[index] = format_spans(parse_spans(text))
    return {WEEKDAYS[i]: per_day[i] for i in sorted(per_day)}


@dataclass
class PersonSpec:
    id: str
    name: str
    timezone: str
    email: str = ""
    working_hours: dict[str, str] = field(
        default_factory=lambda: normalize_hours(DEFAULT_HOURS, None)
    )
    holidays: str | None = None
    roles: list[str] = field(default_factory=list)
    github: str = ""  # the GitHub login
    emails: list[str] = field(default_factory=list)  # other addresses their commits carry
    start_date: date | None = None  # their first day: an onboarding programme starts from it

    @property
    def workdays(self) -> list[str]:
        return list(self.working_hours)

    def schedule(self, absences: tuple[tuple[date, date], ...] = ()) -> Schedule:
        usual = _usual_schedule(self.timezone, tuple(self.working_hours.items()), self.holidays)
        return replace(usual, absences=tuple(sorted(absences))) if absences else usual


@functools.lru_cache(maxsize=4096)
def _usual_schedule(
    timezone: str, hours: tuple[tuple[str, str], ...], holidays: str | None
) -> Schedule:
    """Schedules are values: people who share zone, hours and holidays share one."""
    return Schedule.build(timezone, dict(hours), None, holidays)


@dataclass
class TeamSpec:
    id: str
    name: str
    lead: str | None = None
    members: list[str] = field(default_factory=list)
    wip_limit: int | None = None
    successor: str | None = None
    parent: str | None = None
    description: str = ""
    agreement: dict[str, Any] = field(default_factory=dict)  # {"review": {"adr": "3d"}}
    charter: str = ""  # Markdown: why the team exists, what it owns, how it works


@dataclass
class Link:
    url: str
    title: str = ""
    reviewed: date | None = None  # when someone last checked it is still true


@dataclass
class ComponentSpec:
    id: str
    name: str
    owner: str | None = None
    dri: str | None = None
    maintainers: list[str] = field(default_factory=list)
    criticality: str = "medium"
    links: list[Link] = field(default_factory=list)
    system: str = ""
    description: str = ""
    repos: list[str] = field(default_factory=list)  # "owner/name" on GitHub
    paths: list[str] = field(default_factory=list)  # globs: its files in those repositories


@dataclass
class AbsenceSpec:
    person: str
    start: date
    end: date
    reason: str = ""


@dataclass
class OrgSpec:
    """A whole directory. ``sections`` names what the source declares: a section the source
    leaves out is left alone on import; a section it declares (even empty) is authoritative."""

    name: str = ""
    people: list[PersonSpec] = field(default_factory=list)
    teams: list[TeamSpec] = field(default_factory=list)
    components: list[ComponentSpec] = field(default_factory=list)
    absences: list[AbsenceSpec] = field(default_factory=list)
    sections: frozenset[str] = frozenset(SECTIONS)
    # Sections other domains add to the file (``schedules:``, …), as written: each domain
    # reads its own (see ``orgfile.register_section``).
    extra: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # the organisation's working agreement: the default of every team's (``organization:
    # {agreement: …}``); None when the source does not say, so an import leaves it alone
    agreement: dict[str, Any] | None = None
    # what each role means (``organization: {roles: {tech-lead: "…"}}``); None when unsaid
    roles: dict[str, str] | None = None


def absence_instants(timezone: str, first: date, last: date) -> tuple[int, int]:
    """An absence as epoch seconds: midnight of its first day to midnight after its last, on
    the person's own clock (so a daylight-saving change inside it counts as it happens)."""
    local = zone(timezone)
    return to_epoch(first, time(0), local), to_epoch(last + timedelta(days=1), time(0), local)


class Directory:
    """People, their absences and teams: everything a time question needs, nothing more."""

    def __init__(
        self,
        people: list[PersonSpec],
        teams: list[TeamSpec] = (),  # type: ignore[assignment]
        absences: list[AbsenceSpec] = (),  # type: ignore[assignment]
        *,
        schedules: dict[str, Schedule] | None = None,
    ):
        """``schedules``: a memo of working schedules to share, for directories cut from one
        read model (each person's absences are the same in all of them)."""
        self.people = {p.id: p for p in people}
        self.teams = {t.id: t for t in teams}
        self._absences: dict[str, list[tuple[date, date]]] = {}
        # per Directory (it dies with it), or the read model's
        self._schedules: dict[str, Schedule] = {} if schedules is None else schedules
        for a in absences:
            self._absences.setdefault(a.person, []).append((a.start, a.end))

    @classmethod
    def from_spec(cls, spec: OrgSpec) -> Directory:
        return cls(spec.people, spec.teams, spec.absences)

    def person(self, pid: str) -> PersonSpec:
        try:
            return self.people[pid]
        except KeyError:
            raise NotFound(f"no person with id {pid!r}", field="person") from None

    def team(self, tid: str) -> TeamSpec:
        try:
            return self.teams[tid]
        except KeyError:
            raise NotFound(f"no team with id {tid!r}", field="team") from None

    def schedule(self, pid: str) -> Schedule:
        # Not functools.cache: a cache on the method keeps every Directory alive for ever.
        found = self._schedules.get(pid)
        if found is None:
            absences = tuple(sorted(self._absences.get(pid, ())))
            found = self._schedules[pid] = self.person(pid).schedule(absences)
        return found

    def away(self) -> dict[str, list[tuple[int, int]]]:
        """Everyone's absences as epoch-second intervals (``absence_instants``)."""
        return {
            pid: [absence_instants(self.person(pid).timezone, a, b) for a, b in spans]
            for pid, spans in self._absences.items()
            if pid in self.people
        }

    def schedules(self, ids: list[str] | None = None) -> dict[str, Schedule]:
        return {pid: self.schedule(pid) for pid in (self.people if ids is None else ids)}

    def pods(self, tid: str) -> list[TeamSpec]:
        self.team(tid)
        return sorted((t for t in self.teams.values() if t.parent == tid), key=lambda t: t.id)

    def units(self, tid: str) -> list[tuple[str, list[str]]]:
        """The team's follow-the-sun units: its pods, or (without pods) its members one by
        one."""
        pods = self.pods(tid)
        if pods:
            return [(p.id, self.members(p.id)) for p in pods]
        return [(m, [m]) for m in self.members(tid)]

    def members(self, tid: str) -> list[str]:
        """Members of the team and of every pod below it, sorted and without repeats."""
        seen, todo, found = set(), [tid], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            found.update(self.team(current).members)
            todo.extend(t.id for t in self.pods(current))
        return sorted(found)


def agreement_chain(spec: OrgSpec, team: str | None) -> list[dict[str, Any]]:
    """The working agreements ``team`` works by, nearest first (its own, the teams above it,
    the organisation's), as ``people.queries.agreements`` reads them from the database."""
    teams = {t.id: t for t in spec.teams}
    chain: list[dict[str, Any]] = []
    seen: set[str] = set()
    current = teams.get(team or "")
    while current is not None and current.id not in seen:
        seen.add(current.id)
        chain.append(current.agreement or {})
        current = teams.get(current.parent or "")
    chain.append(spec.agreement or {})
    return chain


def gaps(spec: OrgSpec) -> list[tuple[str, str]]:
    """Ownership gaps the directory alone shows (seed 004: an owner for everything): a
    component without an owner team or a DRI, a team without a lead, a person in no team.
    Sections the source leaves out are not judged."""
    found: list[tuple[str, str]] = []
    if "components" in spec.sections:
        for c in spec.components:
            missing = [
                what for what, value in (("owner team", c.owner), ("DRI", c.dri)) if not value
            ]
            if missing:
                found.append((f"component {c.id}", f"has no {' and no '.join(missing)}"))
    if "teams" in spec.sections:
        for t in spec.teams:
            if not t.lead:
                found.append((f"team {t.id}", "has no lead"))
        if "people" in spec.sections:
            placed = {m for t in spec.teams for m in t.members} | {
                t.lead for t in spec.teams if t.lead
            }
            for p in spec.people:
                if p.id not in placed:
                    found.append((f"person {p.id}", "is in no team"))
    return found
