"""Alert intake, routing, escalation and pages: every write about alert groups.

A delivery is deduplicated into one open group per (integration, group key) and one alert per
fingerprint. A new group is routed to a component, its team and the team's escalation policy,
and the policy's first step pages at once. ``escalate_due`` (every minute) fires the next step
when a wait runs out, or at once when every page of the current step became a dead letter.
Pages are urgent notifications through the outbox: retried, never held for quiet hours.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction

from sunrelay.cadence import handoffs
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.notify import service as notify
from sunrelay.oncall import intake, logic, service, specs
from sunrelay.oncall.errors import (
    AlertGroupNotFound,
    AlreadyResolved,
    BadPayload,
    IntegrationNotFound,
    LinkInvalid,
)
from sunrelay.oncall.models import Alert, AlertGroup, EscalationPolicy, Integration, Page
from sunrelay.people import queries as people_queries
from sunrelay.people.models import Component, Person, Team

LINK_SALT = "sunrelay.oncall.page-link"
LINK_MAX_AGE = 7 * 86_400
ACTIONS = ("acknowledge", "resolve")
INTERNAL = "sunrelay"  # the integration behind pages raised in the hub (incidents)

# Called after a group changes: (group, event, person). Incidents register here so the
# incident's timeline records pages and acknowledgements without on-call importing them.
Listener = Callable[[AlertGroup, str, Person | None], None]
LISTENERS: list[Listener] = []


def listen(listener: Listener) -> None:
    if listener not in LISTENERS:
        LISTENERS.append(listener)


def _emit(group: AlertGroup, event: str, person: Person | None = None) -> None:
    for listener in LISTENERS:
        listener(group, event, person)


def _log(group: AlertGroup, text: str) -> None:
    group.log = [*group.log, {"at": clock.now().isoformat(), "text": text}]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# -- integrations --------------------------------------------------------------------------------


def create_integration(
    slug: str, name: str, kind: str, team: str | None = None
) -> tuple[Integration, str]:
    """A new alert source and its secret (shown once; only its hash is kept).

    Raises ValidationFailed for a bad id, a taken id or an unknown kind; TeamNotFound.
    """
    if not specs.ID.match(slug or ""):
        raise ValidationFailed(f"{slug!r} is not an id", field="id")
    if kind not in (Integration.ALERTMANAGER, Integration.GENERIC):
        raise ValidationFailed(f"{kind!r} is not alertmanager or generic", field="kind")
    with transaction.atomic():
        if Integration.objects.filter(slug=slug).exists():
            raise ValidationFailed(f"an integration {slug!r} exists already", field="id")
        secret = secrets.token_urlsafe(24)
        found = Integration.objects.create(
            slug=slug,
            name=name.strip() or slug,
            kind=kind,
            secret_hash=_hash(secret),
            team=Team.objects.filter(slug=team).first() if team else None,
            created_at=clock.now(),
        )
        if team and found.team is None:
            raise ValidationFailed(f"no team with id {team!r}", field="team")
    return found, secret


def rotate_secret(slug: str) -> str:
    """A new secret URL; the old one stops working at once."""
    with transaction.atomic():
        found = Integration.objects.filter(slug=slug).first()
        if found is None:
            raise IntegrationNotFound(f"no integration {slug!r}", field="integration")
        secret = secrets.token_urlsafe(24)
        found.secret_hash = _hash(secret)
        found.save()
    return secret


def intake_url(secret: str) -> str:
    return f"{settings.SUNRELAY_URL}/api/v1/oncall/intake/{secret}"


# -- intake ----------------------------------------------------------------------------------------


@dataclass
class Received:
    group: AlertGroup
    created: bool  # a new group was opened (and its first step paged)
    resolved: bool  # this delivery resolved the group


def receive(secret: str, payload: Any) -> Received:
    """Take one webhook delivery. Raises IntegrationNotFound for an unknown secret and
    BadPayload naming the field."""
    integration = Integration.objects.filter(secret_hash=_hash(secret)).first()
    if integration is None or integration.kind == INTERNAL:
        raise IntegrationNotFound("no integration has this address", field="secret")
    parse = intake.alertmanager if integration.kind == Integration.ALERTMANAGER else intake.generic
    try:
        incoming = parse(payload)
    except intake.PayloadError as exc:
        raise BadPayload(str(exc), field=exc.field) from None
    with transaction.atomic():
        integration.last_received_at = clock.now()
        integration.save(update_fields=["last_received_at"])
        group, created = _open_group(integration, incoming)
        if group is None:  # a resolve for a group we never saw open: nothing to do
            return Received(_closed_group(integration, incoming), False, False)
        for alert in incoming.alerts:
            _upsert(group, alert)
        resolved = False
        if group.state != AlertGroup.RESOLVED and _resolved(integration, incoming, group):
            _resolve(group, None, "resolved by the source")
            resolved = True
        if created:
            _advance(group)
    return Received(group, created, resolved)


def _resolved(integration: Integration, incoming: intake.IncomingGroup, group: AlertGroup) -> bool:
    if integration.kind == Integration.ALERTMANAGER:
        return incoming.status == intake.RESOLVED
    return not group.alerts.filter(status=intake.FIRING).exists()


def _closed_group(integration: Integration, incoming: intake.IncomingGroup) -> AlertGroup:
    found = (
        AlertGroup.objects.filter(integration=integration, group_key=incoming.group_key)
        .order_by("-created_at")
        .first()
    )
    if found is None:
        raise BadPayload("no open alert group has this key to resolve", field="groupKey")
    return found


def _open_group(
    integration: Integration, incoming: intake.IncomingGroup
) -> tuple[AlertGroup | None, bool]:
    group = (
        AlertGroup.objects.select_for_update()
        .filter(integration=integration, group_key=incoming.group_key)
        .exclude(state=AlertGroup.RESOLVED)
        .first()
    )
    if group is not None:
        return group, False
    if incoming.status == intake.RESOLVED and all(
        a.status == intake.RESOLVED for a in incoming.alerts
    ):
        return None, False
    component, team = _route(incoming.labels, integration.team)
    group = AlertGroup.objects.create(
        integration=integration,
        group_key=incoming.group_key,
        title=incoming.title,
        labels=incoming.labels,
        component=component,
        team=team,
        policy=service.policy_for(team),
        created_at=clock.now(),
    )
    where = component.slug if component else "no component"
    _log(group, f"opened from {integration.name}: routed to {where}, team {team or 'none'}")
    return group, True


def _route(labels: dict[str, str], fallback: Team | None) -> tuple[Component | None, Team | None]:
    slug = specs.route(service.route_specs(), labels)
    component = (
        Component.objects.select_related("owner", "dri").filter(slug=slug).first() if slug else None
    )
    return component, (component.owner if component and component.owner else fallback)


def _upsert(group: AlertGroup, incoming: intake.IncomingAlert) -> None:
    now = clock.now()
    alert = Alert.objects.filter(group=group, fingerprint=incoming.fingerprint).first()
    if alert is None:
        Alert.objects.create(
            group=group,
            fingerprint=incoming.fingerprint,
            status=incoming.status,
            labels=incoming.labels,
            annotations=incoming.annotations,
            starts_at=incoming.starts_at or now,
            ends_at=incoming.ends_at if incoming.status == intake.RESOLVED else None,
            generator_url=incoming.generator_url[:1000],
            last_received_at=now,
        )
        return
    alert.status, alert.labels, alert.annotations = (
        incoming.status,
        incoming.labels,
        incoming.annotations,
    )
    alert.ends_at = incoming.ends_at if incoming.status == intake.RESOLVED else None
    alert.received += 1
    alert.last_received_at = now
    alert.save()


def open_page(
    team: Team, title: str, summary: str, key: str, *, policy: EscalationPolicy | None = None
) -> AlertGroup:
    """Page a team now from inside the hub (an incident): a group of the internal integration,
    escalated by the team's policy. With a ``key`` already open, that group is returned."""
    with transaction.atomic():
        integration = Integration.objects.filter(slug=INTERNAL).first()
        if integration is None:
            integration = Integration.objects.create(
                slug=INTERNAL,
                name="Sunrelay",
                kind=INTERNAL,
                secret_hash=_hash(secrets.token_urlsafe(24)),
                created_at=clock.now(),
            )
        existing = AlertGroup.objects.filter(integration=integration, group_key=key).first()
        if existing is not None:
            return existing
        group = AlertGroup.objects.create(
            integration=integration,
            group_key=key,
            title=title[:300],
            labels={"team": team.slug},
            team=team,
            policy=policy or service.policy_for(team),
            created_at=clock.now(),
        )
        Alert.objects.create(
            group=group,
            fingerprint=key[:200],
            status=intake.FIRING,
            annotations={"summary": summary} if summary else {},
            starts_at=clock.now(),
            last_received_at=clock.now(),
        )
        _log(group, f"opened in the hub for team {team.name}")
        _advance(group)
    return group


