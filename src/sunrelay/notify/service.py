"""Queue, deliver and re-send notifications. Every domain sends through ``send``."""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.lengths import check_lengths
from sunrelay.integrations import outbound
from sunrelay.notify import channels, logic
from sunrelay.notify.errors import NotDeadLetter, NotificationNotFound
from sunrelay.notify.models import Notification, Preference
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.logic import Directory
from sunrelay.people.models import Person

log = logging.getLogger(__name__)


def send(
    recipient: Person | str,
    kind: str,
    subject: str,
    body: str = "",
    *,
    url: str = "",
    urgent: bool = False,
    key: str | None = None,
) -> Notification:
    """Queue one notification; with a ``key`` already queued, return that one unchanged.

    Raises PersonNotFound for an unknown recipient and ValidationFailed for an empty subject.
    """
    person = recipient if isinstance(recipient, Person) else people.get_person(recipient)
    subject = logic.one_line(subject)
    if not subject:
        raise ValidationFailed("a notification needs a subject", field="subject")
    key = key or f"once:{uuid.uuid4()}"
    if not urgent:  # jobs send these again and again: skip choosing a time for a known key
        existing = Notification.objects.filter(key=key).first()
        if existing is not None:
            return existing
    directory = None if urgent else people_queries.load_directory([person.slug])
    made = _queued(person, _preference_of(person), directory, kind, subject, body, url, key)
    try:
        with transaction.atomic():
            made.save(force_insert=True)
            return made
    except IntegrityError:  # queued before (or by another process a moment ago)
        existing = Notification.objects.filter(key=key).first()
        if existing is None:
            raise
        return existing


def queue_for_channel(
    recipient: Person, kind: str, subject: str, channel: str, *, key: str, body: str = ""
) -> Notification:
    """Queue a message for one registered system channel (a revoke hook, …) rather than the
    recipient's own choice of channels: sent now, retried with backoff, a dead letter after
    the last attempt, like any other. ``recipient`` is who answers for it (in the dead-letter
    list and the inbox's errors). With ``key`` already queued, that one is returned."""
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing
    now = clock.now()
    made = Notification(
        key=key, recipient=recipient, kind=kind, subject=logic.one_line(subject)[:300],
        body=body, urgent=True, channels=[channel], created_at=now, deliver_after=now,
    )  # fmt: skip
    made.save(force_insert=True)
    return made


def send_many(
    recipients: Iterable[Person],
    kind: str,
    subject: str,
    body: str = "",
    *,
    url: str = "",
    key: Callable[[Person], str],
) -> int:
    """``send`` one message to many people (a team's digest): the keys already queued, their
    preferences and their working hours are read once for all, and the new rows written in one
    statement. ``key`` names each person's copy; a copy already queued (by this or another
    process) is left as it is. Returns how many were queued. Not for urgent messages.

    Raises ValidationFailed for an empty subject or a value longer than its column."""
    subject = logic.one_line(subject)
    if not subject:
        raise ValidationFailed("a notification needs a subject", field="subject")
    everyone = {p.pk: p for p in recipients}
    keys = {pk: key(p) for pk, p in everyone.items()}
    queued = set(
        Notification.objects.filter(key__in=list(keys.values())).values_list("key", flat=True)
    )
    wanted = [p for pk, p in everyone.items() if keys[pk] not in queued]
    if not wanted:
        return 0
    preferences = {p.person_id: p for p in Preference.objects.filter(person__in=wanted)}
    directory = people_queries.load_directory([p.slug for p in wanted])
    after: dict[int, datetime] = {}  # readers who share a working schedule share the answer
    made = [
        _queued(p, preferences.get(p.pk), directory, kind, subject, body, url, keys[p.pk], after)
        for p in wanted
    ]
    for notification in made:
        check_lengths(Notification, notification)
    Notification.objects.bulk_create(made, ignore_conflicts=True)
    return len(made)


