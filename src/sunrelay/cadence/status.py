"""Weekly async status updates: posting, risks and asks as items, due times, reminders,
digests and participation. Every write here is one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from sunrelay.cadence import logic
from sunrelay.cadence.errors import ItemNotFound
from sunrelay.cadence.models import Digest, Follow, Item, StatusUpdate
from sunrelay.core import clock
from sunrelay.core.errors import PermissionDenied, ValidationFailed
from sunrelay.core.removal import LEFT
from sunrelay.notify import service as notify
from sunrelay.notify.models import Notification
from sunrelay.people import queries as people_queries
from sunrelay.people import service as people
from sunrelay.people.logic import Directory
from sunrelay.people.models import Person, Team
from sunrelay.worktime import (
    Period,
    Schedule,
    WeeklyTime,
    parse_period,
    parse_weekly_time,
)

SECTIONS = ("done", "next", "risks", "asks")
OUTLOOKS = ("struggling", "steady", "ahead")


# --- due times --------------------------------------------------------------------------


def team_rule(team: Team) -> WeeklyTime:
    """The team's due time (``agreement.status.due``), or Monday 17:00."""
    due = (team.agreement.get("status") or {}).get("due")
    return parse_weekly_time(due) if due else logic.DEFAULT_DUE


def person_rule(person: Person) -> WeeklyTime:
    """Someone in several teams owes one update, by the earliest of their teams' due times."""
    rules = [team_rule(t) for t in person.teams.all()]
    return min(rules, key=lambda r: (r.weekday, r.at)) if rules else logic.DEFAULT_DUE


def check_week(week: str) -> str:
    try:
        logic.parse_week(week)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="week") from None
    return week


@dataclass(frozen=True)
class Due:
    person: Person
    week: str
    due: datetime
    schedule: Schedule
    away: bool  # no working time at all that week: not expected to post
    update: StatusUpdate | None
    asked_at: datetime  # the instant the question was asked: state never moves after it

    @property
    def reminder(self) -> datetime:
        return logic.reminder_instant(self.schedule, self.due)

    @property
    def state(self) -> str:
        if self.update is not None:
            return "on-time" if self.update.on_time else "late"
        if self.away:
            return "away"
        return "missing" if self.asked_at >= self.due else "not-due"


def _dues(persons: list[Person], weeks: list[str], directory: Directory) -> list[Due]:
    updates = {
        (u.author_id, u.week): u
        for u in StatusUpdate.objects.filter(author__in=persons, week__in=weeks)
    }
    rows, asked_at = [], clock.now()
    mondays = {week: logic.parse_week(week) for week in weeks}
    # people share due rules, zones and (without absences) schedule objects: each answer once
    dues: dict[tuple[WeeklyTime, str, str], datetime] = {}
    away: dict[tuple[int, str], bool] = {}
    for person in persons:
        rule, schedule = person_rule(person), directory.schedule(person.slug)
        for week in weeks:
            key = (rule, week, person.timezone)
            if key not in dues:
                dues[key] = rule.instant(mondays[week], person.timezone)
            off = (id(schedule), week)
            if off not in away:
                monday = mondays[week]
                away[off] = all(schedule.is_day_off(monday + timedelta(days=d)) for d in range(7))
            update = updates.get((person.pk, week))
            rows.append(Due(person, week, dues[key], schedule, away[off], update, asked_at))
    return rows


def dues_of(person: Person, week: str) -> list[Due]:
    """The person's own due instant (and update) for ``week``."""
    check_week(week)
    return _dues([person], [week], people_queries.load_directory([person.slug]))


def dues(week: str, team: str | None = None) -> list[Due]:
    """Each person's due instant for ``week`` (the team's members, or everyone in a team)."""
    check_week(week)
    if team:
        return _team_dues(people.get_team(team), [week])
    found = Person.objects.filter(teams__isnull=False).distinct()
    directory = people_queries.load_directory([p.slug for p in found])
    return _dues(list(found.prefetch_related("teams").order_by("slug")), [week], directory)


def _team_dues(team: Team, weeks: list[str]) -> list[Due]:
    directory = people_queries.load_directory(team=team.slug)
    found = Person.objects.filter(slug__in=directory.people).prefetch_related("teams")
    return _dues(list(found.order_by("slug")), weeks, directory)


# --- posting ------------------------------------------------------------------------------


def clean_links(links: Any) -> list[dict[str, str]]:
    """Links as ``{"url", "title"}``, from dicts or bare URLs. Raises ValidationFailed."""
    if not isinstance(links, list | tuple | type(None)):
        raise ValidationFailed("links must be a list", field="links")
    clean = []
    for i, link in enumerate(links or []):
        url = str(link.get("url") or "" if isinstance(link, dict) else link).strip()
        if not url.startswith(("https://", "http://", "/")):
            raise ValidationFailed("a link must be an http(s) URL", field=f"links.{i}")
        title = link.get("title", "") if isinstance(link, dict) else ""
        clean.append({"url": url, "title": str(title).strip()[:200]})
    return clean


