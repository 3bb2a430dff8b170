"""Onboarding programmes: started from a person's start date with their team's template,
buddies suggested by shared working hours and confirmed by the lead, items ticked by hand or
from evidence (a merged PR, a decision record they wrote), the manager's weekly review until
day 90, and overdue items escalated to the manager. See docs/onboarding.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from sunrelay.cadence.logic import week_of
from sunrelay.core import clock
from sunrelay.core.errors import Conflict, NotFound, ValidationFailed
from sunrelay.core.permissions import OPERATOR, Actor
from sunrelay.decisions.models import Record
from sunrelay.delivery.models import PullRequest
from sunrelay.notify import service as notify
from sunrelay.onboarding import logic
from sunrelay.onboarding.models import Item, Programme, Review
from sunrelay.onboarding.permissions import require_run, require_tick
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Person, Team
from sunrelay.worktime.queries import overlap

BUDDY_WINDOW = timedelta(days=14)


def get_programme(person: str) -> Programme:
    found = (
        Programme.objects.select_related("person", "team", "manager", "tech_buddy", "culture_buddy")
        .filter(person__slug=person)
        .first()
    )
    if found is None:
        raise NotFound(f"{person} has no onboarding programme", field="person")
    return found


def suggest_buddies(person: Person, team: Team, start: date) -> list[tuple[str, float]]:
    """Teammates (not the lead, who is the manager) by the working hours they share with
    ``person`` over the first two weeks, most first; ties by id."""
    others = team.members.exclude(pk=person.pk)
    if team.lead_id is not None:
        others = others.exclude(pk=team.lead_id)
    candidates = list(others.order_by("slug"))
    if not candidates:
        return []
    directory = people_queries.load_directory([person.slug, *(c.slug for c in candidates)])
    begin = datetime(start.year, start.month, start.day, tzinfo=ZoneInfo("UTC"))
    mine = directory.schedule(person.slug)
    found = []
    for c in candidates:
        shared = overlap([mine, directory.schedule(c.slug)], begin, begin + BUDDY_WINDOW)
        found.append((c.slug, round(sum((b - a).total_seconds() for a, b in shared) / 3600, 1)))
    return sorted(found, key=lambda x: (-x[1], x[0]))


def start(person: str, team: str | None = None, by: Actor = OPERATOR) -> Programme:
    """Raises PersonNotFound, TeamNotFound, ValidationFailed (no start date, no team),
    Conflict (a programme already), PermissionDenied."""
    found = people.get_person(person)
    if found.start_date is None:
        raise ValidationFailed(
            f"{person} has no start date in the directory (people[].start_date)", field="person"
        )
    home = people.get_team(team) if team else found.teams.order_by("slug").first()
    if home is None:
        raise ValidationFailed(f"{person} is in no team: name one", field="team")
    require_run(by, home, f"start {person}'s onboarding")
    template = logic.template(*people_queries.agreements(home))
    suggested = suggest_buddies(found, home, found.start_date)
    with transaction.atomic():
        if Programme.objects.filter(person=found).exists():
            raise Conflict(f"{person} already has an onboarding programme", field="person")
        programme = Programme.objects.create(
            person=found, team=home, start_date=found.start_date, manager=home.lead,
            suggested=[{"person": s, "hours": h} for s, h in suggested],
            tech_buddy=Person.objects.filter(slug=suggested[0][0]).first() if suggested else None,
            culture_buddy=(
                Person.objects.filter(slug=suggested[1][0]).first() if len(suggested) > 1 else None
            ),
            created_at=clock.now(),
        )  # fmt: skip
        Item.objects.bulk_create(
            Item(programme=programme, kind=p.kind, key=p.key, text=p.text[:300], due=p.due)
            for p in logic.plan(template, found.start_date)
        )
    if home.lead is not None:
        notify.send(
            home.lead, "onboarding.buddies",
            f"Confirm {found.name}'s buddies",
            f"Suggested by shared working hours: tech {_name(programme.tech_buddy)}, culture "
            f"{_name(programme.culture_buddy)}.",
            url=f"/onboarding/{found.slug}/", key=f"onboarding.buddies:{programme.pk}",
        )  # fmt: skip
    return programme


def _name(person: Person | None) -> str:
    return person.name if person is not None else "nobody yet"


def confirm_buddies(person: str, tech: str, culture: str, by: Actor) -> Programme:
    """Raises NotFound, ValidationFailed (not in the team, the same person twice),
    PermissionDenied."""
    programme = get_programme(person)
    require_run(by, programme.team, f"choose {person}'s buddies")
    if tech == culture:
        raise ValidationFailed("the tech and the culture buddy are two people", field="culture")
    chosen = {}
    for field, slug in (("tech", tech), ("culture", culture)):
        buddy = people.get_person(slug)
        if buddy.pk == programme.person_id:
            raise ValidationFailed(f"{slug} cannot be their own buddy", field=field)
        if programme.team is None or not programme.team.members.filter(pk=buddy.pk).exists():
            raise ValidationFailed(f"{slug} is not in the team", field=field)
        chosen[field] = buddy
    programme.tech_buddy, programme.culture_buddy = chosen["tech"], chosen["culture"]
    programme.buddies_confirmed = True
    programme.save()
    return programme


def tick(pk: int, by: Actor, evidence: str = "") -> Item:
    """Raises NotFound, Conflict (done already), PermissionDenied."""
    with transaction.atomic():
        item = Item.objects.select_for_update(of=("self",)).select_related(
            "programme__person", "programme__team", "programme__manager",
            "programme__tech_buddy", "programme__culture_buddy",
        ).filter(pk=pk).first()  # fmt: skip
        if item is None:
            raise NotFound(f"no onboarding item {pk}", field="item")
        require_tick(by, item.programme)
        if item.done_at is not None:
            raise Conflict(f"{item.text!r} is done already", field="item")
        item.done_at = clock.now()
        item.done_by = Person.objects.filter(slug=by.person or "").first()
        item.evidence = (evidence.strip() or "ticked by hand")[:300]
        item.save()
    return item


def gather_evidence(programme: Programme) -> int:
    """Tick the week-one items the record shows: a PR of theirs merged, a decision record or
    design doc they wrote, within their first week. The dashboard stays for a person to tick."""
    begin = datetime.combine(programme.start_date, datetime.min.time(), ZoneInfo("UTC"))
    end = begin + timedelta(days=7)
    person = programme.person
    shown: dict[str, str] = {}
    if person.github:
        pr = (
            PullRequest.objects.filter(author__iexact=person.github, merged_at__gte=begin)
            .filter(merged_at__lt=end)
            .order_by("merged_at")
            .first()
        )
        if pr is not None:
            shown["pr"] = f"{pr.repo}#{pr.number} merged {pr.merged_at:%Y-%m-%d}"
    record = (
        Record.objects.filter(dri=person, created_at__gte=begin, created_at__lt=end)
        .order_by("created_at")
        .first()
    )
    if record is not None:
        shown["doc"] = f"{record.label}: {record.title}"
    count = 0
    for item in programme.items.filter(kind="week1", key__in=shown, done_at=None):
        item.done_at, item.evidence = clock.now(), shown[item.key][:300]
        item.save(update_fields=["done_at", "evidence"])
        count += 1
    return count


def record_review(person: str, note: str, by: Actor) -> Review:
    programme = get_programme(person)
    require_run(by, programme.team, f"review {person}'s onboarding")
    if not note.strip():
        raise ValidationFailed("say what the review found", field="note")
    return Review.objects.create(
        programme=programme, at=clock.now(), note=note.strip(),
        by=Person.objects.filter(slug=by.person or "").first(),
    )  # fmt: skip


def _active(today: date) -> list[Programme]:
    first = today - timedelta(days=logic.LAST_DAY)
    return list(
        Programme.objects.filter(start_date__gte=first, start_date__lte=today).select_related(
            "person", "manager", "team"
        )
    )


def remind_reviews(now: datetime | None = None) -> int:
    """The manager's weekly review reminder, once per week until day 90, held for their
    working hours; evidence gathered first, so the reminder counts what is done."""
    now = now or clock.now()
    count = 0
    for programme in _active(now.date()):
        gather_evidence(programme)
        if programme.manager is None:
            continue
        week = week_of(now.date())
        done, total = progress(programme)
        notify.send(
            programme.manager, "onboarding.review",
            f"Weekly onboarding review: {programme.person.name}, day "
            f"{logic.day_of(programme.start_date, now.date())} ({done} of {total} done)",
            "Look at the 30/60/90 goals together and record the review.",
            url=f"/onboarding/{programme.person.slug}/",
            key=f"onboarding.review:{programme.pk}:{week}",
        )  # fmt: skip
        count += 1
    return count


def escalate_overdue(now: datetime | None = None) -> int:
    """An item past its due date in the new person's zone goes to the manager, once."""
    now = now or clock.now()
    count = 0
    for programme in _active(now.date() + timedelta(days=1)):
        if programme.manager is None:
            continue
        today = now.astimezone(ZoneInfo(programme.person.timezone)).date()
        late = programme.items.filter(done_at=None, escalated_at=None, due__lt=today)
        for item in late:
            notify.send(
                programme.manager, "onboarding.overdue",
                f"Overdue in {programme.person.name}'s onboarding: {item.text}",
                f"Due {item.due:%Y-%m-%d}.", url=f"/onboarding/{programme.person.slug}/",
                key=f"onboarding.overdue:{item.pk}",
            )  # fmt: skip
            item.escalated_at = now
            item.save(update_fields=["escalated_at"])
            count += 1
    return count


def progress(programme: Programme) -> tuple[int, int]:
    items = list(programme.items.values_list("done_at", flat=True))
    return sum(1 for d in items if d is not None), len(items)


@dataclass(frozen=True)
class Status:
    programme: Programme
    day: int
    done: int
    total: int
    items: list[Item]
    reviews: list[Review]


def status(person: str, today: date | None = None) -> Status:
    programme = get_programme(person)
    today = today or clock.now().date()
    items = list(programme.items.select_related("done_by"))
    return Status(
        programme, logic.day_of(programme.start_date, today),
        sum(1 for i in items if i.done_at), len(items), items, list(programme.reviews.all()[:10]),
    )  # fmt: skip


def team_programmes(team: Team, today: date | None = None) -> list[Status]:
    today = today or clock.now().date()
    found = Programme.objects.filter(team=team, start_date__gte=today - timedelta(days=120))
    return [status(p.person.slug, today) for p in found.select_related("person")]
