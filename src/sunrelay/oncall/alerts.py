"""Alert intake and the life of an alert group: every write about integrations and groups.

A delivery is deduplicated into one open group per (integration, group key) and one alert per
fingerprint. A new group is routed to a component, its team and the team's escalation policy,
and ``escalation`` pages its first step at once. Acknowledging or resolving (in the hub, the
API, or with a signed one-time link) stops the ladder.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.locks import serialise
from sunrelay.oncall import config, escalation, intake, policies, specs
from sunrelay.oncall.errors import (
    AlertGroupNotFound,
    AlreadyResolved,
    BadPayload,
    IntegrationNotFound,
    LinkInvalid,
)
from sunrelay.oncall.models import Alert, AlertGroup, EscalationPolicy, Integration, Page
from sunrelay.people.models import Component, Person, Team

INTERNAL = "sunrelay"  # the integration behind pages raised in the hub (incidents)


TOUCH_EVERY = timedelta(minutes=1)


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


def integrations() -> list[Integration]:
    """Every alert source, except the internal one behind hub pages."""
    return list(Integration.objects.exclude(kind=INTERNAL).select_related("team").order_by("slug"))


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
    with config.steady():  # the set-up and the directory: checked once for the whole delivery
        return _receive(secret, payload)


def _receive(secret: str, payload: Any) -> Received:
    integration = _integration(_hash(secret))
    if integration is None or integration.kind == INTERNAL:
        raise IntegrationNotFound("no integration has this address", field="secret")
    parse = intake.alertmanager if integration.kind == Integration.ALERTMANAGER else intake.generic
    try:
        incoming = parse(payload)
    except intake.PayloadError as exc:
        raise BadPayload(str(exc), field=exc.field) from None
    _touch(integration)
    with transaction.atomic():
        # one delivery of a group at a time (Alertmanager in HA sends each from every replica);
        # deliveries of other groups go on in parallel
        serialise(f"oncall.group:{integration.pk}:{incoming.group_key}")
        group, created = _open_group(integration, incoming)
        if group is None:  # a resolve for a group we never saw open: nothing to do
            return Received(_closed_group(integration, incoming), False, False)
        if created:  # page its first step; that saves the group, with where it stands
            first = _latest(incoming.alerts)[0]
            escalation.advance(group, opened=escalation.Opened(first.annotations))
        _upsert(group, incoming.alerts, created)
        resolved = False
        if group.state != AlertGroup.RESOLVED and _resolved(integration, incoming, group):
            _resolve(group, None, "resolved by the source")
            resolved = True
    return Received(group, created, resolved)


def _integration(secret_hash: str) -> Integration | None:
    if (kept := config.setup()) is not None:
        return kept.integrations.get(secret_hash)
    return Integration.objects.select_related("team").filter(secret_hash=secret_hash).first()


# when this process last noted a delivery, by integration and its secret (ids may be reused)
_touched: dict[tuple[int, str], datetime] = {}


def _touch(integration: Integration) -> None:
    """Note when the integration last heard from its source: outside the delivery's
    transaction and at most once a minute (per process, and in the database), so deliveries
    never queue on the integration's row nor pay a write each."""
    now = clock.now()
    memo = (integration.pk, integration.secret_hash)
    last = _touched.get(memo)
    if last is not None and last <= now < last + TOUCH_EVERY:
        return
    _touched[memo] = now
    stale = Q(last_received_at__isnull=True) | Q(last_received_at__lt=now - TOUCH_EVERY)
    Integration.objects.filter(stale, pk=integration.pk).update(last_received_at=now)


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
    group = AlertGroup(  # saved by its first escalation step
        integration=integration,
        group_key=incoming.group_key,
        title=incoming.title,
        labels=incoming.labels,
        component=component,
        team=team,
        policy=policies.policy_for(team),
        created_at=clock.now(),
    )
    where = component.slug if component else "no component"
    escalation.log(
        group, f"opened from {integration.name}: routed to {where}, team {team or 'none'}"
    )
    return group, True


def _route(labels: dict[str, str], fallback: Team | None) -> tuple[Component | None, Team | None]:
    component = policies.route(labels)
    return component, (component.owner if component and component.owner else fallback)


def _latest(incoming: list[intake.IncomingAlert]) -> list[intake.IncomingAlert]:
    """One alert per fingerprint, in order; a fingerprint sent twice: the last one counts."""
    return list({a.fingerprint: a for a in incoming}.values())


def _upsert(group: AlertGroup, incoming: list[intake.IncomingAlert], new_group: bool) -> None:
    """Every alert of a delivery in one read and one write, plus one for each alert whose
    content changed (a new group: one write). Not bulk_update: its CASE expression cost more
    CPU than the rest of a delivery."""
    now = clock.now()
    latest = {a.fingerprint: a for a in incoming}  # a fingerprint twice: the last one counts
    known: dict[str, Alert] = {}
    if not new_group:
        known = {a.fingerprint: a for a in group.alerts.filter(fingerprint__in=list(latest))}
    made, seen, changed = [], [], []
    for fingerprint, a in latest.items():
        ends = a.ends_at if a.status == intake.RESOLVED else None
        alert = known.get(fingerprint)
        if alert is None:
            made.append(
                Alert(
                    group=group,
                    fingerprint=fingerprint,
                    status=a.status,
                    labels=a.labels,
                    annotations=a.annotations,
                    starts_at=a.starts_at or now,
                    ends_at=ends,
                    generator_url=a.generator_url[:1000],
                    last_received_at=now,
                )
            )
            continue
        seen.append(alert.pk)
        content = {"status": a.status, "labels": a.labels, "annotations": a.annotations,
                   "ends_at": ends}  # fmt: skip
        if any(getattr(alert, k) != v for k, v in content.items()):
            changed.append((alert.pk, content))
    Alert.objects.bulk_create(made)
    if seen:
        Alert.objects.filter(pk__in=seen).update(received=F("received") + 1, last_received_at=now)
    for pk, content in changed:
        Alert.objects.filter(pk=pk).update(**content)


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
            policy=policy or policies.policy_for(team),
            created_at=clock.now(),
        )
        alert = Alert.objects.create(
            group=group,
            fingerprint=key[:200],
            status=intake.FIRING,
            annotations={"summary": summary} if summary else {},
            starts_at=clock.now(),
            last_received_at=clock.now(),
        )
        escalation.log(group, f"opened in the hub for team {team.name}")
        escalation.advance(group, opened=escalation.Opened(alert.annotations))
    return group


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
        escalation.log(group, f"acknowledged by {person.name}")
        group.save()
        escalation.emit(group, "acknowledged", person)
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
    escalation.log(group, why)
    group.save()
    escalation.emit(group, "resolved", person)


def use_link(token: str) -> AlertGroup:
    """Act on a signed one-time link as the paged person. Raises LinkInvalid (also when the
    link was used before) and AlreadyResolved."""
    page, action = escalation.read_link(token)
    with transaction.atomic():
        page = Page.objects.select_for_update(of=("self",)).select_related("person").get(pk=page.pk)
        if action in page.links_used:
            raise LinkInvalid("this link was used already", field="token")
        if page.person is None:  # removed since the link was read
            raise LinkInvalid("the person this page went to has left", field="token")
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
