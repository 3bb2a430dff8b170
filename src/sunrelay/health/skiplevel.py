"""Skip-level 1:1 coverage: for each manager (the lead of a team with pods below it), how many
of the people in those pods have a 1:1 with them — a safety net that does not depend on the
pod's own lead."""

from __future__ import annotations

from dataclasses import dataclass

from sunrelay.cadence.models import Ritual
from sunrelay.people.models import Person, Team


@dataclass(frozen=True)
class Coverage:
    manager: Person
    reports: tuple[str, ...]  # people in the pods below
    covered: tuple[str, ...]  # of them, those with a 1:1 with the manager

    @property
    def share(self) -> float | None:
        return round(len(self.covered) / len(self.reports), 3) if self.reports else None


def _below(team: Team) -> set[str]:
    found: set[str] = set()
    frontier, seen = list(team.children.all()), {team.pk}
    while frontier:
        pod = frontier.pop()
        if pod.pk in seen:
            continue
        seen.add(pod.pk)
        found |= set(pod.members.values_list("slug", flat=True))
        frontier.extend(pod.children.all())
    return found


def coverage() -> list[Coverage]:
    out = []
    for team in (
        Team.objects.filter(lead__isnull=False, children__isnull=False)
        .distinct()
        .select_related("lead")
    ):
        manager = team.lead
        assert manager is not None
        reports = sorted(_below(team) - {manager.slug})
        pairs = Ritual.objects.filter(kind="one-on-one", attendees=manager).prefetch_related(
            "attendees"
        )
        partners = {p.slug for r in pairs for p in r.attendees.all()} - {manager.slug}
        out.append(Coverage(manager, tuple(reports), tuple(r for r in reports if r in partners)))
    return out
