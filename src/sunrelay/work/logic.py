"""The rules of work in flight, pure: the ``work`` agreement and its defaults, the order a
queue starts in, the order a valve sheds in, whose confirmations open a valve.

Nothing here touches the database; ``service`` hands in what it read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sunrelay.worktime import Period, parse_period

PROPOSED, QUEUED, ACTIVE, PAUSED, DONE, DROPPED = (
    "proposed",
    "queued",
    "active",
    "paused",
    "done",
    "dropped",
)
STATES = (PROPOSED, QUEUED, ACTIVE, PAUSED, DONE, DROPPED)
OPEN_STATES = (PROPOSED, QUEUED, ACTIVE, PAUSED)
# where each state may go; "start" from proposed or paused lands on active or queued
MOVES: dict[str, tuple[str, ...]] = {
    PROPOSED: (ACTIVE, QUEUED, DROPPED),
    QUEUED: (ACTIVE, PROPOSED, DROPPED),
    ACTIVE: (PAUSED, DONE, DROPPED),
    PAUSED: (ACTIVE, QUEUED, DROPPED),
    DONE: (),
    DROPPED: (),
}

DEFAULT_CLASSES = (
    "incident-response",
    "customer-committed",
    "customer",
    "internal-tooling",
    "speculative",
)
DEFAULT_PER_PERSON = 2  # seed 001: no engineer on more than two projects at once
DEFAULT_RESPONDERS = ("lead", "manager", "product")
RESPONDER_ROLES = {"lead", "manager", "product"}
DEFAULT_RESPONSE = Period(1, "d")
DEFAULT_ESCALATE_AFTER = Period(4, "h")  # each level above answers in hours, not days
DEFAULT_SLIP = timedelta(weeks=1)

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
_DAYS = re.compile(r"^\s*(\d+)\s*(d|w)\s*$")

# opener rules name roles; two words stand for a family of roles
FAMILIES = {
    "engineering": lambda role: "engineer" in role or role in {"tech-lead", "sre", "cto"},
    "product": lambda role: "product" in role or role in {"pm", "cpo"},
}


# -- the agreement ------------------------------------------------------------------------------


def check_classes(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValueError("must be a list of class names, most sacred first")
    names = [str(v) for v in value]
    for name in names:
        if not ID.match(name):
            raise ValueError(f"{name!r} is not a class name like 'customer-committed'")
    if len(set(names)) != len(names):
        raise ValueError("names a class twice")
    return names


def check_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"must be a whole number of at least 1, not {value!r}")
    return value


def check_person_id(value: object) -> str:
    if not isinstance(value, str) or not ID.match(value):
        raise ValueError(f"must be a person's id, not {value!r}")
    return value


def check_responders(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValueError("must be a list of lead, manager, product or people's ids")
    return [check_person_id(v) for v in value]


def check_people(value: object) -> list[str]:
    if not isinstance(value, list):
        raise ValueError("must be a list of people's ids")
    return [check_person_id(v) for v in value]


def parse_days(value: object) -> timedelta:
    """A calendar span a date may move: '1w', '10d', or a number of days. Raises ValueError."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return timedelta(days=value)
    match = _DAYS.match(str(value))
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"{value!r} is not a span of days like '1w' or '10d'")
    amount = int(match.group(1))
    return timedelta(days=amount * (7 if match.group(2) == "w" else 1))


@dataclass(frozen=True)
class Trigger:
    kind: str  # manual | incidents | queue | signal
    count: int = 0  # incidents: open SEV1/SEV2 at least; queue: longer than
    signal: str = ""  # unanswered | shed

    def describe(self) -> str:
        if self.kind == "incidents":
            return f"{self.count} or more open SEV1/SEV2 incidents"
        if self.kind == "queue":
            return f"the queue longer than {self.count}"
        if self.kind == "signal":
            return (
                f"a capacity signal {'answered “shed”' if self.signal == 'shed' else 'unanswered'}"
            )
        return "opened by hand"


@dataclass(frozen=True)
class Back:
    kind: str  # manual | queue_below | incidents_resolved | on | new_member
    count: int = 0
    lasting: timedelta = timedelta(0)
    on: date | None = None

    def describe(self) -> str:
        if self.kind == "queue_below":
            days = self.lasting.days
            return f"the queue below {self.count} for {days} day{'s' if days != 1 else ''}"
        if self.kind == "incidents_resolved":
            return "the incidents resolved"
        if self.kind == "on":
            return f"on {self.on}"
        if self.kind == "new_member":
            return "a new member starting"
        return "closed by hand"


@dataclass(frozen=True)
class Valve:
    name: str
    relieves: str
    trigger: Trigger
    back: Back
    openers: tuple[tuple[str, ...], ...]  # each: roles any one of which a confirmer holds
    pause: tuple[str, ...] = ()  # classes, paused least sacred first
    up_to: int = 0  # 0: every initiative of those classes
    freeze_starts: bool = False
    route_asks_to: str = ""

    def describe_openers(self) -> str:
        return " and ".join("/".join(group) for group in self.openers)


