"""/api/v1/cadence: weekly updates, risks and asks, digests, participation, hand-offs,
rituals and their occurrences, rotations, burden and calendar feeds."""

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from sunrelay.api.auth import acting, actor
from sunrelay.cadence import feeds, handoffs, logic, retros, rituals, status
from sunrelay.cadence import permissions as cadence_permissions
from sunrelay.cadence.models import RetroInput, StatusUpdate
from sunrelay.cadence.schemas import (
    ActorIn,
    HandoffIn,
    ItemPatch,
    OccurrenceIn,
    RitualIn,
    UpdateIn,
    due_json,
    handoff_json,
    item_json,
    planned_json,
    ritual_json,
    update_json,
)
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.people import service as people
from sunrelay.worktime import format_instant, parse_instant

router = Router(tags=["cadence"])
Json = dict[str, Any]


def _week(week: str) -> str:
    return status.check_week(week or logic.week_of(clock.now().date()))


@router.get("/status/due", response=list[Json])
def due(request: HttpRequest, week: str = "", team: str = "") -> list[Json]:
    """Each person's due instant for the week, in UTC and on their own clock."""
    return [due_json(r) for r in status.dues(_week(week), team or None)]


@router.post("/status/updates", response={201: Json})
def post_update(request: HttpRequest, payload: UpdateIn) -> Status[Json]:
    """Post or edit the acting person's update (Done / Next / Risks / Asks)."""
    data = payload.dict(exclude={"actor", "week", "team", "links"})
    update = status.post_update(
        acting(request, payload.actor),
        week=payload.week,
        team=payload.team,
        links=payload.links,
        **data,
    )
    return Status(201, update_json(update))


@router.get("/status/updates", response=list[Json])
def updates(request: HttpRequest, week: str = "", team: str = "") -> list[Json]:
    """The week's updates, of one team's members if ``team`` is given."""
    found = StatusUpdate.objects.filter(week=_week(week)).select_related("author", "team")
    if team:
        found = found.filter(
            author__slug__in=[r.person.slug for r in status.dues(_week(week), team)]
        )
    return [update_json(u) for u in found.prefetch_related("items")]


@router.get("/status/digest", response=Json)
def digest(request: HttpRequest, team: str, week: str = "") -> Json:
    """The team's digest: as sent once compiled, else a preview of what it would say now."""
    found = people.get_team(team)
    sent = found.digests.filter(week=_week(week)).first()
    if sent:
        return {"team": team, "week": sent.week, "compiled": True, "body": sent.body}
    body = status.digest_markdown(found, _week(week), status.dues(_week(week), team))
    return {"team": team, "week": _week(week), "compiled": False, "body": body}


@router.get("/teams/{team}/risks", response=list[Json])
def risks(request: HttpRequest, team: str, state: str = "open") -> list[Json]:
    """The team's risk register: risks and asks, open ones unless ``state`` says otherwise."""
    return [item_json(i) for i in status.register(team, state=state)]


@router.patch("/items/{item_id}", response=Json)
def settle(request: HttpRequest, item_id: int, payload: ItemPatch) -> Json:
    item = status.settle_item(
        item_id,
        acting(request, payload.actor),
        state=payload.state,
        resolution=payload.resolution,
        owner=payload.owner,
    )
    return item_json(item)


@router.get("/teams/{team}/participation", response=Json)
def participation(request: HttpRequest, team: str, weeks: int = 8) -> Json:
    """Per person and week: on-time, late, missing or away; with rates per person and week."""
    if not 1 <= weeks <= 52:
        raise ValidationFailed("weeks must be 1 to 52", field="weeks")
    last = logic.week_of(clock.now().date())
    return status.participation(team, [logic.shift_week(last, -k) for k in reversed(range(weeks))])


@router.post("/teams/{team}/followers", response={204: None})
def follow(request: HttpRequest, team: str, payload: ActorIn) -> Status[None]:
    """Receive the team's weekly digest."""
    status.follow(team, acting(request, payload.actor))
    return Status(204, None)


