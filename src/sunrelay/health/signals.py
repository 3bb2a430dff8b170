"""The raw signals of one team's week, read from the domains that hold them: review answers
(decisions and pull requests), work in flight as it stood at the week's end, weekly updates,
pages outside working hours, incidents, slipped dates, absences and the team's own outlook.

Each reader returns a number, or None when there is nothing to measure (no reviews asked, no
members, no updates): a missing signal is "unknown", never "fine"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db.models import F, Q

from sunrelay.cadence import rituals, status
from sunrelay.cadence.models import Ritual, StatusUpdate
from sunrelay.decisions.models import Reviewer
from sunrelay.delivery.metrics import prs
from sunrelay.delivery.metrics import queries as delivery
from sunrelay.health.pulse import results
from sunrelay.health.weeks import Week
from sunrelay.incidents.models import Incident
from sunrelay.oncall.models import Page
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Team
from sunrelay.work import logic as work_logic
from sunrelay.work.models import Event, Initiative
from sunrelay.work.service import rules_for
from sunrelay.worktime import business_seconds, is_working

# what each timeline event says about an initiative's state from then on
STATE_AFTER = {
    "proposed": work_logic.PROPOSED,
    "queued": work_logic.QUEUED,
    "started": work_logic.ACTIVE,
    "resumed": work_logic.ACTIVE,
    "paused": work_logic.PAUSED,
    "done": work_logic.DONE,
    "dropped": work_logic.DROPPED,
}
OUTLOOK = {"struggling": 0.0, "steady": 0.5, "ahead": 1.0}


def members(team: Team) -> list[str]:
    return list(team.members.values_list("slug", flat=True))


def review_in_time(team: Team, week: Week) -> float | None:
    """Reviews the team's members owed that fell due in the week, answered in time; and the
    review requests on the team's repositories against its pull-request agreement."""
    due = Reviewer.objects.filter(
        person__slug__in=members(team), due_at__gte=week.start, due_at__lt=week.end
    )
    asked = due.count()
    in_time = due.filter(answered_at__isnull=False, answered_at__lte=F("due_at")).count()
    sla = prs.pr_flow(
        week.start.date(), week.end.date(), delivery.scope(team=team.slug), team.slug
    )["review_sla"]
    asked += int(sla.get("requests") or 0)
    in_time += int(sla.get("in_time") or 0)
    return round(in_time / asked, 3) if asked else None


def work_at(team: Team, at: datetime) -> dict[int, str]:
    """Each of the team's initiatives' state at ``at``, from its timeline."""
    found: dict[int, str] = {}
    events = Event.objects.filter(initiative__team=team, at__lt=at, kind__in=list(STATE_AFTER))
    for initiative_id, kind in events.order_by("at", "pk").values_list("initiative_id", "kind"):
        found[initiative_id] = STATE_AFTER[kind]
    return found


def wip_load(team: Team, week: Week) -> float | None:
    states = work_at(team, week.end)
    if not team.wip_limit or not states:  # a team that keeps no work here has no load to read
        return None
    active = sum(1 for s in states.values() if s == work_logic.ACTIVE)
    return round(active / team.wip_limit, 3)


def queue(team: Team, week: Week) -> float | None:
    states = work_at(team, week.end)
    if not states:
        return None
    return float(sum(1 for s in states.values() if s == work_logic.QUEUED))


def updates_on_time(team: Team, week: Week) -> float | None:
    """Updates posted on time over those expected (late and missing ones both count
    against it; away and not-yet-due weeks are not expected)."""
    rows = status.team_dues(team, [week.name])
    expected = [r for r in rows if r.state in ("on-time", "late", "missing")]
    if not expected:
        return None
    return round(sum(r.state == "on-time" for r in expected) / len(expected), 3)


def after_hours_pages(team: Team, week: Week) -> float | None:
    ids = members(team)
    if not ids:
        return None
    directory = people_queries.load_directory(ids)
    pages = Page.objects.filter(
        person__slug__in=ids, created_at__gte=week.start, created_at__lt=week.end
    ).values_list("person__slug", "created_at")
    return float(sum(1 for slug, at in pages if not is_working(directory.schedule(slug), at)))


def after_hours_meetings(team: Team, week: Week) -> float | None:
    """Seats in the team's meetings that week outside the attendee's own working hours."""
    found = Ritual.objects.filter(team=team).exclude(kind="one-on-one")
    found = found.prefetch_related("attendees")
    ids = members(team)
    if not ids:
        return None
    directory = people_queries.load_directory(ids)
    seats = 0
    for ritual in found:
        people = [p.slug for p in rituals.participants(ritual) if p.slug in directory.people]
        for start in rituals.occurrences(ritual, week.start, week.end):
            seats += sum(1 for slug in people if not is_working(directory.schedule(slug), start))
    return float(seats)


def incidents(team: Team, week: Week) -> float | None:
    return float(
        Incident.objects.filter(team=team, severity__in=("SEV1", "SEV2"), drill=False)
        .filter(declared_at__lt=week.end)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=week.start))
        .count()
    )


def slipped(team: Team, week: Week) -> float | None:
    moved = Event.objects.filter(
        initiative__team=team, kind="slipped", at__gte=week.start, at__lt=week.end
    ).count()
    active = [pk for pk, s in work_at(team, week.end).items() if s == work_logic.ACTIVE]
    overdue = Initiative.objects.filter(pk__in=active, target__lt=week.end.date()).count()
    if not active and not moved:
        return None
    return float(moved + overdue)


def unplanned_share(team: Team, week: Week) -> float | None:
    active = [pk for pk, s in work_at(team, week.end).items() if s == work_logic.ACTIVE]
    if not active:
        return None
    sacred = rules_for(team).classes[0]
    unplanned = Initiative.objects.filter(pk__in=active, klass=sacred).count()
    return round(unplanned / len(active), 3)


def absence_share(team: Team, week: Week) -> float | None:
    ids = members(team)
    if not ids:
        return None
    directory = people_queries.load_directory(ids)
    usual = lost = 0
    for slug in ids:
        normal = business_seconds(directory.person(slug).schedule(), week.start, week.end)
        kept = business_seconds(directory.schedule(slug), week.start, week.end)
        usual, lost = usual + normal, lost + max(0, normal - kept)
    return round(lost / usual, 3) if usual else None


def self_report(team: Team, week: Week) -> float | None:
    said = StatusUpdate.objects.filter(team=team, week=week.name).exclude(outlook="")
    values = [OUTLOOK[o] for o in said.values_list("outlook", flat=True) if o in OUTLOOK]
    return round(sum(values) / len(values), 3) if values else None


def pulse(team: Team, week: Week) -> float | None:
    return results(team, week.name).score()


READERS: dict[str, Callable[[Team, Week], float | None]] = {
    "review_in_time": review_in_time,
    "wip_load": wip_load,
    "queue": queue,
    "updates_on_time": updates_on_time,
    "after_hours_pages": after_hours_pages,
    "after_hours_meetings": after_hours_meetings,
    "incidents": incidents,
    "slipped": slipped,
    "unplanned_share": unplanned_share,
    "absence_share": absence_share,
    "self_report": self_report,
    "pulse": pulse,
}
