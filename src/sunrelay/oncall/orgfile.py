"""The on-call sections of ``org.yaml``: ``schedules:``, ``escalation_policies:`` and
``alert_routes:``. Registered with the people domain's org-file reader so ``org lint`` checks
them (references included) in the same pass as the rest of the file. Pure."""

from __future__ import annotations

from sunrelay.core.errors import NotFound
from sunrelay.oncall import roster, specs
from sunrelay.oncall.agreement import covers_next
from sunrelay.oncall.specs import ScheduleSpec
from sunrelay.people.logic import Directory, OrgSpec, TeamSpec
from sunrelay.people.orgfile import Known, Path, Section, register_gaps, register_section

Problems = list[tuple[Path, str]]


def _refs(values: list[tuple[Path, object]], known: dict[str, Path] | None, kind: str) -> Problems:
    if known is None:
        return []
    return [
        (where, f"{value!r} is not a {kind} in this file")
        for where, value in values
        if value is not None and str(value) not in known
    ]


def check_schedule(item: dict, path: Path, known: Known) -> Problems:
    spec, problems = specs.parse_schedule(item, path)
    if spec is None:
        return problems
    teams: list[tuple[Path, object]] = [((*path, "team"), item.get("team"))]
    people: list[tuple[Path, object]] = []
    for i, layer in enumerate(item["layers"]):
        teams.append(((*path, "layers", i, "team"), layer.get("team")))
        for j, pid in enumerate(layer.get("participants") or []):
            people.append(((*path, "layers", i, "participants", j), pid))
    return _refs(teams, known.get("teams"), "team") + _refs(people, known.get("people"), "person")


def check_policy(item: dict, path: Path, known: Known) -> Problems:
    spec, problems = specs.parse_policy(item, path)
    if spec is None:
        return problems
    found = _refs([((*path, "team"), item.get("team"))], known.get("teams"), "team")
    sections = {"schedule": "schedules", "person": "people", "team": "teams"}
    for i, step in enumerate(spec.steps):
        where = (*path, "steps", i, "notify", step.target)
        found += _refs([(where, step.id)], known.get(sections[step.target]), step.target)
    return found


def check_route(item: dict, path: Path, known: Known) -> Problems:
    spec, problems = specs.parse_route(item, path)
    if spec is None:
        return problems
    return _refs([((*path, "component"), spec.component)], known.get("components"), "component")


# components this critical are paged for: their owner team needs an on-call schedule
NEEDS_ON_CALL = ("high", "critical")


def without_on_call(spec: OrgSpec) -> list[tuple[str, str]]:
    """The gap ``org lint`` warns about: a high or critical component whose owner team has
    no on-call schedule. Judged only when the source declares its schedules."""
    if "schedules" not in spec.extra:
        return []
    covered = {str(s.get("team")) for s in spec.extra["schedules"] if s.get("team")}
    return [
        (
            f"component {c.id}",
            f"is {c.criticality} but its owner team {c.owner} has no on-call schedule",
        )
        for c in spec.components
        if c.criticality in NEEDS_ON_CALL and c.owner and c.owner not in covered
    ]


register_section(Section("schedules", check_schedule))
register_section(Section("escalation_policies", check_policy))
register_section(Section("alert_routes", check_route))
register_gaps(without_on_call)


def read_schedule(spec: OrgSpec, schedule: str) -> ScheduleSpec:
    """The named schedule of an org file. Raises NotFound."""
    for i, item in enumerate(spec.extra.get("schedules", [])):
        if str(item.get("id")) == schedule:
            found, _problems = specs.parse_schedule(item, ("schedules", i))
            if found is not None:
                return found
    raise NotFound(f"no on-call schedule with id {schedule!r} in the file", field="schedule")


def roster_from_file(spec: OrgSpec, schedule: str, a: int, b: int) -> roster.Roster:
    """The final roster of a schedule straight from an org file (no overrides: those live in
    the hub)."""
    found = read_schedule(spec, schedule)
    directory = Directory.from_spec(spec)
    teams = {layer.team for layer in found.layers if layer.team}
    for team in teams:
        directory.team(team)
    units = {team: directory.units(team) for team in teams}
    owner = spec_team(spec, found.team)
    return roster.compute(
        found,
        a,
        b,
        units=units,
        schedules=directory.schedules(),
        away=directory.away(),
        cover_next=covers_next(owner.agreement if owner else None),
    )


def spec_team(spec: OrgSpec, team: str | None) -> TeamSpec | None:
    return next((t for t in spec.teams if t.id == team), None)