# Higher domains react to an update without this module knowing them: a capacity note raises
# the team's capacity signal (work in flight); an ask that names nobody may be routed to the
# person an open pressure-release valve names.
CapacityHook = Callable[[StatusUpdate], None]
AskRouter = Callable[[Team], Person | None]
CAPACITY_HOOKS: list[CapacityHook] = []
ASK_ROUTERS: list[AskRouter] = []


def register_capacity_hook(hook: CapacityHook) -> None:
    if hook not in CAPACITY_HOOKS:
        CAPACITY_HOOKS.append(hook)


def register_ask_router(router: AskRouter) -> None:
    if router not in ASK_ROUTERS:
        ASK_ROUTERS.append(router)


def post_update(
    author: Person,
    *,
    week: str | None = None,
    team: str | None = None,
    links: Any = None,
    capacity: str = "",
    outlook: str = "",
    outlook_why: str = "",
    **sections: str,
) -> StatusUpdate:
    """Post (or edit) the author's update for ``week`` (default: their current local week).

    Each bullet under Risks and Asks becomes an item owned by the first ``@person`` it names,
    else by the person an open valve routes asks to, else by the author; editing keeps
    matching items and drops open ones no longer listed. A new ``capacity`` note says the
    team is at capacity (the registered hooks raise its signal, in the same transaction).
    ``outlook`` is the author's view of how the team is doing (struggling, steady, ahead).
    Raises ValidationFailed (week, team, links, done, outlook, a mention) and TeamNotFound.
    """
    if outlook not in ("", *OUTLOOKS):
        raise ValidationFailed(f"outlook must be one of {', '.join(OUTLOOKS)}", field="outlook")
    now = clock.now()
    week = check_week(week or logic.local_week(now, author.timezone))
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValidationFailed(f"unknown section {sorted(unknown)[0]!r}", field="sections")
    text = {s: (sections.get(s) or "").strip() for s in SECTIONS}
    if not any(text.values()):
        raise ValidationFailed(
            "an update needs at least one of Done, Next, Risks, Asks", field="done"
        )
    home = _home_team(author, team)
    links = clean_links(links)
    with transaction.atomic():
        # the author's row serialises their posts: the first update of a week is inserted once
        Person.objects.select_for_update().filter(pk=author.pk).first()
        update = StatusUpdate.objects.filter(author=author, week=week).first()
        if update is None:
            update = StatusUpdate(author=author, week=week, posted_at=now)
        update.due_at = logic.due_instant(person_rule(author), week, author.timezone)
        update.team, update.links, update.edited_at = home, links, now
        for s in SECTIONS:
            setattr(update, s, text[s])
        update.outlook, update.outlook_why = outlook, outlook_why.strip()
        raised = capacity.strip() and capacity.strip() != update.capacity
        update.capacity = capacity.strip() or update.capacity
        update.save()
        _sync_items(update, author, now)
        if raised:
            for hook in CAPACITY_HOOKS:
                hook(update)
    return update


def _home_team(author: Person, slug: str | None) -> Team | None:
    if slug:
        team = people.get_team(slug)
        if not team.members.filter(pk=author.pk).exists() and team.lead_id != author.pk:
            raise ValidationFailed(f"{author.slug} is not in team {slug}", field="team")
        return team
    return author.teams.order_by("slug").first()


def _routed(team: Team | None) -> Person | None:
    if team is None:
        return None
    for router in ASK_ROUTERS:
        found = router(team)
        if found is not None:
            return found
    return None


def _sync_items(update: StatusUpdate, author: Person, now: datetime) -> None:
    routed = _routed(update.team) if update.asks.strip() else None
    for kind, text in ((Item.RISK, update.risks), (Item.ASK, update.asks)):
        listed = logic.bullet_items(text)
        mentioned = {m for _, ms in listed for m in ms}
        known = {p.slug: p for p in Person.objects.filter(slug__in=mentioned)}
        existing = {i.text: i for i in update.items.filter(kind=kind)}
        for entry, mentions in listed:
            if entry in existing:
                existing.pop(entry)
                continue
            fallback = routed if kind == Item.ASK and routed is not None else author
            owner = next((known[m] for m in mentions if m in known), fallback)
            Item.objects.create(
                kind=kind,
                text=entry,
                team=update.team,
                owner=owner,
                raised_by=author,
                update=update,
                raised_at=now,
                due_at=item_due(owner, kind, update.team, now),
            )
        for gone in existing.values():
            if gone.state == Item.OPEN:
                gone.state, gone.resolved_at = Item.DROPPED, now
                gone.save()


