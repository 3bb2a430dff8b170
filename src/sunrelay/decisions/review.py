"""The review workflow: requests with deadlines in each reviewer's own working time, comments,
verdicts, and the escalation ladder when a deadline passes with objections open."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.decisions import logic
from sunrelay.decisions.errors import NotAReviewer, TransitionNotAllowed
from sunrelay.decisions.models import Event, Record, Reviewer
from sunrelay.decisions.permissions import require_change
from sunrelay.decisions.service import event, get_record, person_or_none
from sunrelay.notify import service as notify
from sunrelay.people import delegation
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Person, Team
from sunrelay.people.permissions import actor_of
from sunrelay.worktime import NoWorkingTime, Period, deadline, format_instant, slots, usual_day

HUDDLE = timedelta(minutes=30)


def _url(record: Record) -> str:
    return f"/decisions/{record.pk}/"


def _reviewers(
    record: Record, people: list[str], teams: list[str]
) -> list[tuple[Person, Team | None, bool]]:
    chosen: dict[str, tuple[Person, Team | None, bool]] = {}
    found = {p.slug: p for p in Person.objects.filter(slug__in=people)}
    for slug in people:
        if slug not in found:
            raise ValidationFailed(f"{slug!r} is not a person", field="reviewers")
        chosen[slug] = (found[slug], None, False)
    for tid in teams:
        team = Team.objects.filter(slug=tid).prefetch_related("members").first()
        if team is None:
            raise ValidationFailed(f"{tid!r} is not a team", field="teams")
        for member in team.members.all():
            chosen.setdefault(member.slug, (member, team, False))
    consulted = record.raci.get("consulted", [])
    for p in Person.objects.filter(slug__in=consulted):
        chosen.setdefault(p.slug, (p, None, True))
    if record.dri_id:
        chosen = {k: v for k, v in chosen.items() if v[0].pk != record.dri_id}
    return list(chosen.values())


def due_times(record: Record, people: list[str], at: datetime) -> dict[str, datetime | None]:
    """Each reviewer's deadline: the team's period for the record's kind, counted in that
    reviewer's own working time from ``at``; None for someone with no working time in the
    next two years (a sabbatical), who cannot review."""
    period = period_for(record)
    directory = people_queries.load_directory(people)
    out: dict[str, datetime | None] = {}
    for slug in people:
        spec = directory.person(slug)
        working = period.working_time(usual_day(spec.working_hours))
        try:
            out[slug] = deadline(directory.schedule(slug), at, working)
        except NoWorkingTime:
            out[slug] = None
    return out


def period_for(record: Record) -> Period:
    """The review period of the record's kind in its team's agreement (or the default)."""
    agreement = record.team.agreement if record.team is not None else {}
    return logic.review_period(record.kind, agreement)


def _delegated(
    chosen: list[tuple[Person, Team | None, bool]], record: Record, now: datetime
) -> tuple[list[tuple[Person, Team | None, bool]], dict[str, str]]:
    """A reviewer who is away now and names a delegate for reviews
    (agreement.failure.delegates) is replaced by that delegate, unless the delegate is the
    DRI or already reviews. Returns the reviewers and {delegate: for whom}."""
    out: list[tuple[Person, Team | None, bool]] = []
    standing_in: dict[str, str] = {}
    taken = {p.slug for p, _, _ in chosen}
    for person, team, consulted in chosen:
        delegate = delegation.stand_in(person, "reviews", now)
        if (
            delegate is not None
            and delegate.pk != person.pk
            and delegate.pk != record.dri_id
            and delegate.slug not in taken
        ):
            standing_in[delegate.slug] = person.slug
            taken.add(delegate.slug)
            person = delegate
        out.append((person, team, consulted))
    return out, standing_in


def _reachable(
    chosen: list[tuple[Person, Team | None, bool]], due: dict[str, datetime | None]
) -> tuple[list[tuple[Person, Team | None, bool]], dict[str, datetime], list[str]]:
    """Leave out team members who cannot review for years (named on the timeline); a person
    named as a reviewer who cannot is refused, naming them. Raises ValidationFailed."""
    away = sorted(slug for slug, at in due.items() if at is None)
    named = [p.slug for p, team, _ in chosen if team is None and p.slug in away]
    if named:
        raise ValidationFailed(
            f"{named[0]} has no working time in the next two years (away?); "
            "ask someone else to review",
            field="reviewers",
        )
    kept = [c for c in chosen if c[0].slug not in away]
    if not kept:
        raise ValidationFailed("every reviewer named is away for years", field="reviewers")
    return kept, {k: v for k, v in due.items() if v is not None}, away


def request_review(
    pk: int,
    actor: Actor | Person | str | None,
    *,
    reviewers: Sequence[str] = (),
    teams: Sequence[str] = (),
) -> Record:
    """Propose a draft: every reviewer (people, members of teams, and the RACI's consulted)
    gets a deadline in their own working time and a notification. Raises
    TransitionNotAllowed (not a draft), ValidationFailed (no DRI, no reviewers), NotTheDri."""
    who = person_or_none(actor)
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=get_record(pk).pk)
        require_change(actor_of(actor), record, "request review of this record")
        if record.status != "draft":
            raise TransitionNotAllowed(f"a {record.status} record is not a draft", field="status")
        if record.dri_id is None:
            raise ValidationFailed("name a DRI before requesting review", field="dri")
        chosen = _reviewers(record, list(reviewers), list(teams))
        if not chosen:
            raise ValidationFailed(
                "name at least one reviewer other than the DRI", field="reviewers"
            )
        now = clock.now()
        chosen, standing_in = _delegated(chosen, record, now)
        chosen, due, away = _reachable(
            chosen, due_times(record, [p.slug for p, _, _ in chosen], now)
        )
        record.reviewers.all().delete()
        for person, team, consulted in chosen:
            Reviewer.objects.create(
                record=record,
                person=person,
                via_team=team,
                consulted=consulted,
                due_at=due[person.slug],
            )
        record.status, record.status_text = "proposed", "Proposed"
        record.review_requested_at, record.review_due_at = now, max(due.values())
        record.rung, record.rung_since, record.updated_at = "none", None, now
        record.save()
        event(
            record,
            "review_requested",
            who,
            reviewers={k: format_instant(v) for k, v in sorted(due.items())},
            away=away,
            standing_in=standing_in,
        )
        for person, _, _ in chosen:
            notify.send(
                person,
                "decision.review_requested",
                f"Review {record.label} {record.title} by {format_instant(due[person.slug])}",
                f"{who.name if who else 'Someone'} asks for your review.",
                url=_url(record),
                key=f"decision:{record.pk}:review:{person.slug}:{now.isoformat()}",
            )
    return record


def comment(
    pk: int,
    actor: Actor | Person | str | None,
    body: str,
    *,
    section: str = "",
    reply_to: int | None = None,
) -> Event:
    """A comment, optionally on one section, optionally answering another comment."""
    who = person_or_none(actor)
    if who is None:
        raise ValidationFailed("a comment needs an author", field="actor")
    if not body.strip():
        raise ValidationFailed("write something", field="body")
    with transaction.atomic():
        record = get_record(pk)
        parent = None
        if reply_to is not None:
            parent = record.events.filter(pk=reply_to).first()
            if parent is None:
                raise ValidationFailed(f"no comment {reply_to} on this record", field="reply_to")
        kind = "answer" if parent is not None and who.pk == record.dri_id else "comment"
        found = Event.objects.create(
            record=record,
            at=clock.now(),
            actor=who,
            kind=kind,
            body=body.strip(),
            section=section.strip()[:200],
            parent=parent,
        )
    return found


def _verdict(pk: int, actor: Actor | Person | str | None, state: str, body: str) -> Reviewer:
    who = person_or_none(actor)
    with transaction.atomic():
        record = get_record(pk)
        if record.status != "proposed":
            raise TransitionNotAllowed(f"a {record.status} record is not in review", field="status")
        review = record.reviewers.filter(person=who).first() if who else None
        if review is None:
            raise NotAReviewer(
                "only the record's reviewers approve or request changes", field="actor"
            )
        if state == Reviewer.CHANGES and not body.strip():
            raise ValidationFailed("say what should change", field="body")
        review.state, review.answered_at = state, clock.now()
        review.save()
        event(
            record,
            state,
            who,
            body.strip(),
            late=bool(review.due_at and review.answered_at > review.due_at),
        )
    return review


def approve(pk: int, actor: Actor | Person | str | None, body: str = "") -> Reviewer:
    """Raises NotAReviewer, TransitionNotAllowed."""
    return _verdict(pk, actor, Reviewer.APPROVED, body)


def request_changes(pk: int, actor: Actor | Person | str | None, body: str) -> Reviewer:
    """An objection; it stays open until the same reviewer approves. Raises as ``approve``."""
    return _verdict(pk, actor, Reviewer.CHANGES, body)


def record_retro(pk: int, actor: Actor | Person | str | None, notes: str) -> Record:
    """The optional last rung: the DRI (or the lead, or staff) writes down what the team
    learned. Raises NotTheDri."""
    who = person_or_none(actor)
    with transaction.atomic():
        record = get_record(pk)
        require_change(actor_of(actor), record, "record the retro")
        if record.status not in ("accepted", "rejected"):
            raise TransitionNotAllowed("hold a retro once the record is decided", field="status")
        if not notes.strip():
            raise ValidationFailed("write what was learned", field="notes")
        record.rung, record.rung_since = "retro", clock.now()
        record.save()
        event(record, "retro", who, notes.strip())
    return record


# -- when deadlines pass -----------------------------------------------------------------------


def advance_reviews() -> int:
    """Run by the worker: mark overdue reviewers and move records with open objections past
    their deadline up the ladder, one rung at a time. Idempotent; returns the steps taken."""
    steps = 0
    now = clock.now()
    for pk in (
        Record.objects.filter(status="proposed", review_due_at__isnull=False)
        .exclude(rung="dri-decides")
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            record = Record.objects.select_for_update(of=("self",)).select_related("dri").get(pk=pk)
            steps += _note_overdue(record, now)
            steps += _climb(record, now)
    return steps


def _note_overdue(record: Record, now: datetime) -> int:
    late = list(
        record.reviewers.filter(
            state=Reviewer.PENDING, due_at__lte=now, overdue_noted_at=None
        ).select_related("person")
    )
    for review in late:
        # the filter above only finds pending reviews with a due time, and pending ones go
        # with a person who leaves
        assert review.due_at is not None and review.person is not None
        review.overdue_noted_at = now
        review.save(update_fields=["overdue_noted_at"])
        event(record, "overdue", review.person, due=format_instant(review.due_at))
        notify.send(
            review.person,
            "decision.overdue",
            f"Your review of {record.label} is overdue",
            f"It was due {format_instant(review.due_at)}.",
            url=_url(record),
            key=f"decision:{record.pk}:overdue:{review.person.slug}",
        )
    return len(late)


def _climb(record: Record, now: datetime) -> int:
    assert record.review_due_at is not None
    objectors = [  # those who have left cannot be met: their verdict stays on the record
        r.person
        for r in record.reviewers.filter(state=Reviewer.CHANGES).select_related("person")
        if r.person is not None
    ]
    rung = logic.next_rung(
        record.rung, overdue=now >= record.review_due_at, objections=bool(objectors)
    )
    if rung is None or not _waited(record, now):
        return 0
    # an absent DRI's delegate decides in their place (agreement.failure.delegates)
    decider = delegation.stand_in(record.dri, "decisions", now)
    involved = [decider, *objectors] if decider else objectors
    names = ", ".join(p.name for p in objectors)
    data: dict[str, object] = {"objectors": [p.slug for p in objectors]}
    if rung == "async-thread":
        text = (
            f"The review deadline has passed with objections from {names}. "
            "Resolve them in this record's thread."
        )
    elif rung == "huddle":
        slot = _huddle_slot([p.slug for p in involved], now)
        data |= {
            "start": format_instant(slot[0]),
            "end": format_instant(slot[1]),
            "outside_minutes": slot[2],
        }
        text = (
            f"Proposed a 30-minute huddle at {data['start']} for "
            f"{record.dri.name if record.dri else 'the DRI'} and {names}."
        )
    else:
        who = decider.name if decider else "the DRI"
        if decider is not None and record.dri is not None and decider.pk != record.dri.pk:
            who = f"{decider.name} (for {record.dri.name}, who is away)"
        text = f"Objections are still open; {who} decides and records why."
    record.rung, record.rung_since = rung, now
    record.save(update_fields=["rung", "rung_since"])
    event(record, "escalated", None, text, rung=rung, **data)
    for person in involved:
        notify.send(
            person,
            "decision.escalated",
            f"{record.label}: {logic.LADDER_LABELS[rung]}",
            text,
            url=_url(record),
            key=f"decision:{record.pk}:rung:{rung}:{person.slug}",
        )
    return 1


def _waited(record: Record, now: datetime) -> bool:
    """Long enough at the current rung: the first rung comes at once; the huddle's rung ends
    when the huddle has passed; others after STEP_WAIT of the DRI's working time."""
    if record.rung == "none" or record.rung_since is None:
        return True
    if record.rung == "huddle":
        last = record.events.filter(kind="escalated").order_by("-at", "-pk").first()
        end = (last.data or {}).get("end") if last else None
        return end is not None and format_instant(now) >= end
    if record.dri is None:
        return now - record.rung_since >= logic.STEP_WAIT
    schedule = people_queries.load_directory([record.dri.slug]).schedule(record.dri.slug)
    try:
        return deadline(schedule, record.rung_since, logic.STEP_WAIT) <= now
    except NoWorkingTime:  # a DRI away for years cannot be waited for: the ladder moves on
        return True


def _huddle_slot(people: list[str], now: datetime) -> tuple[datetime, datetime, int]:
    schedules = people_queries.load_directory(people).schedules(people)
    start = now.replace(second=0, microsecond=0) + timedelta(hours=1)
    found = slots(schedules, HUDDLE, start, start + timedelta(days=5), limit=1)
    return found[0].start, found[0].end, found[0].outside_minutes


# -- reading -----------------------------------------------------------------------------------


def waiting_on(person: Person) -> dict[str, list]:
    """What a person owes: reviews to give (overdue first) and records whose DRI they are with
    an open review or a rung that needs them; and, for 30 days, records decided while their
    review was still pending."""
    reviews = list(
        Reviewer.objects.filter(person=person, state=Reviewer.PENDING, record__status="proposed")
        .select_related("record")
        .order_by("due_at")
    )
    answers = list(
        Reviewer.objects.filter(
            record__dri=person, state=Reviewer.CHANGES, record__status="proposed"
        ).select_related("record", "person")
    )
    decide = list(Record.objects.filter(dri=person, status="proposed", rung="dri-decides"))
    # records decided while this person's review was still pending: kept in sight for a while,
    # so a reviewer learns of it instead of the review silently disappearing
    skipped = list(
        Reviewer.objects.filter(
            person=person,
            state=Reviewer.PENDING,
            record__decided_at__gte=clock.now() - SKIPPED_SHOWN,
        )
        .exclude(record__status__in=("draft", "proposed"))
        .select_related("record", "record__dri")
        .order_by("-record__decided_at")
    )
    return {"reviews": reviews, "objections": answers, "decide": decide, "skipped": skipped}


SKIPPED_SHOWN = timedelta(days=30)  # how long "decided without your review" stays in sight
