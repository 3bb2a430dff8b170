"""Records: write, edit, move through their statuses, link. Every surface calls these; each
use case is one transaction and leaves an event on the record's timeline."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.locks import serialise
from sunrelay.core.permissions import Actor
from sunrelay.decisions import logic
from sunrelay.decisions.errors import RecordNotFound, TransitionNotAllowed
from sunrelay.decisions.models import Event, Link, Record
from sunrelay.decisions.permissions import require_change
from sunrelay.notify import service as notify
from sunrelay.people.models import Component, Person, Team
from sunrelay.people.permissions import actor_of

FIELDS = {
    "title",
    "kind",
    "dri",
    "team",
    "components",
    "teams",
    "tags",
    "body",
    "raci",
    "log",
    "record_date",
}
RACI_ROLES = ("responsible", "accountable", "consulted", "informed")


def get_record(pk: int) -> Record:
    try:
        return Record.objects.select_related("dri", "team").get(pk=pk)
    except (Record.DoesNotExist, ValueError, TypeError):
        raise RecordNotFound(f"no decision record {pk}", field="record") from None


def person_or_none(actor: Actor | Person | str | None) -> Person | None:
    """The person a record's timeline names for ``actor``. Raises ValidationFailed."""
    if isinstance(actor, Actor):
        actor = actor.person
    if actor is None or isinstance(actor, Person):
        return actor
    found = Person.objects.filter(slug=actor).first()
    if found is None:
        raise ValidationFailed(f"{actor!r} is not a person", field="actor")
    return found


def event(
    record: Record, kind: str, actor: Person | None = None, body: str = "", **data: Any
) -> Event:
    return Event.objects.create(
        record=record, at=clock.now(), actor=actor, kind=kind, body=body, data=data
    )


def _rows(model: Any, slugs: Any, where: str) -> list[Any]:
    if not isinstance(slugs, list | tuple) or not all(isinstance(s, str) for s in slugs):
        raise ValidationFailed("must be a list of ids", field=where)
    found = {x.slug: x for x in model.objects.filter(slug__in=slugs)}
    missing = [s for s in slugs if s not in found]
    if missing:
        kind = model.__name__.lower()
        raise ValidationFailed(f"{missing[0]!r} is not a {kind}", field=where)
    return [found[s] for s in dict.fromkeys(slugs)]


def _one(model: Any, slug: Any, where: str) -> Any:
    if slug in (None, ""):
        return None
    return _rows(model, [slug], where)[0]


def _clean_raci(raci: Any) -> dict[str, list[str]]:
    if not isinstance(raci, dict):
        raise ValidationFailed("must map a role to a list of people", field="raci")
    out = {}
    for role, people in raci.items():
        if role not in RACI_ROLES:
            raise ValidationFailed(
                f"unknown role; expected one of {RACI_ROLES}", field=f"raci.{role}"
            )
        out[role] = [p.slug for p in _rows(Person, people, f"raci.{role}")]
    return {k: v for k, v in out.items() if v}


def _apply(record: Record, data: dict[str, Any]) -> list[str]:
    """Lay validated ``data`` over ``record`` (saved); return the names of changed fields."""
    unknown = set(data) - FIELDS
    if unknown:
        raise ValidationFailed("unknown field", field=sorted(unknown)[0])
    changed = []
    if "title" in data:
        title = str(data["title"] or "").strip()
        if not title:
            raise ValidationFailed("a record needs a title", field="title")
        if len(title) > 300:
            raise ValidationFailed("at most 300 characters", field="title")
        changed += ["title"] if title != record.title else []
        record.title = title
    if "kind" in data:
        if data["kind"] not in logic.KINDS:
            raise ValidationFailed(f"must be one of {', '.join(logic.KINDS)}", field="kind")
        record.kind = data["kind"]
    if "body" in data:
        changed += ["body"] if data["body"] != record.body else []
        record.body = str(data["body"] or "")
    if "tags" in data:
        tags = data["tags"]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ValidationFailed("must be a list of words", field="tags")
        record.tags = sorted({t.strip().lower() for t in tags if t.strip()})
    if "dri" in data:
        record.dri = _one(Person, data["dri"], "dri")
    if "team" in data:
        record.team = _one(Team, data["team"], "team")
    if "raci" in data:
        record.raci = _clean_raci(data["raci"])
    if "log" in data and record.pk is None:
        record.log = str(data["log"] or "main")
    if "record_date" in data:
        record.record_date = data["record_date"]
    components = (
        _rows(Component, data["components"], "components") if "components" in data else None
    )
    teams = _rows(Team, data["teams"], "teams") if "teams" in data else None
    record.updated_at = clock.now()
    record.save()
    if components is not None:
        record.components.set(components)
    if teams is not None:
        record.teams.set(teams)
    refresh_search(record)
    return changed + sorted(set(data) - {"title", "body"})


def refresh_search(record: Record) -> None:
    parts = [
        record.title,
        " ".join(record.tags),
        record.body,
        " ".join(c.slug + " " + c.name for c in record.components.all()),
        record.label,
    ]
    Record.objects.filter(pk=record.pk).update(search_text="\n".join(parts))


def next_number(log: str) -> int:
    return (Record.objects.filter(log=log).aggregate(n=Max("number"))["n"] or 0) + 1


