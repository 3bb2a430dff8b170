"""Every write to the directory. Web, API, CLI, importers and jobs all call these functions;
each use case runs in one transaction, so a failure leaves nothing half written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from django.db import transaction

from sunrelay.core import clock, revisions
from sunrelay.core.errors import ValidationFailed
from sunrelay.core.permissions import Actor
from sunrelay.core.removal import unless_referenced
from sunrelay.integrations.ics import parse_out_of_office
from sunrelay.people import orgfile
from sunrelay.people import revisions as people_revisions
from sunrelay.people.errors import (
    AbsenceNotFound,
    AlreadyExists,
    ComponentNotFound,
    KeptInFile,
    PersonNotFound,
    TeamNotFound,
)
from sunrelay.people.logic import AbsenceSpec, ComponentSpec, OrgSpec, PersonSpec, TeamSpec
from sunrelay.people.models import Absence, Component, Organization, Person, Team
from sunrelay.people.permissions import (
    actor_of,
    require_absence_change,
    require_component_change,
    require_person_change,
    require_staff,
    require_team_change,
)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def lines(self) -> list[str]:
        return (
            [f"+ {x}" for x in self.created]
            + [f"~ {x}" for x in self.updated]
            + [f"- {x}" for x in self.removed]
        )


# Sections of the org file that other domains own (``schedules:``, …). Each registers how
# to import its entries (inside the same transaction, after the directory) and export them.
Importer = Callable[[list[dict[str, Any]], ImportReport], None]
IMPORTERS: dict[str, tuple[Importer, Callable[[], list[dict[str, Any]]]]] = {}


def register_section(key: str, load: Importer, dump: Callable[[], list[dict[str, Any]]]) -> None:
    IMPORTERS[key] = (load, dump)


# -- reading helpers (raise *NotFound) ---------------------------------------------------------


def get_person(slug: str) -> Person:
    try:
        return Person.objects.get(slug=slug)
    except Person.DoesNotExist:
        raise PersonNotFound(f"no person with id {slug!r}", field="person") from None


def get_team(slug: str) -> Team:
    try:
        return Team.objects.select_related("lead", "successor", "parent").get(slug=slug)
    except Team.DoesNotExist:
        raise TeamNotFound(f"no team with id {slug!r}", field="team") from None


def get_component(slug: str) -> Component:
    try:
        return Component.objects.select_related("owner", "dri").get(slug=slug)
    except Component.DoesNotExist:
        raise ComponentNotFound(f"no component with id {slug!r}", field="component") from None


def _ref(model: type[Person] | type[Team], slug: str | None, where: str) -> Any:
    if slug is None:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        kind = "person" if model is Person else "team"
        raise ValidationFailed(f"{slug!r} is not a {kind}", field=where)
    return found


# -- single writes: the same checks as org.yaml, one generic path per kind --------------------


@dataclass(frozen=True)
class _Kind:
    name: str  # "person"
    section: str  # "people", the org-file section that describes this kind
    model: Any
    check: Any  # orgfile.check_person, …
    apply: Any  # writes a spec onto a row (and its relations)
    get: Any  # get_person, …


def _spec(kind: _Kind, item: dict[str, Any]) -> Any:
    checker = orgfile.Checker(lambda path: ("input", 0))
    kind.check(checker, item, ())
    if checker.problems:
        p = checker.problems[0]
        raise ValidationFailed(p.message, field=None if p.path == "(file)" else p.path)
    return getattr(orgfile.build({kind.section: [item]}), kind.section)[0]


def _merged(spec: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """An existing spec in org-file vocabulary, with ``changes`` laid over it."""
    current = {k: v for k, v in asdict(spec).items() if v not in (None, "", [])}
    if "links" in current:
        current["links"] = [dict(x) for x in current["links"]]
    if "workdays" in changes and "working_hours" not in changes:
        windows = set(spec.working_hours.values())
        current["working_hours"] = windows.pop() if len(windows) == 1 else "09:00-17:00"
    current.update(changes)
    return {k: v for k, v in current.items() if v is not None}


def _create(kind: _Kind, item: dict[str, Any]) -> Any:
    spec = _spec(kind, item)
    with transaction.atomic():
        if kind.model.objects.filter(slug=spec.id).exists():
            raise AlreadyExists(f"a {kind.name} with id {spec.id!r} exists", field="id")
        row = kind.model()
        if kind.model in (Person, Component):
            _require_unclaimed(kind, None, spec)
        kind.apply(row, spec)
    return row


def _update(kind: _Kind, slug: str, changes: dict[str, Any]) -> Any:
    with transaction.atomic():
        row = kind.get(slug)
        spec = _spec(kind, _merged(row.spec(), {**changes, "id": slug}))
        if kind.model in (Person, Component):
            _require_unclaimed(kind, row.pk, spec)
        kind.apply(row, spec)
    return row


def _delete(kind: _Kind, slug: str) -> None:
    """Raises Conflict when records that must keep this one (an initiative's DRI) remain."""
    with transaction.atomic(), unless_referenced(f"{kind.name} {slug!r}"):
        kind.get(slug).delete()


def _apply_person(person: Person, spec: PersonSpec, prefix: str = "") -> None:
    person.slug, person.name, person.email = spec.id, spec.name, spec.email
    person.timezone, person.working_hours = spec.timezone, spec.working_hours
    person.holidays, person.roles = spec.holidays or "", spec.roles
    person.github, person.emails = spec.github, spec.emails
    person.start_date = spec.start_date
    person.save()


def _apply_team(team: Team, spec: TeamSpec, prefix: str = "") -> None:
    team.slug, team.name, team.description = spec.id, spec.name, spec.description
    team.wip_limit, team.agreement, team.charter = spec.wip_limit, spec.agreement, spec.charter
    team.lead = _ref(Person, spec.lead, f"{prefix}lead")
    team.successor = _ref(Team, spec.successor, f"{prefix}successor")
    team.parent = _ref(Team, spec.parent, f"{prefix}parent")
    if team.parent is not None and _has_ancestor(team.parent, spec.id):
        raise ValidationFailed("team parents would form a cycle", field=f"{prefix}parent")
    team.save()
    team.members.set(_people(spec.members, f"{prefix}members"))


def _apply_component(component: Component, spec: ComponentSpec, prefix: str = "") -> None:
    component.slug, component.name, component.description = spec.id, spec.name, spec.description
    component.owner = _ref(Team, spec.owner, f"{prefix}owner")
    component.dri = _ref(Person, spec.dri, f"{prefix}dri")
    component.criticality, component.system = spec.criticality, spec.system
    links = [
        {"url": x.url, "title": x.title}
        | ({"reviewed": x.reviewed.isoformat()} if x.reviewed else {})
        for x in spec.links
    ]
    if links != component.links or component.links_changed_at is None:
        component.links_changed_at = clock.now()
    component.links = links
    component.repos = spec.repos
    component.paths = spec.paths
    component.save()
    component.maintainers.set(_people(spec.maintainers, f"{prefix}maintainers"))


def _require_unclaimed(kind: _Kind, pk: int | None, spec: Any) -> None:
    """A GitHub login, a commit address or a repository belongs to one person or component, so
    that delivery data is never attributed by guess. (An org file is checked as a whole by
    ``orgfile.lint``.) Raises ValidationFailed naming the field."""
    keys = ("github", "email", "emails") if kind.model is Person else ("repos",)
    mine = {
        v.casefold(): key
        for key in keys
        for v in (getattr(spec, key) if key.endswith("s") else [getattr(spec, key)])
        if v
    }
    if not mine:
        return
    for row in kind.model.objects.exclude(pk=pk).values("slug", *keys):
        theirs = {
            v.casefold() for key in keys for v in (row[key] if key.endswith("s") else [row[key]])
        }
        for value in sorted(mine.keys() & theirs):
            raise ValidationFailed(
                f"{value!r} is already {kind.name} {row['slug']!r}'s", field=mine[value]
            )


def _people(slugs: list[str], where: str) -> list[Person]:
    found = {p.slug: p for p in Person.objects.filter(slug__in=slugs)}
    for i, slug in enumerate(slugs):
        if slug not in found:
            raise ValidationFailed(f"{slug!r} is not a person", field=f"{where}[{i}]")
    return list(found.values())


def _has_ancestor(team: Team, slug: str) -> bool:
    seen: set[int] = set()
    current: Team | None = team
    while current is not None and current.pk not in seen:
        if current.slug == slug:
            return True
        seen.add(current.pk)
        current = current.parent
    return False


PERSON = _Kind("person", "people", Person, orgfile.check_person, _apply_person, get_person)
TEAM = _Kind("team", "teams", Team, orgfile.check_team, _apply_team, get_team)
COMPONENT = _Kind(
    "component",
    "components",
    Component,
    orgfile.check_component,
    _apply_component,
    get_component,
)
_SECTIONS = {k.name: k.section for k in (PERSON, TEAM, COMPONENT)}


Who = Actor | Person | str | None  # who acts: see people.permissions.actor_of


def create_person(item: dict[str, Any], by: Who = None, *, team: str | None = None) -> Person:
    """Add a person (org-file vocabulary), as ``by``, and into ``team`` when named (a team's
    lead adds people to their team). Raises ValidationFailed, AlreadyExists, KeptInFile,
    PermissionDenied, TeamNotFound."""
    with transaction.atomic():
        require_not_in_file("people")
        joins = get_team(team) if team else None
        require_person_change(actor_of(by), None, team=joins)
        person = _create(PERSON, item)
        if joins is not None:
            joins.members.add(person)
    return person


def update_person(slug: str, changes: dict[str, Any], by: Who = None) -> Person:
    """Change some fields, as ``by``. Raises PersonNotFound, ValidationFailed, KeptInFile,
    PermissionDenied."""
    with transaction.atomic():
        require_not_in_file("people")
        require_person_change(actor_of(by), get_person(slug), fields=set(changes))
        return _update(PERSON, slug, changes)


def delete_person(slug: str, by: Who = None) -> None:
    """Raises PersonNotFound, KeptInFile, PermissionDenied. Their absences go with them;
    teams lose them as lead or member."""
    with transaction.atomic():
        require_not_in_file("people")
        require_person_change(actor_of(by), get_person(slug))
        _delete(PERSON, slug)


def create_team(item: dict[str, Any], by: Who = None) -> Team:
    """Raises ValidationFailed (bad field, unknown person or team, a parent cycle),
    AlreadyExists, KeptInFile, PermissionDenied (a pod: the parent's lead may add it)."""
    with transaction.atomic():
        require_not_in_file("teams")
        parent = Team.objects.filter(slug=str(item.get("parent") or "")).first()
        require_team_change(actor_of(by), None, "add a team", parent=parent)
        return _create(TEAM, item)


def update_team(slug: str, changes: dict[str, Any], by: Who = None) -> Team:
    """Raises TeamNotFound, ValidationFailed, KeptInFile, PermissionDenied."""
    with transaction.atomic():
        require_not_in_file("teams")
        require_team_change(actor_of(by), get_team(slug), f"change team {slug}")
        return _update(TEAM, slug, changes)


def delete_team(slug: str, by: Who = None) -> None:
    """Raises TeamNotFound, KeptInFile, PermissionDenied (the lead of the team above may
    remove a pod). Pods and successors pointing at it are unlinked."""
    with transaction.atomic():
        require_not_in_file("teams")
        found = get_team(slug)
        require_team_change(actor_of(by), None, f"remove team {slug}", parent=found.parent)
        _delete(TEAM, slug)


def create_component(item: dict[str, Any], by: Who = None) -> Component:
    """Raises ValidationFailed, AlreadyExists, KeptInFile, PermissionDenied."""
    with transaction.atomic():
        require_not_in_file("components")
        owner = Team.objects.filter(slug=str(item.get("owner") or "")).first()
        require_component_change(actor_of(by), [owner], "add a component")
        return _create(COMPONENT, item)


def update_component(slug: str, changes: dict[str, Any], by: Who = None) -> Component:
    """Raises ComponentNotFound, ValidationFailed, KeptInFile, PermissionDenied."""
    with transaction.atomic():
        require_not_in_file("components")
        found = get_component(slug)
        owner = Team.objects.filter(slug=str(changes.get("owner") or "")).first()
        require_component_change(actor_of(by), [found.owner, owner], f"change {slug}")
        return _update(COMPONENT, slug, changes)


def delete_component(slug: str, by: Who = None) -> None:
    """Raises ComponentNotFound, KeptInFile, PermissionDenied."""
    with transaction.atomic():
        require_not_in_file("components")
        found = get_component(slug)
        require_component_change(actor_of(by), [found.owner], f"remove {slug}")
        _delete(COMPONENT, slug)


# -- absences -----------------------------------------------------------------------------------


def add_absence(
    person: str,
    start: date,
    end: date,
    reason: str = "",
    source: str = "web",
    by: Actor | Person | str | None = None,
) -> Absence:
    """Record an absence (inclusive local dates) as ``by`` (people.permissions). Raises
    PersonNotFound, ValidationFailed, PermissionDenied."""
    if end < start:
        raise ValidationFailed(f"the last day ({end}) is before the first ({start})", field="to")
    if len(reason) > 200:
        raise ValidationFailed("the reason is longer than 200 characters", field="reason")
    with transaction.atomic():
        owner = get_person(person)
        require_absence_change(actor_of(by), owner)
        return Absence.objects.create(
            person=owner, start=start, end=end, reason=reason.strip(), source=source
        )


def delete_absence(
    absence_id: int, by: Actor | Person | str | None = None, *, person: str | None = None
) -> None:
    """Remove an absence (of ``person``, when given) as ``by``. Raises AbsenceNotFound,
    PermissionDenied."""
    with transaction.atomic():
        found = Absence.objects.select_related("person").filter(pk=absence_id)
        absence = (found.filter(person__slug=person) if person else found).first()
        if absence is None:
            raise AbsenceNotFound(f"no absence with id {absence_id}", field="id")
        require_absence_change(actor_of(by), absence.person)
        absence.delete()


def import_absences_ics(
    person: str, text: str | bytes, by: Actor | Person | str | None = None
) -> ImportReport:
    """Absences from an out-of-office calendar (.ics). Events are matched by UID, so importing
    the same calendar again changes nothing. Raises PersonNotFound, ValidationFailed,
    PermissionDenied."""
    report = ImportReport()
    with transaction.atomic():
        owner = get_person(person)
        require_absence_change(actor_of(by), owner)
        events, skipped = parse_out_of_office(text, owner.spec().timezone)
        report.notes.extend(skipped)
        existing = {a.external_id: a for a in owner.absences.filter(source="ics")}
        for event in events:
            current = existing.get(event.uid)
            label = f"absence {owner.slug} {event.start}…{event.end}"
            if current is None:
                Absence.objects.create(
                    person=owner,
                    start=event.start,
                    end=event.end,
                    reason=event.summary[:200],
                    source="ics",
                    external_id=event.uid,
                )
                report.created.append(label)
            elif (current.start, current.end, current.reason) != (
                event.start,
                event.end,
                event.summary[:200],
            ):
                current.start, current.end, current.reason = (
                    event.start,
                    event.end,
                    event.summary[:200],
                )
                current.save()
                report.updated.append(label)
    return report


# -- the whole directory ------------------------------------------------------------------------


def export_org() -> OrgSpec:
    org = Organization.objects.first()
    return OrgSpec(
        name=org.name if org else "",
        people=[p.spec() for p in Person.objects.all()],
        teams=[
            t.spec()
            for t in Team.objects.select_related("lead", "successor", "parent").prefetch_related(
                "members"
            )
        ],
        components=[
            c.spec()
            for c in Component.objects.select_related("owner", "dri").prefetch_related(
                "maintainers"
            )
        ],
        absences=[a.spec() for a in Absence.objects.select_related("person")],
        extra={key: dump() for key, (_, dump) in IMPORTERS.items()},
        agreement=dict(org.agreement) if org and org.agreement else None,
        roles=dict(org.roles) if org and org.roles else None,
    )


def _diff(old: Any, new: Any) -> list[str]:
    return [f.name for f in fields(new) if getattr(old, f.name) != getattr(new, f.name)]


def import_org(spec: OrgSpec, *, dry_run: bool = False, source: str = "") -> ImportReport:
    """Make the directory match ``spec``: create, update and remove, all or nothing.

    Sections the spec does not declare are left alone. With ``dry_run`` the same work is done
    and rolled back, so the report is exactly what a real import would do. With a ``source``
    (the file the team keeps), the people, teams and components it declares are from then on
    changed in that file only (``require_not_in_file``), until an import leaves them out.
    Raises ValidationFailed when a reference names something that does not exist.
    """
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic(), revisions.batch(people_revisions.NAME):
        org = Organization.objects.first() or Organization()
        if spec.name and org.name != spec.name:
            org.name = spec.name
            report.updated.append(f"organization name → {spec.name!r}")
        if spec.agreement is not None and org.agreement != spec.agreement:
            org.agreement = spec.agreement
            report.updated.append("organization agreement")
        if spec.roles is not None and org.roles != spec.roles:
            org.roles = spec.roles
            report.updated.append("organization roles")
        if source:
            org.file_sections = sorted(set(spec.sections) & set(FILE_OWNED))
            org.file_name, org.file_imported_at = source[:300], clock.now()
        org.save()
        if "people" in spec.sections:
            _sync(
                Person.objects.all(),
                spec.people,
                "person",
                report,
                lambda obj, s, i: _apply_person(obj, s),
                Person,
            )
        if "teams" in spec.sections:
            teams = Team.objects.select_related("lead", "successor", "parent").prefetch_related(
                "members"
            )
            before = set(Team.objects.values_list("slug", flat=True))
            Team.objects.bulk_create(  # every team exists before references are resolved
                [Team(slug=t.id, name=t.name) for t in spec.teams if t.id not in before]
            )
            _sync(
                teams,
                spec.teams,
                "team",
                report,
                lambda obj, s, i: _apply_team(obj, s, f"teams[{i}]."),
                Team,
                before,
            )
        if "components" in spec.sections:
            components = Component.objects.select_related("owner", "dri").prefetch_related(
                "maintainers"
            )
            _sync(
                components,
                spec.components,
                "component",
                report,
                lambda obj, s, i: _apply_component(obj, s, f"components[{i}]."),
                Component,
            )
        if "absences" in spec.sections:
            _sync_absences(spec.absences, report)
        for key, (load, _) in IMPORTERS.items():
            if key in spec.sections:
                load(spec.extra.get(key, []), report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _sync(
    queryset: Any,
    specs: list[Any],
    kind: str,
    report: ImportReport,
    apply: Any,
    model: Any,
    before: set[str] | None = None,
) -> None:
    """Create, update and remove rows of one kind; ``before`` names the ids that existed
    before this import began (teams are stubbed first so references between them resolve)."""
    existing = {obj.slug: obj for obj in queryset}
    before = set(existing) if before is None else before
    for i, spec in enumerate(specs):
        obj = existing.get(spec.id)
        if obj is None or spec.id not in before:
            apply(obj or model(), spec, i)
            report.created.append(f"{kind} {spec.id}")
        elif changed := _diff(obj.spec(), spec):
            apply(obj, spec, i)
            report.updated.append(f"{kind} {spec.id} ({', '.join(changed)})")
    keep = {s.id for s in specs}
    gone = [slug for slug in existing if slug not in keep]
    if gone:
        named = ", ".join(repr(slug) for slug in sorted(gone)[:5])
        named += f" and {len(gone) - 5} more" if len(gone) > 5 else ""
        with unless_referenced(f"{kind} {named}", field=_SECTIONS[kind]):
            model.objects.filter(slug__in=gone).delete()
        report.removed.extend(f"{kind} {slug}" for slug in sorted(gone))


def _sync_absences(specs: list[AbsenceSpec], report: ImportReport) -> None:
    people = {p.slug: p for p in Person.objects.all()}
    existing = {
        (a.person.slug, a.start, a.end): a for a in Absence.objects.select_related("person")
    }
    wanted = set()
    for i, spec in enumerate(specs):
        key = (spec.person, spec.start, spec.end)
        wanted.add(key)
        label = f"absence {spec.person} {spec.start}…{spec.end}"
        current = existing.get(key)
        if current is None:
            if spec.person not in people:
                raise ValidationFailed(
                    f"{spec.person!r} is not a person", field=f"absences[{i}].person"
                )
            Absence.objects.create(
                person=people[spec.person],
                start=spec.start,
                end=spec.end,
                reason=spec.reason,
                source="org",
            )
            report.created.append(label)
        elif current.reason != spec.reason:
            current.reason = spec.reason
            current.save(update_fields=["reason"])
            report.updated.append(f"{label} (reason)")
    for key, absence in existing.items():
        if key not in wanted and absence.source == "org":
            absence.delete()
            report.removed.append(f"absence {key[0]} {key[1]}…{key[2]}")


# -- what the org file keeps ------------------------------------------------------------------

FILE_OWNED = {"people": "people", "teams": "teams", "components": "components"}


def kept_in_file(section: str) -> str:
    """Why ``section`` (people, teams, components) cannot be changed here, or "" when it can:
    the team's org file declares it, and its next import would undo the change."""
    org = Organization.objects.first()
    if org is None or section not in org.file_sections:
        return ""
    when = f" (imported {org.file_imported_at:%d %b %Y})" if org.file_imported_at else ""
    return (
        f"{FILE_OWNED[section].capitalize()} are kept in {org.file_name or 'the org file'}{when}:"
        " change them there and import it; a change made here would be undone by that import"
    )


def require_not_in_file(section: str) -> None:
    """Raises KeptInFile when the org file keeps ``section``."""
    if why := kept_in_file(section):
        raise KeptInFile(why, field=section)


# -- sign-ins and the directory ------------------------------------------------------------------


def create_own_person(user: Any, item: dict[str, Any]) -> Person:
    """A signed-in user who is nobody in the directory yet adds themselves (org-file
    vocabulary: id, name, email, timezone, working_hours, workdays) and is linked to it.

    Raises ValidationFailed (a bad field; already linked), AlreadyExists (the id is taken:
    ask staff to link you to that person).
    """
    from sunrelay.people.queries import person_for_user

    with transaction.atomic():
        if (found := person_for_user(user)) is not None:
            raise ValidationFailed(f"your sign-in is {found.slug} already", field="id")
        person = _create(PERSON, item)
        person.user = user
        person.save()
    return person


def link_sign_in(slug: str, user: Any, by: Actor | Person | str | None = None) -> Person:
    """Let ``user`` act as the person ``slug`` (staff only). A sign-in is one person, and a
    person has one sign-in: earlier links of either are undone.

    Raises PersonNotFound, PermissionDenied.
    """
    require_staff(actor_of(by), "link sign-ins to people")
    with transaction.atomic():
        person = get_person(slug)
        Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
        person.user = user
        person.save()
    return person


def invite(slug: str, by: Actor | Person | str | None = None) -> Any:
    """A sign-in for the person ``slug`` with no password yet (staff only): its user name is
    their id, and the invitation (``core.invites``) lets them choose a password. An existing
    sign-in of theirs is reused. Raises PersonNotFound, PermissionDenied, ValidationFailed
    (the user name belongs to someone else's sign-in)."""
    from django.contrib.auth import get_user_model

    require_staff(actor_of(by), "invite people")
    users = get_user_model()
    with transaction.atomic():
        person = get_person(slug)
        user = person.user
        if user is None:
            if users.objects.filter(username=person.slug).exists():
                raise ValidationFailed(
                    f"a sign-in named {person.slug!r} exists already: link it instead",
                    field="id",
                )
            user = users.objects.create_user(person.slug, person.email or "")
            user.set_unusable_password()
            user.save()
            person.user = user
            person.save()
        elif user.has_usable_password():
            raise ValidationFailed(
                f"{person.slug} has chosen a password already: they sign in as "
                f"{user.get_username()}",
                field="id",
            )
    return user


def invite_link(user: Any) -> str:
    """Where an invited person chooses their password: Django's password-reset token, so the
    link works once (setting the password changes what it was made from) and for
    PASSWORD_RESET_TIMEOUT (settings: 7 days)."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{settings.SUNRELAY_URL}/invite/{uid}/{default_token_generator.make_token(user)}/"


def name_organization(name: str, by: Actor | Person | str | None = None) -> Organization:
    """Raises ValidationFailed (empty or too long), PermissionDenied (staff only)."""
    require_staff(actor_of(by), "name the organisation")
    name = name.strip()
    if not name:
        raise ValidationFailed("the organisation needs a name", field="organization")
    with transaction.atomic():
        org = Organization.objects.first() or Organization()
        org.name = name
        org.save()
    return org


def first_run() -> bool:
    """Whether nobody in the directory has a staff sign-in yet: the hub still needs setting
    up by whoever runs it."""
    return not Person.objects.filter(user__is_staff=True).exists()