@router.delete("/teams/{team}/followers", response={204: None})
def unfollow(request: HttpRequest, team: str, actor: str = "") -> Status[None]:
    status.follow(team, acting(request, actor or None), on=False)
    return Status(204, None)


@router.get("/teams/{team}/chain", response=Json)
def chain(request: HttpRequest, team: str, day: date | None = None) -> Json:
    """The team's follow-the-sun chain: who hands over to whom, and when (UTC)."""
    people.get_team(team)
    result, members = handoffs.team_chain(team, day or clock.now().date())
    return {
        "team": team,
        "units": members,
        "handoffs": [
            {
                "from": h.source,
                "to": h.target,
                "at": format_instant(h.at),
                "overlap_minutes": h.overlap_minutes,
            }
            for h in result.handoffs
        ],
        "off": result.off,
    }


@router.post("/handoffs", response={201: Json})
def write_handoff(request: HttpRequest, payload: HandoffIn) -> Status[Json]:
    """Hand the acting person's work to the next region of the team's chain."""
    data = payload.dict(exclude={"actor", "team"})
    h = handoffs.write_handoff(acting(request, payload.actor), payload.team, **data)
    return Status(201, handoff_json(h))


@router.get("/handoffs", response=list[Json])
def list_handoffs(request: HttpRequest, team: str = "", open: bool = True) -> list[Json]:
    """Open hand-offs with their age in the receivers' working time (or the recent ones)."""
    if open:
        return [handoff_json(o.handoff, o) for o in handoffs.open_handoffs(team or None)]
    return [handoff_json(h) for h in handoffs.recent(team or None)]


@router.post("/handoffs/{handoff_id}/ack", response=Json)
def acknowledge(request: HttpRequest, handoff_id: int, payload: ActorIn) -> Json:
    return handoff_json(handoffs.acknowledge(handoff_id, acting(request, payload.actor)))


@router.get("/rituals", response=list[Json])
def list_rituals(request: HttpRequest, team: str = "") -> list[Json]:
    """Every ritual the caller may see: a 1:1 only by its two attendees (and operators)."""
    found = rituals.Ritual.objects.prefetch_related("owners", "attendees").select_related("team")
    if team:
        found = found.filter(team=people.get_team(team))
    viewer = actor(request, read=True)
    return [ritual_json(r) for r in found if cadence_permissions.may_read(viewer, r)]


@router.post("/rituals", response={201: Json})
def create_ritual(request: HttpRequest, payload: RitualIn) -> Status[Json]:
    """A recurring ritual (RFC 5545 ``rrule`` on local ``start`` in ``timezone``) or a 1:1."""
    made = rituals.save_ritual(payload.dict(exclude_none=True), by=actor(request))
    return Status(201, ritual_json(made))


@router.get("/rituals/{ritual_id}", response=Json)
def get_ritual(request: HttpRequest, ritual_id: int) -> Json:
    r = rituals.get_ritual(ritual_id, actor(request, read=True))
    return {**ritual_json(r), "completion": rituals.completion(r), "burden": rituals.burden(r)}


@router.patch("/rituals/{ritual_id}", response=Json)
def change_ritual(request: HttpRequest, ritual_id: int, payload: RitualIn) -> Json:
    changes = payload.dict(exclude_unset=True)
    return ritual_json(rituals.save_ritual(changes, ritual_id, actor(request)))


@router.delete("/rituals/{ritual_id}", response={204: None})
def delete_ritual(request: HttpRequest, ritual_id: int) -> Status[None]:
    rituals.delete_ritual(ritual_id, actor(request))
    return Status(204, None)