def _queued(
    person: Person,
    preference: Preference | None,
    directory: Directory | None,
    kind: str,
    subject: str,
    body: str,
    url: str,
    key: str,
    memo: dict[int, datetime] | None = None,
) -> Notification:
    """The row that queues one message; ``directory`` (the person's working hours) for one
    that waits for them, None for an urgent one, which goes now. ``memo`` keeps the next
    working instant by schedule object, for many messages queued at once."""
    now = clock.now()
    routes = preference.routes if preference else {}
    chosen = logic.choose_channels(routes, kind, channels.available(person, preference))
    after = now
    if directory is not None:
        schedule = directory.schedule(person.slug)
        known = memo.get(id(schedule)) if memo is not None else None
        after = known or logic.next_working_instant(schedule, now)
        if memo is not None:
            memo[id(schedule)] = after
    return Notification(
        key=key,
        recipient=person,
        kind=kind,
        subject=subject.strip()[:300],
        body=body,
        url=url,
        urgent=directory is None,
        channels=chosen,
        created_at=now,
        deliver_after=after,
    )


_READ_ALONG = "_notify_preference"


def recipients(people: QuerySet[Person]) -> list[Person]:
    """People about to be sent to, each with their preferences read along in the same query,
    so that ``send`` does not read them again (pages to many people at once)."""
    found = list(people.select_related("preference"))
    for person in found:
        setattr(person, _READ_ALONG, getattr(person, "preference", None))
    return found


def _preference_of(person: Person) -> Preference | None:
    if hasattr(person, _READ_ALONG):
        return getattr(person, _READ_ALONG)
    return Preference.objects.filter(person=person).first()


def get_notification(pk: int) -> Notification:
    try:
        return Notification.objects.select_related("recipient").get(pk=pk)
    except Notification.DoesNotExist:
        raise NotificationNotFound(f"no notification {pk}", field="id") from None


def retry_dead_letter(pk: int) -> Notification:
    """Queue a dead letter again, now, with a fresh set of attempts. Raises NotDeadLetter."""
    with transaction.atomic():
        n = get_notification(pk)
        if n.state != Notification.DEAD:
            raise NotDeadLetter(f"notification {pk} is {n.state}, not a dead letter", field="id")
        n.state, n.attempts, n.deliver_after = Notification.PENDING, 0, clock.now()
        n.save()
    return n


def dead_letters() -> QuerySet[Notification]:
    return Notification.objects.filter(state=Notification.DEAD).select_related("recipient")


def inbox(person: Person) -> QuerySet[Notification]:
    """What has reached the person's hub inbox, newest first."""
    return Notification.objects.filter(recipient=person, inbox_at__isnull=False).order_by(
        "-inbox_at", "-pk"
    )


def mark_read(person: Person, pk: int) -> None:
    with transaction.atomic():
        Notification.objects.filter(recipient=person, pk=pk, read_at=None).update(
            read_at=clock.now()
        )


def preference(person: Person) -> Preference:
    """The person's preferences, created with the defaults on first use."""
    found, _ = Preference.objects.get_or_create(person=person)
    return found


def set_preferences(
    person: Person,
    *,
    routes: object = None,
    slack_webhook_url: str | None = None,
    webhook_url: str | None = None,
    new_secret: bool = False,
) -> Preference:
    """Change where the person's messages go. ``None`` leaves a setting as it is.

    Raises ValidationFailed naming the field: an unknown group or channel, a URL that is not
    http(s).
    """
    with transaction.atomic():
        pref = Preference.objects.select_for_update().get(pk=preference(person).pk)
        if routes is not None:
            try:
                pref.routes = logic.check_routes(routes)
            except ValueError as exc:
                raise ValidationFailed(str(exc), field="routes") from None
        for field, value in (
            ("slack_webhook_url", slack_webhook_url),
            ("webhook_url", webhook_url),
        ):
            if value is None:
                continue
            value = value.strip()
            if value and not value.startswith(("https://", "http://")):
                raise ValidationFailed("must be an http(s) URL", field=field)
            if value and (problem := outbound.refusal(value)):
                raise ValidationFailed(problem, field=field)
            setattr(pref, field, value)
        if pref.webhook_url and (new_secret or not pref.webhook_secret):
            pref.webhook_secret = secrets.token_hex(32)
        pref.save()
    return pref


def unreached(keys: list[str]) -> set[str]:
    """The keys whose notification is a dead letter that no outside channel delivered: only
    the hub inbox has it, so the person has most likely not seen it."""
    dead = Notification.objects.filter(key__in=keys, state=Notification.DEAD)
    return {
        key
        for key, delivered in dead.values_list("key", "delivered")
        if set(delivered) <= {"inbox"}
    }