VALVE_KEYS = {
    "name",
    "relieves",
    "trigger",
    "pause",
    "up_to",
    "freeze_starts",
    "route_asks_to",
    "openers",
    "back",
}


def _trigger(value: object) -> Trigger:
    if value == "manual":
        return Trigger("manual")
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(
            "trigger must be manual, {incidents: N}, {queue: N} or {signal: unanswered|shed}"
        )
    ((kind, arg),) = value.items()
    if kind in ("incidents", "queue"):
        return Trigger(str(kind), count=check_count(arg))
    if kind == "signal" and arg in ("unanswered", "shed"):
        return Trigger("signal", signal=str(arg))
    raise ValueError(
        "trigger must be manual, {incidents: N}, {queue: N} or {signal: unanswered|shed}"
    )


def _back(value: object) -> Back:
    if value in ("manual", "incidents_resolved", "new_member"):
        return Back(str(value))
    if isinstance(value, dict) and set(value) == {"queue_below", "for"}:
        return Back(
            "queue_below", count=check_count(value["queue_below"]), lasting=parse_days(value["for"])
        )
    if isinstance(value, dict) and set(value) == {"on"}:
        on = value["on"]
        if isinstance(on, date) and not isinstance(on, datetime):
            return Back("on", on=on)
        try:
            return Back("on", on=date.fromisoformat(str(on)))
        except ValueError:
            raise ValueError(f"back: on: {on!r} is not a date like 2026-12-31") from None
    raise ValueError(
        "back must be manual, incidents_resolved, new_member, {queue_below: N, for: 1w} "
        "or {on: DATE}"
    )


def _openers(value: object) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(
            "openers must list who confirms, e.g. [engineering, product]: each entry one "
            "person holding that role (alternatives with |)"
        )
    groups = []
    for item in value:
        roles = tuple(r.strip() for r in str(item).split("|") if r.strip())
        if not roles or not all(ID.match(r) for r in roles):
            raise ValueError(f"openers: {item!r} is not a role like 'product' or 'tech-lead|sre'")
        groups.append(roles)
    return tuple(groups)


def parse_valve(value: object) -> Valve:
    """One valve as the agreement declares it. Raises ValueError naming what is missing:
    a valve without an opener rule, a trigger and a way back is an error, not a default."""
    if not isinstance(value, dict):
        raise ValueError("each valve must be a mapping with name, trigger, openers and back")
    unknown = sorted(str(k) for k in value if k not in VALVE_KEYS)
    if unknown:
        raise ValueError(
            f"unknown valve key {unknown[0]!r}; expected {', '.join(sorted(VALVE_KEYS))}"
        )
    name = value.get("name")
    if not isinstance(name, str) or not ID.match(name):
        raise ValueError("each valve needs a name like 'incident-load'")
    for key in ("trigger", "openers", "back"):
        if key not in value:
            raise ValueError(f"valve {name!r} needs {key!r}: {_NEEDS[key]}")
    pause = value.get("pause", [])
    if not isinstance(pause, list) or not all(isinstance(c, str) for c in pause):
        raise ValueError(f"valve {name!r}: pause must be a list of classes")
    up_to = value.get("up_to", 0)
    if up_to:
        check_count(up_to)
    route = value.get("route_asks_to", "")
    if route:
        check_person_id(route)
    if not (pause or value.get("freeze_starts") or route):
        raise ValueError(f"valve {name!r} does nothing: give pause, freeze_starts or route_asks_to")
    return Valve(
        name=name,
        relieves=str(value.get("relieves") or ""),
        trigger=_trigger(value["trigger"]),
        back=_back(value["back"]),
        openers=_openers(value["openers"]),
        pause=tuple(pause),
        up_to=int(up_to or 0),
        freeze_starts=bool(value.get("freeze_starts", False)),
        route_asks_to=str(route or ""),
    )


_NEEDS = {
    "trigger": "what opens it",
    "openers": "who may open it",
    "back": "what returns things to normal",
}


def check_valves(value: object) -> list[Valve]:
    if not isinstance(value, list):
        raise ValueError("must be a list of valves")
    valves = [parse_valve(v) for v in value]
    names = [v.name for v in valves]
    if len(set(names)) != len(names):
        raise ValueError("two valves have the same name")
    return valves


RULES = {
    "classes": check_classes,
    "per_person": check_count,
    "product": check_person_id,
    "capacity_responders": check_responders,
    "capacity_response": parse_period,
    "escalate_after": parse_period,
    "escalation": check_people,
    "slip_threshold": parse_days,
    "valves": check_valves,
}


