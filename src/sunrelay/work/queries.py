"""What the boards read: a team's board (active, queued with positions, paused, done), the
organisation's portfolio against limits, the migration board."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from sunrelay.people.models import Team
from sunrelay.work import capacity, logic, valves
from sunrelay.work.models import Initiative, Progress, Signal, ValveOpening
from sunrelay.work.service import rules_for


def initiatives(*, team: str | None = None, state: str | None = None) -> QuerySet[Initiative]:
    found = Initiative.objects.select_related("team", "dri").prefetch_related("people")
    if team:
        found = found.filter(team__slug=team)
    if state:
        found = found.filter(state=state)
    return found.order_by("team__slug", "pk")


def queue_positions(team: Team) -> dict[int, int]:
    """Each queued initiative's place in the team's queue, 1 first."""
    rules = rules_for(team)
    queued = Initiative.objects.filter(team=team, state=logic.QUEUED)
    order = logic.queue_order([logic.Item(i.pk, i.klass, i.asked_at) for i in queued], rules)
    return {item.pk: n for n, item in enumerate(order, start=1)}


@dataclass
class ValveRow:
    valve: logic.Valve
    opening: ValveOpening | None  # proposed or open now


@dataclass
class Board:
    team: Team
    rules: logic.Rules
    active: list[Initiative] = field(default_factory=list)
    queued: list[tuple[int, Initiative]] = field(default_factory=list)
    paused: list[Initiative] = field(default_factory=list)
    proposed: list[Initiative] = field(default_factory=list)
    done: list[Initiative] = field(default_factory=list)
    exceptions: list[Initiative] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    valves: list[ValveRow] = field(default_factory=list)
    history: list[ValveOpening] = field(default_factory=list)
    missed: list[tuple[str, int]] = field(default_factory=list)

    @property
    def over(self) -> bool:
        limit = self.team.wip_limit
        return limit is not None and len(self.active) > limit


def board(team: Team) -> Board:
    rules = rules_for(team)
    found = Board(team=team, rules=rules)
    positions = queue_positions(team)
    for initiative in initiatives(team=team.slug):
        if initiative.state == logic.ACTIVE:
            found.active.append(initiative)
            if initiative.exception:
                found.exceptions.append(initiative)
        elif initiative.state == logic.QUEUED:
            found.queued.append((positions[initiative.pk], initiative))
        elif initiative.state == logic.PAUSED:
            found.paused.append(initiative)
        elif initiative.state == logic.PROPOSED:
            found.proposed.append(initiative)
        elif initiative.state == logic.DONE:
            found.done.append(initiative)
    found.queued.sort(key=lambda pair: pair[0])
    found.done = sorted(found.done, key=lambda i: i.finished_at or i.created_at, reverse=True)[:10]
    found.signals = list(Signal.objects.filter(team=team).select_related("raised_by")[:10])
    live = valves.live(team)
    found.valves = [ValveRow(v, live.get(v.name)) for v in rules.valves]
    found.history = valves.history(team)
    found.missed = capacity.missed_by_responder(team)
    return found


@dataclass
class PortfolioRow:
    team: Team
    active: int
    queued: int
    paused: int
    exceptions: int
    signals: int  # open
    valves: list[str]  # open or proposed

    @property
    def over(self) -> bool:
        return self.team.wip_limit is not None and self.active > self.team.wip_limit


def portfolio() -> list[PortfolioRow]:
    """Every team with work: initiatives against its limit, exceptions, open signals and
    valves, in two queries."""
    counts = Team.objects.annotate(
        n_active=Count("initiatives", filter=Q(initiatives__state=logic.ACTIVE)),
        n_queued=Count("initiatives", filter=Q(initiatives__state=logic.QUEUED)),
        n_paused=Count("initiatives", filter=Q(initiatives__state=logic.PAUSED)),
        n_exceptions=Count(
            "initiatives",
            filter=Q(initiatives__state=logic.ACTIVE) & ~Q(initiatives__exception=""),
        ),
    )
    open_signals: dict[int, int] = {}
    for signal in Signal.objects.filter(response="").values_list("team_id", flat=True):
        open_signals[signal] = open_signals.get(signal, 0) + 1
    live: dict[int, list[str]] = {}
    for opening in ValveOpening.objects.filter(state__in=valves.LIVE):
        live.setdefault(opening.team_id, []).append(f"{opening.name} ({opening.state})")
    rows = [
        PortfolioRow(
            t,
            t.n_active,
            t.n_queued,
            t.n_paused,
            t.n_exceptions,
            open_signals.get(t.pk, 0),
            live.get(t.pk, []),
        )
        for t in counts.order_by("slug")
    ]
    return [r for r in rows if r.active or r.queued or r.paused or r.signals or r.valves]


def migrations() -> list[Initiative]:
    """Cross-team initiatives with their progress per team or component."""
    rows = Progress.objects.select_related("team", "component").order_by("pk")
    return list(
        Initiative.objects.filter(migration=True)
        .exclude(state=logic.DROPPED)
        .select_related("team", "dri")
        .prefetch_related(Prefetch("progress", queryset=rows))
        .order_by("target", "pk")
    )