ITEM_WITHIN = {Item.ASK: Period(3, "d"), Item.RISK: Period(5, "d")}


def item_due(owner: Person, kind: str, team: Team | None, at: datetime) -> datetime | None:
    """When a risk or ask should be answered: the team's ``status.ask_within`` or
    ``risk_within`` (3 and 5 working days by default) in the owner's working time."""
    key = "ask_within" if kind == Item.ASK else "risk_within"
    text = ((team.agreement if team else {}).get("status") or {}).get(key)
    try:
        period = parse_period(text) if text else ITEM_WITHIN[kind]
    except ValueError:
        period = ITEM_WITHIN[kind]
    return people_queries.due_in_working_time(owner.slug, at, period)


def get_item(pk: int) -> Item:
    try:
        return Item.objects.select_related("owner", "raised_by", "team").get(pk=pk)
    except Item.DoesNotExist:
        raise ItemNotFound(f"no risk or ask {pk}", field="id") from None


def settle_item(
    pk: int, by: Person, *, state: str = Item.RESOLVED, resolution: str = "", owner: str = ""
) -> Item:
    """Resolve or drop an item, or hand it to a new ``owner``. Its owner, whoever raised it
    and the team's lead may do this. Raises ItemNotFound, PermissionDenied, ValidationFailed."""
    with transaction.atomic():
        item = get_item(pk)
        lead = item.team.lead_id if item.team else None
        if by.pk not in (item.owner_id, item.raised_by_id, lead):
            raise PermissionDenied("only the owner, the raiser or the team lead", field="id")
        if owner:
            item.owner = people.get_person(owner)
            item.due_at = item_due(item.owner, item.kind, item.team, clock.now())
        if state not in dict(Item.STATES):
            raise ValidationFailed(f"state must be one of {dict(Item.STATES)}", field="state")
        if state == Item.OPEN and item.owner is None:  # open work has an owner (ADR 24)
            raise ValidationFailed(
                "its owner has left: name a new owner to reopen it", field="owner"
            )
        item.state, item.resolution = state, resolution.strip() or item.resolution
        item.resolved_at = None if state == Item.OPEN else clock.now()
        item.save()
    return item


def overdue_items(now: datetime) -> QuerySet[Item]:
    """Open risks and asks past their due time, for whoever climbs them up a route."""
    return Item.objects.filter(state=Item.OPEN, due_at__lte=now).select_related("team", "owner")


def climb_item(pk: int, due_at: datetime | None) -> Item:
    """One more step up the route: the next person's deadline, or none left."""
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=pk)
        item.escalated += 1
        item.due_at = due_at
        item.save(update_fields=["escalated", "due_at"])
    return item


def register(team: str, *, state: str = Item.OPEN) -> QuerySet[Item]:
    """The team's risks and asks (open ones by default), oldest first."""
    found = Item.objects.filter(team=people.get_team(team))
    if state != "all":
        found = found.filter(state=state)
    return found.select_related("owner", "raised_by", "update")


# --- following, reminders and digests ---------------------------------------------------


def follow(team: str, person: Person, *, on: bool = True) -> None:
    with transaction.atomic():
        found = people.get_team(team)
        if on:
            Follow.objects.get_or_create(team=found, person=person)
        else:
            Follow.objects.filter(team=found, person=person).delete()


def send_reminders(now: datetime | None = None) -> int:
    """Remind everyone whose reminder time has come and whose update is not in yet (once per
    person and week: the idempotency key makes a second run a no-op)."""
    now = now or clock.now()
    weeks = sorted({logic.week_of((now + timedelta(days=d)).date()) for d in (-1, 0, 1)})
    persons = list(Person.objects.filter(teams__isnull=False).distinct().prefetch_related("teams"))
    directory = people_queries.load_directory([p.slug for p in persons])
    done = set(
        Notification.objects.filter(
            kind="status.reminder", created_at__gte=now - timedelta(days=9)
        ).values_list("key", flat=True)
    )
    # people whose reminder reads the same (week, local due time) are sent it together
    batches: dict[tuple[str, str], list[Person]] = {}
    for row in _dues(persons, weeks, directory):
        key = _reminder_key(row.person, row.week)
        if row.update or row.away or key in done or not (row.reminder <= now < row.due):
            continue
        local = row.due.astimezone(directory.schedule(row.person.slug).zone)
        batches.setdefault((row.week, f"{local:%a %H:%M}"), []).append(row.person)
    sent = 0
    for (week, due), readers in batches.items():
        sent += notify.send_many(
            readers,
            "status.reminder",
            f"Your weekly update for {week} is due {due}",
            "Done / Next / Risks / Asks: a few lines each is plenty.",
            url=f"/cadence/status/new/?week={week}",
            key=lambda person, week=week: _reminder_key(person, week),  # type: ignore[misc]
        )
    return sent


