"""Escalation: what happens to an alert group after it opens. Each step of the team's policy
pages its people; ``escalate_due`` (every minute) fires the next step when a wait runs out, or at
once when every page of the current step became a dead letter. Pages are urgent notifications
through the outbox, retried and never held for quiet hours, and carry signed one-time links to
acknowledge or resolve. Listeners (incidents) hear of every page, acknowledgement and resolve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F

from sunrelay.cadence import handoffs
from sunrelay.core import clock
from sunrelay.core.removal import LEFT
from sunrelay.notify import outbox
from sunrelay.notify import service as notify
from sunrelay.notify.models import Notification
from sunrelay.oncall import logic, policies, queries, specs
from sunrelay.oncall.errors import LinkInvalid, ScheduleNotFound
from sunrelay.oncall.models import AlertGroup, Page
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Person, Team

LINK_SALT = "sunrelay.oncall.page-link"
LINK_MAX_AGE = 7 * 86_400
ACTIONS = ("acknowledge", "resolve")

# Called after a group changes: (group, event, person). Incidents register here so the
# incident's timeline records pages and acknowledgements without on-call importing them.
Listener = Callable[[AlertGroup, str, Person | None], None]
LISTENERS: list[Listener] = []


def listen(listener: Listener) -> None:
    if listener not in LISTENERS:
        LISTENERS.append(listener)


def emit(group: AlertGroup, event: str, person: Person | None = None) -> None:
    for listener in LISTENERS:
        listener(group, event, person)


def log(group: AlertGroup, text: str) -> None:
    group.log = [*group.log, {"at": clock.now().isoformat(), "text": text}]


def _targets(step: specs.Step, group: AlertGroup) -> list[Person]:
    if step.target == "person":
        return notify.recipients(Person.objects.filter(slug=step.id))
    if step.target == "schedule":
        try:
            ids = queries.who(step.id, clock.now())
        except ScheduleNotFound:  # deleted since the policy was written: nobody to page
            return []
        return notify.recipients(Person.objects.filter(slug__in=ids)) if ids else []
    team = Team.objects.filter(slug=step.id).first()
    if team is None:
        return []
    directory = people_queries.load_directory(team=team.slug)
    return notify.recipients(Person.objects.filter(slug__in=directory.members(team.slug)))


def advance(group: AlertGroup, *, opened: Opened | None = None) -> None:
    """Fire the next step of the group's policy (the first one for a new group). Steps with
    nobody to page are skipped at once; an exhausted ladder tells the team lead. A group
    ``opened`` in the caller's transaction passes what is known of it, which saves reading it
    back."""
    if group.policy is None:
        _fallback(group, opened)
        return
    policy = policies.policy_spec(group.policy)
    position = None if group.step is None else logic.Position(group.step, group.round)
    while True:
        position = logic.next_position(policy, position)
        if position is None:
            group.exhausted, group.next_step_at = True, None
            log(group, "nobody acknowledged: the escalation policy is exhausted")
            _tell_lead(group, opened)
            group.save()
            return
        step = logic.step_at(policy, position)
        targets = _targets(step, group)
        group.step, group.round = position.step, position.round
        if targets:
            break
        log(group, f"step {position.step + 1}: nobody to page ({step.target} {step.id})")
    names = ", ".join(p.name for p in targets)
    log(group, f"step {position.step + 1} (round {position.round + 1}): paged {names}")
    group.next_step_at = clock.now() + step.wait
    group.save()
    about = _about(group, opened)
    for person in targets:
        _page(group, person, about, opened)


def _fallback(group: AlertGroup, opened: Opened | None) -> None:
    """No policy: page the team's lead, or log that nobody owns the alert."""
    lead = group.team.lead if group.team else None
    if lead is None:
        group.exhausted = True
        log(group, "no escalation policy and no team lead: nobody was paged")
        group.save()
        return
    group.step, group.exhausted = 0, True
    log(group, f"no escalation policy: paged the team lead {lead.name}")
    group.save()
    _page(group, lead, _about(group, opened), opened)


def _tell_lead(group: AlertGroup, opened: Opened | None) -> None:
    lead = group.team.lead if group.team else None
    if lead is not None:
        _page(group, lead, _about(group, opened), opened, final=True)


def _page(
    group: AlertGroup, person: Person, about: str, opened: Opened | None, *, final: bool = False
) -> Page:
    key = f"page:{group.pk}:{group.round}:{group.step}:{person.slug}" + (":final" if final else "")
    page = Page.objects.create(
        group=group,
        person=person,
        step=-1 if final else (group.step or 0),
        round=group.round,
        notification_key=key,
        created_at=clock.now(),
    )
    subject = ("Unacknowledged: " if final else "Page: ") + group.title
    notify.send(
        person,
        "page.alert",
        subject,
        page_body(about, page),
        url=f"/oncall/alerts/{group.pk}/",
        urgent=True,
        key=key,
    )
    if opened is None:  # nothing can refer to a group opened in this transaction yet
        emit(group, "paged", person)
    return page


