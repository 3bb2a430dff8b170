"""Pure rules of incidents: severities and their response, the lifecycle, the postmortem
template, and the reliability figures (MTTA, MTTR)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sunrelay.worktime import Period, parse_duration, parse_period

PAGE, ALERT, TICKET = "page", "alert", "ticket"
RESPONSES = (PAGE, ALERT, TICKET)


@dataclass(frozen=True)
class Severity:
    name: str
    description: str
    response: str  # page: escalate now; alert: the on-call only; ticket: working hours
    update_every: timedelta | None  # the status-update cadence


DEFAULT_SEVERITIES = {
    "SEV1": Severity(
        "SEV1", "Platform outage affecting all customers", PAGE, timedelta(minutes=30)
    ),
    "SEV2": Severity(
        "SEV2", "Degradation affecting a subset of customers", ALERT, timedelta(hours=1)
    ),
    "SEV3": Severity("SEV3", "Degradation without customer impact", TICKET, None),
}
DEFAULT_POSTMORTEM_DUE = Period(48, "h")

DECLARED, MITIGATED, RESOLVED, CLOSED = "declared", "mitigated", "resolved", "closed"
STATES = (DECLARED, MITIGATED, RESOLVED, CLOSED)
# closed: the postmortem is done
ALLOWED = {
    DECLARED: {MITIGATED, RESOLVED},
    MITIGATED: {DECLARED, RESOLVED},
    RESOLVED: {DECLARED, CLOSED},  # reopening is allowed until the postmortem is done
    CLOSED: set(),
}
ROLES = ("commander", "communications", "scribe")
ENTRY_KINDS = ("state", "page", "ack", "role", "note", "decision", "action", "update", "command")


def check_severities(value: object) -> dict[str, Severity]:
    """The agreement's ``incident.severities`` over the defaults. Raises ValueError."""
    if not isinstance(value, dict):
        raise ValueError("must map SEV1..SEV5 to {description, response, update_every}")
    out = dict(DEFAULT_SEVERITIES)
    for name, rule in value.items():
        if not isinstance(name, str) or not name.startswith("SEV") or name[3:] not in "12345":
            raise ValueError(f"{name!r} is not a severity like SEV1")
        if not isinstance(rule, dict):
            raise ValueError(f"{name}: must be a mapping")
        unknown = set(rule) - {"description", "response", "update_every"}
        if unknown:
            raise ValueError(f"{name}: unknown keys {sorted(unknown)}")
        base = out.get(name, Severity(name, name, TICKET, None))
        response = str(rule.get("response", base.response))
        if response not in RESPONSES:
            raise ValueError(f"{name}: response {response!r} is not one of {RESPONSES}")
        every = rule.get("update_every")
        out[name] = replace(
            base,
            description=str(rule.get("description", base.description)),
            response=response,
            update_every=parse_duration(str(every)) if every is not None else base.update_every,
        )
    return out


def severities(agreement: Mapping[str, Any]) -> dict[str, Severity]:
    section = agreement.get("incident") or {}
    return check_severities(section.get("severities") or {})


def postmortem_due(agreement: Mapping[str, Any]) -> Period:
    section = agreement.get("incident") or {}
    value = section.get("postmortem_due")
    return parse_period(value) if value else DEFAULT_POSTMORTEM_DUE


def can_move(current: str, target: str) -> bool:
    return target in ALLOWED.get(current, set())


@dataclass(frozen=True)
class TimelineLine:
    at: datetime
    kind: str
    text: str
    author: str = ""


def postmortem_template(
    title: str, severity: str, summary: str, timeline: Iterable[TimelineLine], zone_label: str
) -> str:
    """The postmortem's first draft, its timeline filled from the incident's own."""
    rows = [
        f"| {line.at:%Y-%m-%d %H:%M} | {line.kind} | {line.author} | "
        f"{line.text.replace('|', '/').splitlines()[0] if line.text else ''} |"
        for line in timeline
    ]
    return "\n".join(
        [
            f"# Postmortem: {title}",
            "",
            f"Severity: {severity}",
            "",
            "## Summary and impact",
            "",
            summary or "What happened, who was affected, for how long.",
            "",
            f"## Timeline ({zone_label})",
            "",
            "| time | kind | who | what |",
            "|---|---|---|---|",
            *rows,
            "",
            "## Root cause",
            "",
            "## Resolution",
            "",
            "## Action items",
            "",
            "Tracked in the incident's action items, each with an owner and a due date.",
            "",
            "## Lessons learned",
            "",
            "What went well, what went badly, where we got lucky.",
            "",
        ]
    )


@dataclass(frozen=True)
class Times:
    severity: str
    team: str
    declared: datetime
    acknowledged: datetime | None
    resolved: datetime | None


@dataclass(frozen=True)
class Figures:
    severity: str
    team: str
    count: int
    mtta_minutes: float | None
    mttr_minutes: float | None


def figures(rows: Iterable[Times]) -> list[Figures]:
    """Mean time to acknowledge and to resolve per (severity, team), and over all teams."""
    groups: dict[tuple[str, str], list[Times]] = {}
    for row in rows:
        groups.setdefault((row.severity, row.team), []).append(row)
        groups.setdefault((row.severity, "*"), []).append(row)
    out = []
    for (severity, team), found in sorted(groups.items()):
        acks = [(r.acknowledged - r.declared).total_seconds() / 60 for r in found if r.acknowledged]
        fixes = [(r.resolved - r.declared).total_seconds() / 60 for r in found if r.resolved]
        out.append(
            Figures(
                severity,
                team,
                len(found),
                round(statistics.fmean(acks), 1) if acks else None,
                round(statistics.fmean(fixes), 1) if fixes else None,
            )
        )
    return out
