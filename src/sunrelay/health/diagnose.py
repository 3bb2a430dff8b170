"""The diagnostic: seed 004's nine questions asked of a team and answered from what is on
record, naming each one with no answer and where to give it. Nothing here is scored by
opinion: an answer is the evidence that exists, or its absence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sunrelay.cadence.models import Ritual, StatusUpdate
from sunrelay.core import clock
from sunrelay.decisions.models import Record
from sunrelay.delivery.models import PullRequest
from sunrelay.health import concerns, logic
from sunrelay.health.service import rules
from sunrelay.health.spof import single_points
from sunrelay.oncall.models import EscalationPolicy, OnCallSchedule
from sunrelay.people import delegation, failure
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Component, Team
from sunrelay.work.service import rules_for

RESYNC_KINDS = ("demo", "design-review", "reliability-review", "all-hands", "okr-review", "other")
FLOWING = timedelta(weeks=4)


@dataclass
class Answer:
    id: str
    question: str
    evidence: list[str] = field(default_factory=list)
    missing: str | None = None

    @property
    def answered(self) -> bool:
        return self.missing is None

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "answered": self.answered,
            "evidence": self.evidence,
            "missing": self.missing,
        }


def _declared(team: Team, key: str) -> bool:
    """Whether the team, a team above it or the organisation declares ``key`` in its
    agreement (a default nobody chose is not an answer)."""
    return any(key in agreement for agreement in people_queries.agreements(team))


def _states(team: Team, a: Answer) -> None:
    if _declared(team, "states"):
        a.evidence.append(f"thresholds declared: {', '.join(sorted(rules(team)))}")
    else:
        a.missing = "declare agreement.states in org.yaml (docs/health.md); defaults apply"


def _ownership(team: Team, a: Answer) -> None:
    components = list(Component.objects.filter(owner=team).select_related("dri"))
    no_dri = [c.slug for c in components if c.dri is None]
    open_records = Record.objects.filter(team=team, status__in=("draft", "proposed"))
    no_record_dri = list(open_records.filter(dri__isnull=True).values_list("number", flat=True))
    a.evidence.append(
        f"{len(components)} components owned, {len(components) - len(no_dri)} with a DRI"
    )
    if not components:
        a.missing = "the team owns no components in the catalog"
    elif no_dri or no_record_dri:
        what = [f"components without a DRI: {', '.join(no_dri)}"] if no_dri else []
        what += [f"open decision records without a DRI: {no_record_dri}"] if no_record_dri else []
        a.missing = "; ".join(what)


def _failure(team: Team, a: Answer) -> None:
    named = failure.delegations(team.agreement)
    books = failure.playbooks(team.agreement)
    a.evidence += [f"{d.delegate} decides for {d.person}: {', '.join(d.duties)}" for d in named]
    a.evidence += [f"playbook {p.when}: {p.decides} decides — {p.answer}" for p in books]
    alone = single_points(team)
    a.evidence += [f"single point: {p.person} — {'; '.join(p.stops)}" for p in alone]
    gaps = []
    if delegation.lead_without_delegate(team):
        gaps.append("the lead names no delegate")
    if not books:
        gaps.append("no failure playbooks")
    if gaps:
        a.missing = f"{' and '.join(gaps)}: add agreement.failure in org.yaml (docs/health.md)"


def _valves(team: Team, a: Answer) -> None:
    declared = rules_for(team).valves
    if declared:
        a.evidence += [
            f"valve {v.name}: opens on {v.trigger.describe()}, by {v.describe_openers()}, "
            f"back on {v.back.describe()}"
            for v in declared
        ]
    else:
        a.missing = "declare agreement.work.valves in org.yaml (docs/work.md)"


def _safety(team: Team, a: Answer) -> None:
    a.evidence.append("capacity signals reach the agreement's responders and climb when ignored")
    found = concerns.rates(team)
    if found.raised:
        a.evidence.append(
            f"{found.raised} concerns raised: {found.acknowledged} acknowledged, "
            f"{found.acted} acted on, {found.flagged} flagged as not acted on in time"
        )
    if not _declared(team, "concerns"):
        a.missing = "declare concern routes per category: agreement.concerns in org.yaml"


def _backpressure(team: Team, a: Answer) -> None:
    if team.wip_limit:
        a.evidence.append(
            f"WIP limit {team.wip_limit}, enforced: a start beyond it queues; "
            f"{rules_for(team).per_person} active per person"
        )
    else:
        a.missing = "set the team's wip_limit in org.yaml"


def _monitoring(team: Team, a: Answer) -> None:
    since = clock.now() - FLOWING
    updates = StatusUpdate.objects.filter(team=team, posted_at__gte=since).count()
    repos = [r for c in Component.objects.filter(owner=team) for r in c.repos]
    pulls = (
        PullRequest.objects.filter(repo__in=repos, updated_at__gte=since).count() if repos else 0
    )
    if updates:
        a.evidence.append(f"{updates} weekly updates in the last four weeks")
    if pulls:
        a.evidence.append(f"{pulls} pull requests seen in the last four weeks")
    if not updates or not pulls:
        gaps = ([] if updates else ["no weekly updates"]) + ([] if pulls else ["no delivery data"])
        a.missing = f"{' and '.join(gaps)} in the last four weeks"


def _alerting(team: Team, a: Answer) -> None:
    schedules = OnCallSchedule.objects.filter(team=team).count()
    policies = EscalationPolicy.objects.filter(team=team).count()
    if schedules:
        a.evidence.append(f"{schedules} on-call schedule(s)")
    if policies:
        a.evidence.append(f"{policies} escalation policy(ies)")
    if not schedules or not policies:
        a.missing = "add an on-call schedule and an escalation policy (docs/oncall.md)"


def _resync(team: Team, a: Answer) -> None:
    found = Ritual.objects.filter(team=team, kind__in=RESYNC_KINDS)
    if found.exists():
        a.evidence += [f"ritual: {r.title}" for r in found[:5]]
    else:
        a.missing = "schedule a recurring sync, demo or review for the team (docs/cadence.md)"


ANSWERERS = {
    "states": _states,
    "ownership": _ownership,
    "failure": _failure,
    "valves": _valves,
    "safety": _safety,
    "backpressure": _backpressure,
    "monitoring": _monitoring,
    "alerting": _alerting,
    "resync": _resync,
}


def diagnose(team: Team) -> list[Answer]:
    answers = []
    for qid, question in logic.QUESTIONS:
        answer = Answer(qid, question)
        ANSWERERS[qid](team, answer)
        answers.append(answer)
    return answers
