"""Queue, deliver and re-send notifications. Every domain sends through ``send``."""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.integrations import outbound
from sunrelay.notify import channels, logic
from sunrelay.notify.errors import NotDeadLetter, NotificationNotFound
from sunrelay.notify.models import Notification, Preference
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.models import Person

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)


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
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing
    now = clock.now()
    preference = Preference.objects.filter(person=person).first()
    routes = preference.routes if preference else {}
    chosen = logic.choose_channels(routes, kind, channels.available(person, preference))
    after = now
    if not urgent:
        after = logic.next_working_instant(
            people_queries.load_directory([person.slug]).schedule(person.slug), now
        )
    try:
        with transaction.atomic():
            return Notification.objects.create(
                key=key,
                recipient=person,
                kind=kind,
                subject=subject.strip()[:300],
                body=body,
                url=url,
                urgent=urgent,
                channels=chosen,
                created_at=now,
                deliver_after=after,
            )
    except IntegrityError:  # another process queued the same key a moment ago
        return Notification.objects.get(key=key)


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0


def due() -> QuerySet[Notification]:
    now = clock.now()
    waiting = Q(state=Notification.PENDING, deliver_after__lte=now)
    abandoned = Q(state=Notification.SENDING, lease_until__lt=now)  # its worker died
    return Notification.objects.filter(waiting | abandoned).order_by("deliver_after", "pk")


def _claim(pk: int) -> bool:
    """Take one notification for this worker; False when another worker took it first."""
    now = clock.now()
    claimable = Q(state=Notification.PENDING) | Q(state=Notification.SENDING, lease_until__lt=now)
    taken = Notification.objects.filter(claimable, pk=pk).update(
        state=Notification.SENDING, lease_until=now + LEASE
    )
    return taken == 1


def _deliver(n: Notification) -> str:
    """Try each channel that has not yet accepted it; '' on success, else the errors."""
    errors = []
    for name in n.channels:
        if name in n.delivered:
            continue
        try:
            channels.get(name).deliver(n)
        except Exception as exc:  # a channel failure must never stop the outbox
            # the stored error is shown in the inbox: what went wrong, never socket details
            # or the URL (a Slack URL is a secret)
            said = str(exc) if isinstance(exc, channels.DeliveryFailed) else outbound.describe(exc)
            errors.append(f"{name}: {said}")
        else:
            n.delivered.append(name)
            if name == "inbox":
                n.inbox_at = clock.now()
    return "; ".join(errors)


def dispatch_due(limit: int = 500) -> DispatchReport:
    """Deliver what is due now. Safe to run in several workers at once: each notification is
    claimed by one atomic update, so it is handed to its channels once."""
    report = DispatchReport()
    for pk in list(due().values_list("pk", flat=True)[:limit]):
        if not _claim(pk):
            continue
        n = Notification.objects.get(pk=pk)
        error = _deliver(n)
        now = clock.now()
        n.attempts += 1
        n.lease_until = None
        if not error:
            n.state, n.sent_at, n.last_error = Notification.SENT, now, ""
            report.sent += 1
        elif n.attempts >= logic.MAX_ATTEMPTS:
            n.state, n.last_error = Notification.DEAD, error
            report.dead += 1
            log.warning("notification %s is a dead letter: %s", n.pk, error)
        else:
            n.state, n.last_error = Notification.PENDING, error
            n.deliver_after = now + logic.backoff(n.attempts)
            report.retried += 1
        n.save()
    return report


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