@dataclass(frozen=True)
class Rules:
    """A team's ``work`` agreement with every default filled in."""

    classes: tuple[str, ...] = DEFAULT_CLASSES
    per_person: int = DEFAULT_PER_PERSON
    product: str | None = None
    responders: tuple[str, ...] = DEFAULT_RESPONDERS
    response: Period = DEFAULT_RESPONSE
    escalate_after: Period = DEFAULT_ESCALATE_AFTER
    escalation: tuple[str, ...] | None = None  # None: the leads of the teams above
    slip: timedelta = DEFAULT_SLIP
    valves: tuple[Valve, ...] = field(default_factory=tuple)

    def rank(self, klass: str) -> int:
        """0 for the most sacred class; a class the list does not name sheds first."""
        return self.classes.index(klass) if klass in self.classes else len(self.classes)

    def valve(self, name: str) -> Valve | None:
        return next((v for v in self.valves if v.name == name), None)


def rules(*agreements: Mapping[str, Any] | None) -> Rules:
    """The rules a team works by: each key from the first agreement that sets it (the team's,
    then the teams above it, then the organisation's), else the default. Agreements were
    checked when they were written; a key that no longer reads is left at its default."""
    found: dict[str, Any] = {}
    for agreement in agreements:
        section = (agreement or {}).get("work") or {}
        for key, value in section.items():
            if key in RULES and key not in found:
                try:
                    found[key] = RULES[key](value)
                except ValueError:
                    continue
    return Rules(
        classes=tuple(found.get("classes", DEFAULT_CLASSES)),
        per_person=found.get("per_person", DEFAULT_PER_PERSON),
        product=found.get("product"),
        responders=tuple(found.get("capacity_responders", DEFAULT_RESPONDERS)),
        response=found.get("capacity_response", DEFAULT_RESPONSE),
        escalate_after=found.get("escalate_after", DEFAULT_ESCALATE_AFTER),
        escalation=tuple(found["escalation"]) if "escalation" in found else None,
        slip=found.get("slip_threshold", DEFAULT_SLIP),
        valves=tuple(found.get("valves", ())),
    )


@dataclass
class Draft:
    """What an initiative is made of, as every surface (and a work file) hands it in."""

    title: str
    team: str
    dri: str
    klass: str | None = None
    target: date | None = None
    description: str = ""
    criteria: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    decisions: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)  # risks and asks from weekly updates
    depends_on: list[int] = field(default_factory=list)
    migration: bool = False
    progress_teams: list[str] = field(default_factory=list)
    progress_components: list[str] = field(default_factory=list)


# -- queues and shedding ------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """What ordering needs of an initiative."""

    pk: int
    klass: str
    asked_at: datetime | None = None  # when its start was first asked for
    started_at: datetime | None = None


def queue_order(items: Iterable[Item], rules: Rules) -> list[Item]:
    """Most sacred class first, then whoever asked first."""

    def asked(i: Item) -> float:
        return i.asked_at.timestamp() if i.asked_at else float("inf")

    return sorted(items, key=lambda i: (rules.rank(i.klass), asked(i), i.pk))


def shed_order(
    active: Iterable[Item], classes: Sequence[str], rules: Rules, up_to: int
) -> list[Item]:
    """What a valve pauses: initiatives of the listed classes, least sacred first and, within
    a class, the most recently started first; at most ``up_to`` (0: all of them)."""
    chosen = [i for i in active if i.klass in classes]

    def started(i: Item) -> float:
        return i.started_at.timestamp() if i.started_at else 0.0

    chosen.sort(key=lambda i: (-rules.rank(i.klass), -started(i), -i.pk))
    return chosen[:up_to] if up_to else chosen


# -- valves -------------------------------------------------------------------------------------


def holds(group: Sequence[str], roles: Iterable[str]) -> bool:
    """Whether someone with ``roles`` may confirm for an opener ``group``."""
    for wanted in group:
        family = FAMILIES.get(wanted)
        for role in roles:
            if role == wanted or (family is not None and family(role)):
                return True
    return False


def matching(
    openers: Sequence[Sequence[str]], confirmers: Sequence[tuple[str, Sequence[str]]]
) -> dict[int, str]:
    """As many opener groups as possible, each matched to a different confirmer who may
    confirm for it (a small bipartite matching); the valve opens when every group is."""
    match: dict[int, str] = {}

    def place(person: str, roles: Sequence[str], seen: set[int]) -> bool:
        for g, group in enumerate(openers):
            if g in seen or not holds(group, roles):
                continue
            seen.add(g)
            if g not in match or place(match[g], roles_of[match[g]], seen):
                match[g] = person
                return True
        return False

    roles_of = dict(confirmers)
    for person, roles in confirmers:
        place(person, roles, set())
    return match


def may_confirm(openers: Sequence[Sequence[str]], roles: Iterable[str]) -> bool:
    roles = list(roles)
    return any(holds(group, roles) for group in openers)


def slipped(old: date | None, new: date | None, threshold: timedelta) -> bool:
    """Whether a target date moved later by more than the threshold (or was removed)."""
    if old is None:
        return False
    if new is None:
        return True
    return new - old > threshold