# -- escalation ------------------------------------------------------------------------------------


def _targets(step: specs.Step, group: AlertGroup) -> list[Person]:
    if step.target == "person":
        return list(Person.objects.filter(slug=step.id))
    if step.target == "schedule":
        ids = service.who(step.id, clock.now())
        return list(Person.objects.filter(slug__in=ids))
    team = Team.objects.filter(slug=step.id).first()
    if team is None:
        return []
    directory = people_queries.load_directory(team=team.slug)
    return list(Person.objects.filter(slug__in=directory.members(team.slug)))


def _advance(group: AlertGroup) -> None:
    """Fire the next step of the group's policy (the first one for a new group). Steps with
    nobody to page are skipped at once; an exhausted ladder tells the team lead."""
    if group.policy is None:
        _fallback(group)
        return
    policy = service.policy_spec(group.policy)
    position = None if group.step is None else logic.Position(group.step, group.round)
    while True:
        position = logic.next_position(policy, position)
        if position is None:
            group.exhausted, group.next_step_at = True, None
            _log(group, "nobody acknowledged: the escalation policy is exhausted")
            _tell_lead(group)
            group.save()
            return
        step = logic.step_at(policy, position)
        targets = _targets(step, group)
        group.step, group.round = position.step, position.round
        if targets:
            break
        _log(group, f"step {position.step + 1}: nobody to page ({step.target} {step.id})")
    names = ", ".join(p.name for p in targets)
    _log(group, f"step {position.step + 1} (round {position.round + 1}): paged {names}")
    group.next_step_at = clock.now() + step.wait
    group.save()
    for person in targets:
        _page(group, person)