def _reminder_key(person: Person, week: str) -> str:
    return f"status.reminder:{person.slug}:{week}"


def compile_digests(now: datetime | None = None) -> list[Digest]:
    """Compile each team's digest once the last member's due time has passed, and send it
    to the members and followers."""
    now = now or clock.now()
    weeks = sorted({logic.week_of((now + timedelta(days=d)).date()) for d in (-7, 0)})
    compiled = set(Digest.objects.filter(week__in=weeks).values_list("team_id", "week"))
    made = []
    for team in Team.objects.all():
        pending = [w for w in weeks if (team.pk, w) not in compiled]
        if not pending:
            continue
        rows = _team_dues(team, pending)  # both weeks' dues in one read
        for week in pending:
            due = [r for r in rows if r.week == week]
            if not due or max(r.due for r in due) > now:
                continue
            made.append(_compile(team, week, due, now))
    return made


def _compile(team: Team, week: str, rows: list[Due], now: datetime) -> Digest:
    body = digest_markdown(team, week, rows)
    with transaction.atomic():
        digest, created = Digest.objects.get_or_create(
            team=team, week=week, defaults={"compiled_at": now, "body": body}
        )
        if not created:
            return digest
        readers = {r.person.pk: r.person for r in rows}
        readers.update({f.person.pk: f.person for f in team.followers.select_related("person")})
        notify.send_many(
            readers.values(),
            "status.digest",
            f"{team.name}: weekly digest {week}",
            body,
            url=f"/cadence/teams/{team.slug}/{week}/",
            key=lambda reader: f"status.digest:{team.slug}:{week}:{reader.slug}",
        )
    return digest


def digest_markdown(team: Team, week: str, rows: list[Due]) -> str:
    posted = [r for r in rows if r.update]
    missing = [r.person.name for r in rows if r.state == "missing"]
    lines = [
        f"# {team.name}: week {week}",
        "",
        f"{len(posted)} of {len([r for r in rows if not r.away])} posted"
        f" ({sum(1 for r in posted if r.state == 'on-time')} on time)."
        + (f" Not posted: {', '.join(missing)}." if missing else ""),
    ]
    for r in posted:
        assert r.update is not None
        lines += ["", f"## {r.person.name}" + ("" if r.update.on_time else " (late)")]
        for s in SECTIONS:
            if getattr(r.update, s):
                lines += ["", f"**{s.capitalize()}**", "", getattr(r.update, s)]
    open_items = list(Item.objects.filter(team=team, state=Item.OPEN).select_related("owner"))
    for kind, title in ((Item.RISK, "Open risks"), (Item.ASK, "Open asks")):
        items = [i for i in open_items if i.kind == kind]
        if items:
            lines += ["", f"## {title}", ""]
            lines += [f"- {i.text} (owner: {i.owner.name if i.owner else LEFT})" for i in items]
    return "\n".join(lines) + "\n"


# --- participation ----------------------------------------------------------------------


def participation(team: str, weeks: list[str]) -> dict[str, Any]:
    """Per person and per week: on-time, late, missing, away or not-due; and the rates
    (posted over expected, where away and not-due weeks are not expected)."""
    for w in weeks:
        check_week(w)
    return participation_of(team, weeks, team_dues(people.get_team(team), weeks))


def team_dues(team: Team, weeks: list[str]) -> list[Due]:
    """Every due of the team's members (pods included) for each of ``weeks``, in one read:
    by person (in id order), then by week."""
    return _team_dues(team, weeks)


def participation_of(team: str, weeks: list[str], rows: list[Due]) -> dict[str, Any]:
    """``participation`` from dues already read (``team_dues``)."""
    persons = list({r.person.pk: r.person for r in rows}.values())

    def rate(selected: list[Due]) -> float | None:
        expected = [r for r in selected if r.state in ("on-time", "late", "missing")]
        return (
            round(sum(r.update is not None for r in expected) / len(expected), 3)
            if expected
            else None
        )

    by_person: dict[int, list[Due]] = {}
    by_week: dict[str, list[Due]] = {}
    for r in rows:
        by_person.setdefault(r.person.pk, []).append(r)
        by_week.setdefault(r.week, []).append(r)
    return {
        "team": team,
        "weeks": weeks,
        "people": [
            {
                "id": p.slug,
                "name": p.name,
                "weeks": {r.week: r.state for r in by_person.get(p.pk, [])},
                "rate": rate(by_person.get(p.pk, [])),
            }
            for p in persons
        ],
        "by_week": {w: rate(by_week.get(w, [])) for w in weeks},
        "rate": rate(rows),
    }
