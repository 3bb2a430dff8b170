"""On-call definitions as plain values, read from the org-file shape (``schedules:``,
``escalation_policies:``, ``alert_routes:``). Pure: the hub, the API, ``org.yaml`` and the
offline CLI all go through these parsers, so a definition means the same thing everywhere.

A parser returns the value and every problem it found, each with the path of the offending key,
so ``org lint`` reports them all in one pass and an API write names the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sunrelay.worktime import Schedule, is_zone, parse_duration, parse_spans, parse_weekday

Path = tuple[str | int, ...]
Problems = list[tuple[Path, str]]

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
_SHIFT = re.compile(r"^\s*(\d+)\s*(h|d|w)\s*$")
_WORDS = {"hourly": "1h", "daily": "1d", "weekly": "1w"}
ROTATION, FOLLOW_THE_SUN = "rotation", "follow-the-sun"
LAYER_TYPES = (ROTATION, FOLLOW_THE_SUN)
TARGETS = ("schedule", "person", "team")
SCHEDULE_KEYS = {"id", "name", "team", "timezone", "layers"}
LAYER_KEYS = {"name", "type", "participants", "shift", "start", "handoff", "timezone"}
LAYER_KEYS |= {"restrictions", "team"}
POLICY_KEYS = {"id", "name", "team", "steps", "repeat"}
ROUTE_KEYS = {"match", "component"}


@dataclass(frozen=True)
class ShiftLength:
    amount: int
    unit: str  # "h", "d" or "w"

    def wall_clock(self) -> timedelta:
        """Shifts are measured on the wall clock of the layer's zone, so hand-offs keep their
        local time across daylight-saving changes."""
        hours = {"h": 1, "d": 24, "w": 168}[self.unit]
        return timedelta(hours=self.amount * hours)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


@dataclass(frozen=True)
class Layer:
    name: str
    kind: str = ROTATION
    participants: tuple[str, ...] = ()
    shift: ShiftLength = ShiftLength(1, "w")
    start: datetime = datetime(2026, 1, 5, 9, 0)  # noqa: DTZ001 - wall-clock time in ``timezone``
    timezone: str = "UTC"
    restrictions: Schedule | None = None  # windows in ``timezone`` when the layer applies
    team: str | None = None  # follow-the-sun: whose pods (or members) cover


@dataclass(frozen=True)
class ScheduleSpec:
    id: str
    name: str
    timezone: str
    layers: tuple[Layer, ...]
    team: str | None = None

    def people(self) -> list[str]:
        return sorted({p for layer in self.layers for p in layer.participants})


@dataclass(frozen=True)
class Step:
    target: str  # "schedule", "person" or "team"
    id: str
    wait: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class PolicySpec:
    id: str
    name: str
    steps: tuple[Step, ...]
    repeat: int = 0  # how many more times the whole ladder runs
    team: str | None = None


@dataclass(frozen=True)
class Matcher:
    label: str
    value: str
    regex: bool = False

    def matches(self, labels: dict[str, str]) -> bool:
        found = labels.get(self.label)
        if found is None:
            return False
        return bool(re.fullmatch(self.value, found)) if self.regex else found == self.value


@dataclass(frozen=True)
class RouteSpec:
    component: str
    match: tuple[Matcher, ...] = field(default=())

    def matches(self, labels: dict[str, str]) -> bool:
        return all(m.matches(labels) for m in self.match)


def _unknown(item: dict, allowed: set[str], path: Path, out: Problems) -> None:
    for key in item:
        if key not in allowed:
            out.append(((*path, str(key)), f"unknown key; expected one of {sorted(allowed)}"))


def _ident(item: dict, key: str, path: Path, out: Problems, *, required: bool = True) -> str:
    value = item.get(key)
    if value is None:
        if required:
            out.append(((*path, key), "is required"))
        return ""
    if isinstance(value, bool) or not ID.match(str(value)):
        out.append(((*path, key), f"{value!r} is not an id (letters, digits, '.', '_', '-')"))
        return ""
    return str(value)


def parse_shift(text: object) -> ShiftLength:
    """'8h', '1d', '2w', or hourly / daily / weekly. Raises ValueError."""
    raw = _WORDS.get(str(text).strip().lower(), str(text))
    match = _SHIFT.match(raw)
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a shift length like '12h', '1d', '1w' or 'weekly'")
    return ShiftLength(int(match.group(1)), match.group(2))


def _time_of_day(text: object) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(text).strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"{text!r} is not a time of day like '09:00'")
    return time(int(match.group(1)), int(match.group(2)))


def _date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a date like 2026-01-05") from None


def _restrictions(value: object, zone: str, path: Path, out: Problems) -> Schedule | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        out.append((path, "must be a list like [{days: [mon, tue], hours: '09:00-17:00'}]"))
        return None
    per_day: dict[str, list[str]] = {}
    for i, rule in enumerate(value):
        where = (*path, i)
        if not isinstance(rule, dict):
            out.append((where, "must be a mapping with days and hours"))
            continue
        _unknown(rule, {"days", "hours"}, where, out)
        days = rule.get("days", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
        try:
            parse_spans(rule.get("hours", "00:00-24:00"))
        except ValueError as exc:
            out.append(((*where, "hours"), str(exc)))
            continue
        if not isinstance(days, list) or not days:
            out.append(((*where, "days"), "must be a list of weekdays"))
            continue
        for j, day in enumerate(days):
            try:
                key = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[parse_weekday(str(day))]
            except ValueError as exc:
                out.append(((*where, "days", j), str(exc)))
                continue
            per_day.setdefault(key, []).append(str(rule.get("hours", "00:00-24:00")))
    if not per_day or not is_zone(zone):
        return None
    return Schedule.build(zone, {day: ", ".join(spans) for day, spans in per_day.items()})


def parse_layer(item: object, zone: str, path: Path, out: Problems) -> Layer | None:
    if not isinstance(item, dict):
        out.append((path, "must be a mapping"))
        return None
    before = len(out)
    _unknown(item, LAYER_KEYS, path, out)
    name = str(item.get("name") or f"layer {int(path[-1]) + 1 if path else 1}")
    kind = str(item.get("type", ROTATION))
    if kind not in LAYER_TYPES:
        out.append(((*path, "type"), f"{kind!r} is not a layer type; expected {LAYER_TYPES}"))
    layer_zone = str(item.get("timezone", zone))
    if not is_zone(layer_zone):
        out.append(((*path, "timezone"), f"{layer_zone!r} is not an IANA time zone"))
    restrictions = _restrictions(item.get("restrictions"), layer_zone, (*path, "restrictions"), out)
    if kind == FOLLOW_THE_SUN:
        team = _ident(item, "team", path, out)
        return None if len(out) > before else Layer(name, kind, team=team, timezone=layer_zone)
    people = item.get("participants")
    if not isinstance(people, list) or not people:
        out.append(((*path, "participants"), "must be a non-empty list of person ids"))
        people = []
    for i, pid in enumerate(people):
        if isinstance(pid, bool) or not ID.match(str(pid)):
            out.append(((*path, "participants", i), f"{pid!r} is not a person id"))
    values: dict[str, Any] = {}
    for key, parse, default in (
        ("shift", parse_shift, "1w"),
        ("start", _date, None),
        ("handoff", _time_of_day, "09:00"),
    ):
        if default is None and key not in item:
            out.append(((*path, key), "is required: the day the first shift begins"))
            continue
        try:
            values[key] = parse(item.get(key, default))
        except ValueError as exc:
            out.append(((*path, key), str(exc)))
    if len(out) > before:
        return None
    return Layer(
        name,
        ROTATION,
        tuple(str(p) for p in people),
        values["shift"],
        datetime.combine(values["start"], values["handoff"]),
        layer_zone,
        restrictions,
    )


def parse_schedule(item: object, path: Path = ()) -> tuple[ScheduleSpec | None, Problems]:
    """One entry of ``schedules:``. Layers listed later sit higher: they win where they cover."""
    out: Problems = []
    if not isinstance(item, dict):
        return None, [(path, "must be a mapping with id, timezone and layers")]
    _unknown(item, SCHEDULE_KEYS, path, out)
    ident = _ident(item, "id", path, out)
    zone = item.get("timezone")
    if not isinstance(zone, str) or not is_zone(zone):
        out.append(((*path, "timezone"), f"{zone!r} is not an IANA time zone"))
        zone = "UTC"
    team = _ident(item, "team", path, out, required=False) or None
    layers_raw = item.get("layers")
    if not isinstance(layers_raw, list) or not layers_raw:
        out.append(((*path, "layers"), "must be a non-empty list of layers"))
        layers_raw = []
    layers = [parse_layer(x, zone, (*path, "layers", i), out) for i, x in enumerate(layers_raw)]
    names = [layer.name for layer in layers if layer]
    for i, layer in enumerate(layers):
        if layer and names.count(layer.name) > 1:
            out.append(((*path, "layers", i, "name"), f"two layers are named {layer.name!r}"))
    if out:
        return None, out
    name = str(item.get("name") or ident)
    return ScheduleSpec(ident, name, zone, tuple(x for x in layers if x), team), []


def parse_policy(item: object, path: Path = ()) -> tuple[PolicySpec | None, Problems]:
    """One entry of ``escalation_policies:``: ordered steps, each with a wait before the next."""
    out: Problems = []
    if not isinstance(item, dict):
        return None, [(path, "must be a mapping with id and steps")]
    _unknown(item, POLICY_KEYS, path, out)
    ident = _ident(item, "id", path, out)
    team = _ident(item, "team", path, out, required=False) or None
    repeat = item.get("repeat", 0)
    if isinstance(repeat, bool) or not isinstance(repeat, int) or not 0 <= repeat <= 10:
        out.append(((*path, "repeat"), "must be a whole number from 0 to 10"))
    raw = item.get("steps")
    if not isinstance(raw, list) or not raw:
        out.append(((*path, "steps"), "must be a non-empty list of steps"))
        raw = []
    steps = []
    for i, step in enumerate(raw):
        where = (*path, "steps", i)
        if not isinstance(step, dict):
            out.append((where, "must be a mapping like {notify: {schedule: primary}, wait: 15m}"))
            continue
        _unknown(step, {"notify", "wait"}, where, out)
        target = step.get("notify")
        if not isinstance(target, dict) or len(target) != 1 or next(iter(target)) not in TARGETS:
            out.append(((*where, "notify"), f"must name one of {TARGETS}, e.g. {{person: ana}}"))
            continue
        kind = next(iter(target))
        ident_ = _ident(target, kind, (*where, "notify"), out)
        try:
            wait = parse_duration(str(step.get("wait", "15m")))
        except ValueError as exc:
            out.append(((*where, "wait"), str(exc)))
            continue
        steps.append(Step(kind, ident_, wait))
    if out:
        return None, out
    return PolicySpec(ident, str(item.get("name") or ident), tuple(steps), int(repeat), team), []


def parse_route(item: object, path: Path = ()) -> tuple[RouteSpec | None, Problems]:
    """One entry of ``alert_routes:``: label matchers (``~`` starts a regular expression)."""
    out: Problems = []
    if not isinstance(item, dict):
        return None, [(path, "must be a mapping like {match: {service: api}, component: api}")]
    _unknown(item, ROUTE_KEYS, path, out)
    component = _ident(item, "component", path, out)
    match = item.get("match")
    if not isinstance(match, dict) or not match:
        out.append(((*path, "match"), "must map label names to values"))
        match = {}
    matchers = []
    for label, value in match.items():
        text = str(value)
        regex = text.startswith("~")
        if regex:
            try:
                re.compile(text[1:])
            except re.error as exc:
                out.append(((*path, "match", str(label)), f"not a regular expression: {exc}"))
                continue
        matchers.append(Matcher(str(label), text[1:] if regex else text, regex))
    if out:
        return None, out
    return RouteSpec(component, tuple(matchers)), []


def route(routes: list[RouteSpec], labels: dict[str, str]) -> str | None:
    """The component of the first route whose matchers all match; else a ``component`` or
    ``service`` label, which the caller checks against the catalog."""
    for candidate in routes:
        if candidate.matches(labels):
            return candidate.component
    return labels.get("component") or labels.get("service")


def schedule_data(spec: ScheduleSpec) -> dict[str, Any]:
    """The org-file shape of a schedule, the inverse of ``parse_schedule``."""
    layers = []
    for layer in spec.layers:
        entry: dict[str, Any] = {"name": layer.name}
        if layer.kind == FOLLOW_THE_SUN:
            entry |= {"type": FOLLOW_THE_SUN, "team": layer.team}
        else:
            entry |= {
                "participants": list(layer.participants),
                "shift": str(layer.shift),
                "start": layer.start.date().isoformat(),
                "handoff": f"{layer.start:%H:%M}",
            }
        if layer.timezone != spec.timezone:
            entry["timezone"] = layer.timezone
        if layer.restrictions is not None:
            entry["restrictions"] = restriction_data(layer.restrictions)
        layers.append(entry)
    out: dict[str, Any] = {"id": spec.id, "name": spec.name, "timezone": spec.timezone}
    if spec.team:
        out["team"] = spec.team
    return out | {"layers": layers}


def restriction_data(schedule: Schedule) -> list[dict[str, Any]]:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    by_hours: dict[str, list[str]] = {}
    for i, spans in enumerate(schedule.hours):
        if spans:
            by_hours.setdefault(", ".join(str(s) for s in spans), []).append(days[i])
    return [{"days": d, "hours": h} for h, d in by_hours.items()]


def policy_data(spec: PolicySpec) -> dict[str, Any]:
    out: dict[str, Any] = {"id": spec.id, "name": spec.name}
    if spec.team:
        out["team"] = spec.team
    steps = [
        {"notify": {s.target: s.id}, "wait": f"{int(s.wait.total_seconds() // 60)}m"}
        for s in spec.steps
    ]
    return out | {"steps": steps, "repeat": spec.repeat}


def route_data(spec: RouteSpec) -> dict[str, Any]:
    match = {m.label: f"~{m.value}" if m.regex else m.value for m in spec.match}
    return {"match": match, "component": spec.component}