def _fallback(group: AlertGroup) -> None:
    """No policy: page the team's lead, or log that nobody owns the alert."""
    lead = group.team.lead if group.team else None
    if lead is None:
        group.exhausted = True
        _log(group, "no escalation policy and no team lead: nobody was paged")
        group.save()
        return
    group.step, group.exhausted = 0, True
    _log(group, f"no escalation policy: paged the team lead {lead.name}")
    group.save()
    _page(group, lead)


def _tell_lead(group: AlertGroup) -> None:
    lead = group.team.lead if group.team else None
    if lead is not None:
        _page(group, lead, final=True)


def _page(group: AlertGroup, person: Person, *, final: bool = False) -> Page:
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
        page_body(group, page),
        url=f"/oncall/alerts/{group.pk}/",
        urgent=True,
        key=key,
    )
    _emit(group, "paged", person)
    return page


def page_body(group: AlertGroup, page: Page) -> str:
    """What the person needs to act: summary, labels, component links, owner, DRI, the team's
    last hand-offs, and the one-time links."""
    lines = []
    first = group.alerts.first()
    summary = (
        first.annotations.get("description") or first.annotations.get("summary") if first else ""
    )
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
    if group.team is not None:
        recent = list(handoffs.recent(group.team.slug, limit=3))
        if recent:
            lines.append("Recent hand-offs:")
            lines += [
                f"- {h.created_at:%a %H:%M}Z {h.source} → {h.target}: {h.next_action}"
                for h in recent
            ]
    lines += [
        "",
        f"Acknowledge: {settings.SUNRELAY_URL}/oncall/link/{link_token(page, 'acknowledge')}",
        f"Resolve: {settings.SUNRELAY_URL}/oncall/link/{link_token(page, 'resolve')}",
    ]
    return "\n".join(lines).strip()