@router.get("/rituals/{ritual_id}/occurrences", response=list[Json])
def occurrences(request: HttpRequest, ritual_id: int, start: str = "", end: str = "") -> list[Json]:
    """Occurrences in [start, end) (default: the next 8 weeks), with agenda and notes."""
    lo = clock.read_instant(start, "start") if start else clock.now()
    hi = clock.read_instant(end, "end") if end else lo + timedelta(weeks=8)
    if hi <= lo or (hi - lo).days > 400:
        raise ValidationFailed("end must be after start, within 400 days", field="end")
    found = rituals.get_ritual(ritual_id, actor(request, read=True))
    return [planned_json(p) for p in rituals.agenda(found, lo, hi)]


@router.put("/rituals/{ritual_id}/occurrences/{start}", response=Json)
def save_occurrence(
    request: HttpRequest, ritual_id: int, start: str, payload: OccurrenceIn
) -> Json:
    """Write an occurrence's agenda, notes, recording link, owners or state (held/skipped)."""
    by = actor(request)
    ritual = rituals.get_ritual(ritual_id, by)
    at = clock.read_instant(start, "start")
    occ = rituals.save_occurrence(ritual, at, by, **payload.dict(exclude_none=True))
    length = timedelta(minutes=ritual.duration_minutes)
    return planned_json(rituals.Planned(occ.start, occ.start + length, occ))


@router.get("/rituals/{ritual_id}/rotation", response=Json)
def propose_rotation(request: HttpRequest, ritual_id: int) -> Json:
    """The fairest rotation of slots for the ritual's participants (not saved)."""
    ritual = rituals.get_ritual(ritual_id, actor(request, read=True))
    proposal = rituals.propose_rotation(ritual)
    people_ = [p.slug for p in rituals.participants(ritual)]
    return {
        "slots": [format_instant(s.start) for s in proposal.slots],
        "worst_share": proposal.worst_share,
        "burden": {
            p: {"outside": o, "minutes": m} for p, (o, m) in proposal.burden(people_).items()
        },
    }


@router.post("/rituals/{ritual_id}/rotation", response=Json)
def rotate(request: HttpRequest, ritual_id: int) -> Json:
    """Adopt the proposed rotation."""
    by = actor(request)
    return ritual_json(rituals.rotate(rituals.get_ritual(ritual_id, by), by=by))


@router.get("/calendar", response=Json)
def calendar(request: HttpRequest, actor: str = "") -> Json:
    """The acting person's private calendar URL, and their teams'."""
    me = acting(request, actor or None)
    return {
        "person": feeds.url(feeds.feed_for(me)),
        "teams": {t.slug: feeds.url(feeds.feed_for(t)) for t in me.teams.all()},
    }


class CardIn(Schema):
    start: str
    kind: str
    text: str
    actor: str | None = None


class ActionIn(Schema):
    owner: str
    due: date
    actor: str | None = None


def card_json(c: RetroInput) -> Json:
    return {
        "id": c.pk,
        "kind": c.kind,
        "text": c.text,
        "owner": c.owner.slug if c.owner else None,
        "due": c.due.isoformat() if c.due else None,
        "done": c.done_at is not None,
    }


@router.post("/rituals/{pk}/retro", response={201: Json})
def add_retro_card(request: HttpRequest, pk: int, payload: CardIn) -> Status[Json]:
    """A card on a retrospective's board for the meeting at ``start``."""
    try:
        start = parse_instant(payload.start)
    except ValueError:
        raise ValidationFailed("not an instant", field="start") from None
    made = retros.add_input(
        pk, start, actor(request, payload.actor), kind=payload.kind, text=payload.text
    )
    return Status(201, card_json(made))


@router.post("/retro/{card}/action", response=Json)
def make_retro_action(request: HttpRequest, card: int, payload: ActionIn) -> Json:
    return card_json(
        retros.make_action(
            card, actor(request, payload.actor), owner=payload.owner, due=payload.due
        )
    )


@router.post("/retro/{card}/done", response=Json)
def finish_retro_action(request: HttpRequest, card: int, payload: ActorIn) -> Json:
    return card_json(retros.complete_action(card, actor(request, payload.actor)))