def create_record(data: dict[str, Any], actor: Actor | Person | str | None = None) -> Record:
    """A new draft; an empty body starts from the kind's template. Raises ValidationFailed."""
    who = person_or_none(actor)
    data = dict(data)
    data.setdefault("kind", "adr")
    if data["kind"] in logic.KINDS and not str(data.get("body") or "").strip():
        data["body"] = logic.template_body(data["kind"])
    if who is not None and not data.get("dri"):
        data["dri"] = who.slug  # whoever writes it owns it until they name someone else
    log = str(data.pop("log", "") or "main")
    with transaction.atomic():
        serialise(f"decisions.number:{log}")  # two writers never take one number
        now = clock.now()
        record = Record(created_at=now, updated_at=now, record_date=now.date(), log=log)
        record.number = next_number(log)
        _apply(record, {"title": "", **data})
        event(record, "created", who)
    return record


def update_record(
    pk: int, changes: dict[str, Any], actor: Actor | Person | str | None = None
) -> Record:
    """Edit fields as ``actor`` (decisions.permissions); a new DRI is recorded on the timeline.
    Title and body are frozen once a record is rejected, deprecated or superseded: write a new
    record instead. Raises ValidationFailed, TransitionNotAllowed, NotTheDri."""
    who = person_or_none(actor)
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=get_record(pk).pk)
        require_change(actor_of(actor), record, "edit this record")
        old_dri = record.dri.slug if record.dri else None
        frozen = record.status in ("rejected", "deprecated", "superseded")
        if frozen and ({"title", "body"} & set(changes)):
            raise TransitionNotAllowed(
                f"a {record.status} record's text is final; write a new record", field="body"
            )
        changed = _apply(record, changes)
        if changed:
            event(record, "edited", who, fields=changed)
        new_dri = record.dri.slug if record.dri else None
        if new_dri != old_dri:
            event(record, "dri", who, frm=old_dri, to=new_dri)
    return record


def transition(pk: int, to: str, actor: Actor | Person | str | None, note: str = "") -> Record:
    """Move a record as ``actor`` (decisions.permissions): withdraw to draft, accept or reject,
    deprecate. Requesting review is ``review.request_review``; superseding is ``supersede``.
    Raises TransitionNotAllowed, NotTheDri."""
    who = person_or_none(actor)
    if to not in logic.STATUSES:
        raise ValidationFailed(f"must be one of {', '.join(logic.STATUSES)}", field="status")
    if to == "proposed":
        raise TransitionNotAllowed("request a review to propose a record", field="status")
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=get_record(pk).pk)
        require_change(actor_of(actor), record, f"move this record to {to}")
        if not logic.can_move(record.status, to):
            allowed = ", ".join(logic.TRANSITIONS[record.status]) or "nothing"
            raise TransitionNotAllowed(
                f"a {record.status} record can move to {allowed}, not {to}", field="status"
            )
        if to in ("accepted", "rejected"):
            record.decided_at, record.decision_note = clock.now(), note
        previous, record.status, record.status_text = record.status, to, to.capitalize()
        record.updated_at = clock.now()
        record.save()
        event(record, "status", who, note, frm=previous, to=to)
        if to in ("accepted", "rejected"):
            _after_decision(record)
    return record


def _after_decision(record: Record) -> None:
    """Accepting a record that supersedes others supersedes them; the informed hear of it."""
    if record.status == "accepted":
        for link in record.links.filter(kind="supersedes").select_related("target"):
            old = link.target
            if old is not None and old.status in ("accepted", "deprecated"):
                old.status, old.status_text, old.updated_at = "superseded", "", clock.now()
                old.save()
                event(
                    old,
                    "status",
                    None,
                    f"superseded by {record.label}",
                    frm="accepted",
                    to="superseded",
                )
    people = set(record.raci.get("informed", [])) | set(
        record.reviewers.values_list("person__slug", flat=True)
    )
    for slug in sorted(p for p in people if p):  # not those who have left
        notify.send(
            slug,
            "decision.decided",
            f"{record.label} {record.title}: {record.status}",
            record.decision_note,
            url=f"/decisions/{record.pk}/",
            key=f"decision:{record.pk}:decided:{record.status}:{slug}",
        )


def link(pk: int, kind: str, target_pk: int, actor: Actor | Person | str | None = None) -> Link:
    """Link two records both ways (supersedes ↔ superseded-by, amends ↔ amended-by, relates)
    as one who may change the source. Linking ``supersedes`` to an accepted record supersedes
    it when this one is accepted. Raises ValidationFailed, NotTheDri."""
    who = person_or_none(actor)
    if kind not in logic.LINK_KINDS:
        raise ValidationFailed(f"must be one of {', '.join(logic.LINK_KINDS)}", field="kind")
    with transaction.atomic():
        source, target = get_record(pk), get_record(target_pk)
        require_change(actor_of(actor), source, "link this record")
        if source.pk == target.pk:
            raise ValidationFailed("a record cannot link to itself", field="target")
        forward = _add_link(source, kind, target)
        _add_link(target, logic.INVERSE[kind], source)
        event(source, "linked", who, link=kind, target=target.pk)
        if kind == "supersedes" and source.status == "accepted":
            _after_decision(source)
    return forward


def _add_link(source: Record, kind: str, target: Record) -> Link:
    existing = source.links.filter(kind=kind, target=target).first()
    if existing:
        return existing
    return Link.objects.create(
        source=source,
        kind=kind,
        target=target,
        target_number=target.number,
        verb=logic.LINK_VERBS[kind],
        text=f"{target.number}. {target.title}",
        href=target.file,
        position=source.links.count(),
    )