def withdraw_resolved(batch: list[Notification]) -> dict[int, str]:
    """Pages whose alert resolved before their turn in the outbox: not sent, and the alert's
    log says whom it did not page (registered with notify.outbox)."""
    pages = Page.objects.filter(notification_key__in=[n.key for n in batch])
    by_key = {p.notification_key: p for p in pages.select_related("person")}
    out: dict[int, str] = {}
    with transaction.atomic():
        resolved = AlertGroup.objects.select_for_update().filter(
            pk__in={p.group_id for p in by_key.values()}, state=AlertGroup.RESOLVED
        )
        groups = {g.pk: g for g in resolved}
        for n in batch:
            page = by_key.get(n.key)
            group = groups.get(page.group_id) if page is not None else None
            if page is None or group is None:
                continue
            out[n.pk] = "not sent: the alert had resolved before this page went out"
            name = page.person.name if page.person else LEFT
            log(group, f"did not page {name}: the alert had already resolved")
        for group in groups.values():
            group.save(update_fields=["log"])
    return out


outbox.register_withdrawal("page.", withdraw_resolved)


@dataclass(frozen=True)
class Opened:
    """What the caller that opened a group in this transaction knows of it."""

    annotations: dict[str, str]  # of its first alert


def _about(group: AlertGroup, opened: Opened | None) -> str:
    """What every page of the group says: summary, labels, component links, owner, DRI and
    the team's last hand-offs."""
    lines = []
    if opened is not None:
        annotations = opened.annotations
    else:
        first = group.alerts.order_by("pk").values_list("annotations", flat=True)[:1]
        annotations = next(iter(first), {}) or {}
    summary = annotations.get("description") or annotations.get("summary")
    if summary:
        lines += [summary, ""]
    if group.labels:
        lines.append("Labels: " + ", ".join(f"{k}={v}" for k, v in sorted(group.labels.items())))
    component = group.component
    if component is not None:
        owner = component.owner.name if component.owner else "no team"
        dri = component.dri.name if component.dri else "no DRI"
        lines.append(f"Component: {component.name} (owner {owner}, DRI {dri})")
        lines += [f"{x.get('title') or 'Link'}: {x['url']}" for x in component.links]
    if group.team_id is not None:
        recent = handoffs.latest(group.team_id)
        if recent:
            lines.append("Recent hand-offs:")
            lines += [
                f"- {h.created_at:%a %H:%M}Z {h.source} → {h.target}: {h.next_action}"
                for h in recent
            ]
    return "\n".join(lines).strip()


def page_body(about: str, page: Page) -> str:
    """What the person needs to act: what the group is about, and their one-time links."""
    links = [
        f"Acknowledge: {settings.SUNRELAY_URL}/oncall/link/{link_token(page, 'acknowledge')}",
        f"Resolve: {settings.SUNRELAY_URL}/oncall/link/{link_token(page, 'resolve')}",
    ]
    return "\n".join([about, "", *links] if about else links)


def escalate_due(now: datetime | None = None) -> int:
    """Advance every unacknowledged group whose wait ran out, or whose current pages all
    became dead letters that reached nobody outside the hub (a failed channel moves on instead
    of waiting). Returns how many groups moved."""
    now = now or clock.now()
    moved = 0
    for pk in _candidates(now):
        with transaction.atomic():
            group = (
                AlertGroup.objects.select_for_update(of=("self",))
                .select_related("policy", "team")
                .get(pk=pk)
            )
            if group.state != AlertGroup.FIRING or group.exhausted or group.next_step_at is None:
                continue
            due = group.next_step_at <= now
            if not due and _all_dead(group):
                log(group, "every page of this step failed to deliver: escalating now")
                due = True
            if due:
                advance(group)
                moved += 1
    return moved


def _candidates(now: datetime) -> list[int]:
    """The groups that may have to move, found in two queries whatever the number of firing
    groups: those whose wait ran out, and those with a dead letter among their current step's
    pages. Each is checked again under its lock."""
    firing = AlertGroup.objects.filter(
        state=AlertGroup.FIRING, exhausted=False, next_step_at__isnull=False
    )
    waited = set(firing.filter(next_step_at__lte=now).values_list("pk", flat=True))
    dead = Notification.objects.filter(kind="page.alert", state=Notification.DEAD)
    failing = Page.objects.filter(
        group__in=firing.filter(next_step_at__gt=now),
        step=F("group__step"),
        round=F("group__round"),
        notification_key__in=dead.values("key"),
    )
    return sorted(waited | set(failing.values_list("group_id", flat=True)))


def _all_dead(group: AlertGroup) -> bool:
    if group.step is None:
        return False
    keys = list(
        group.pages.filter(step=group.step, round=group.round).values_list(
            "notification_key", flat=True
        )
    )
    return bool(keys) and notify.unreached(keys) == set(keys)


def link_token(page: Page, action: str) -> str:
    return signing.dumps({"page": page.pk, "action": action}, salt=LINK_SALT, compress=True)


def read_link(token: str) -> tuple[Page, str]:
    """The page and action a signed link stands for. Raises LinkInvalid."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkInvalid(
            "this link has expired; open the alert in the hub", field="token"
        ) from None
    except signing.BadSignature:
        raise LinkInvalid("this link is not valid", field="token") from None
    page = Page.objects.select_related("group", "person").filter(pk=data.get("page")).first()
    if page is None or data.get("action") not in ACTIONS:
        raise LinkInvalid("this link is not valid", field="token")
    if page.person is None:
        raise LinkInvalid("the person this page went to has left", field="token")
    return page, str(data["action"])