def escalate_due(now: datetime | None = None) -> int:
    """Advance every unacknowledged group whose wait ran out, or whose current pages all
    became dead letters that reached nobody outside the hub (a failed channel moves on instead
    of waiting). Returns how many groups moved."""
    now = now or clock.now()
    moved = 0
    firing = AlertGroup.objects.filter(state=AlertGroup.FIRING, exhausted=False)
    for pk in list(firing.values_list("pk", flat=True)):
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
                _log(group, "every page of this step failed to deliver: escalating now")
                due = True
            if due:
                _advance(group)
                moved += 1
    return moved


def _all_dead(group: AlertGroup) -> bool:
    if group.step is None:
        return False
    keys = list(
        group.pages.filter(step=group.step, round=group.round).values_list(
            "notification_key", flat=True
        )
    )
    return bool(keys) and notify.unreached(keys) == set(keys)


# -- acknowledge and resolve -----------------------------------------------------------------------


def get_group(pk: int) -> AlertGroup:
    found = (
        AlertGroup.objects.select_related("integration", "component", "team", "policy")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise AlertGroupNotFound(f"no alert group {pk}", field="id")
    return found


def acknowledge(pk: int, person: Person) -> AlertGroup:
    """Stop the escalation: someone has it. Acknowledging twice changes nothing.
    Raises AlertGroupNotFound and AlreadyResolved."""
    with transaction.atomic():
        group = AlertGroup.objects.select_for_update().get(pk=get_group(pk).pk)
        if group.state == AlertGroup.RESOLVED:
            raise AlreadyResolved("this alert is resolved already", field="id")
        if group.state == AlertGroup.ACKNOWLEDGED:
            return group
        group.state, group.acknowledged_at, group.acknowledged_by = (
            AlertGroup.ACKNOWLEDGED,
            clock.now(),
            person,
        )
        group.next_step_at = None
        _log(group, f"acknowledged by {person.name}")
        group.save()
        _emit(group, "acknowledged", person)
    return group


def resolve(pk: int, person: Person | None) -> AlertGroup:
    """Close the group. Raises AlertGroupNotFound and AlreadyResolved."""
    with transaction.atomic():
        group = AlertGroup.objects.select_for_update().get(pk=get_group(pk).pk)
        if group.state == AlertGroup.RESOLVED:
            raise AlreadyResolved("this alert is resolved already", field="id")
        _resolve(group, person, f"resolved by {person.name}" if person else "resolved")
    return group


def _resolve(group: AlertGroup, person: Person | None, why: str) -> None:
    now = clock.now()
    group.state, group.resolved_at, group.resolved_by = AlertGroup.RESOLVED, now, person
    group.next_step_at = None
    if group.acknowledged_at is None and person is not None:
        group.acknowledged_at, group.acknowledged_by = now, person
    _log(group, why)
    group.save()
    _emit(group, "resolved", person)


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
    return page, str(data["action"])


def use_link(token: str) -> AlertGroup:
    """Act on a signed one-time link as the paged person. Raises LinkInvalid (also when the
    link was used before) and AlreadyResolved."""
    page, action = read_link(token)
    with transaction.atomic():
        page = Page.objects.select_for_update().select_related("person").get(pk=page.pk)
        if action in page.links_used:
            raise LinkInvalid("this link was used already", field="token")
        page.links_used = [*page.links_used, action]
        page.save()
        if action == "acknowledge":
            return acknowledge(page.group_id, page.person)
        return resolve(page.group_id, page.person)


def groups(state: str | None = None, team: str | None = None) -> Any:
    found = AlertGroup.objects.select_related("integration", "component", "team", "acknowledged_by")
    if state:
        found = found.filter(state=state)
    if team:
        found = found.filter(team__slug=team)
    return found
