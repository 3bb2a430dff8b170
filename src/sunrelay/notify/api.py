"""/api/v1/notify: send, the inbox, preferences and the dead-letter list."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from sunrelay.api.auth import acting_person, require_write
from sunrelay.notify import logic, service
from sunrelay.notify.models import Notification, Preference
from sunrelay.people import service as people
from sunrelay.worktime import format_instant

router = Router(tags=["notifications"])
Json = dict[str, Any]


class SendIn(Schema):
    to: str
    subject: str
    body: str = ""
    url: str = ""
    urgent: bool = False
    key: str | None = None


class PreferencesIn(Schema):
    routes: dict[str, list[str]] | None = None
    slack_webhook_url: str | None = None
    webhook_url: str | None = None
    new_secret: bool = False
    actor: str | None = None


def notification_json(n: Notification) -> Json:
    return {
        "id": n.pk,
        "key": n.key,
        "to": n.recipient.slug,
        "kind": n.kind,
        "subject": n.subject,
        "body": n.body,
        "url": n.url,
        "urgent": n.urgent,
        "channels": n.channels,
        "delivered": n.delivered,
        "state": n.state,
        "attempts": n.attempts,
        "last_error": n.last_error,
        "created_at": format_instant(n.created_at),
        "deliver_after": format_instant(n.deliver_after),
        "read": n.read_at is not None,
    }


def preference_json(p: Preference) -> Json:
    return {
        "person": p.person.slug,
        "routes": p.routes,
        "groups": logic.GROUPS,
        "slack_webhook_url": p.slack_webhook_url,
        "webhook_url": p.webhook_url,
        "webhook_secret": p.webhook_secret,  # shown to its owner so they can verify signatures
    }


@router.post("/send", response={201: Json})
def send(request: HttpRequest, payload: SendIn) -> Status[Json]:
    """Queue one notification (quiet hours apply unless ``urgent``)."""
    require_write(request)
    n = service.send(
        payload.to,
        "notify.manual",
        payload.subject,
        payload.body,
        url=payload.url,
        urgent=payload.urgent,
        key=payload.key,
    )
    return Status(201, notification_json(n))


@router.get("/inbox", response=list[Json])
def inbox(request: HttpRequest, actor: str = "", limit: int = 50) -> list[Json]:
    me = people.get_person(acting_person(request, actor or None))
    return [notification_json(n) for n in service.inbox(me)[: max(1, min(limit, 200))]]


@router.post("/inbox/{notification_id}/read", response={204: None})
def mark_read(request: HttpRequest, notification_id: int, actor: str = "") -> Status[None]:
    me = people.get_person(acting_person(request, actor or None))
    service.mark_read(me, notification_id)
    return Status(204, None)


@router.get("/preferences", response=Json)
def preferences(request: HttpRequest, actor: str = "") -> Json:
    me = people.get_person(acting_person(request, actor or None))
    return preference_json(service.preference(me))


@router.put("/preferences", response=Json)
def set_preferences(request: HttpRequest, payload: PreferencesIn) -> Json:
    me = people.get_person(acting_person(request, payload.actor))
    pref = service.set_preferences(
        me,
        routes=payload.routes,
        slack_webhook_url=payload.slack_webhook_url,
        webhook_url=payload.webhook_url,
        new_secret=payload.new_secret,
    )
    return preference_json(pref)


@router.get("/dead-letters", response=list[Json])
def dead_letters(request: HttpRequest) -> list[Json]:
    """Notifications that failed every attempt."""
    require_write(request)
    return [notification_json(n) for n in service.dead_letters()[:200]]


@router.post("/dead-letters/{notification_id}/retry", response=Json)
def retry(request: HttpRequest, notification_id: int) -> Json:
    require_write(request)
    return notification_json(service.retry_dead_letter(notification_id))
