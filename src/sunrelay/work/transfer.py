"""A work file into the database, all or nothing, and the database out as one."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from sunrelay.core.errors import ValidationFailed
from sunrelay.work import service, workfile
from sunrelay.work.logic import PROPOSED, Draft
from sunrelay.work.models import Initiative, Progress
from sunrelay.work.workfile import Entry


@dataclass
class Report:
    created: int = 0
    updated: int = 0


def parse_checked(text: str, filename: str) -> list[Entry]:
    """A work file's entries. Raises ValidationFailed listing every problem (field: file)."""
    try:
        return workfile.parse(text, filename)
    except workfile.WorkFileInvalid as exc:
        lines = [str(p) for p in exc.problems]
        raise ValidationFailed(
            "; ".join(lines), field="file", problems=[("file", line) for line in lines]
        ) from None


def _located(entry: Entry, exc: ValidationFailed) -> ValidationFailed:
    return ValidationFailed(f"line {entry.line}: {exc.message}", field=exc.field, code=exc.code)


def apply(entries: list[Entry], actor: service.Who) -> Report:
    """Create the entries without an id, update those with one, through the same service
    functions (and permission rules) as every surface. One failure undoes the whole file;
    the error names the entry's line. States are moved only by start, pause, finish, drop."""
    report = Report()
    with transaction.atomic():
        for entry in entries:
            try:
                _apply_one(entry, actor, report)
            except ValidationFailed as exc:
                raise _located(entry, exc) from None
    return report


def _apply_one(entry: Entry, actor: service.Who, report: Report) -> None:
    if entry.id is None:
        if entry.state not in (None, PROPOSED):
            raise ValidationFailed(
                "a new initiative starts proposed; start it with `sunrelay work start`",
                field="state",
            )
        service.add_initiative(entry.draft, actor)
        report.created += 1
        return
    service.update_initiative(entry.id, entry.draft, actor)
    report.updated += 1


def export() -> list[Entry]:
    rows = Initiative.objects.select_related("team", "dri").prefetch_related(
        "people", "components", "decisions", "items", "depends_on", "criteria"
    )
    progress: dict[int, list[Progress]] = {}
    for p in Progress.objects.select_related("team", "component"):
        progress.setdefault(p.initiative_id, []).append(p)
    return [
        Entry(
            line=0,
            id=i.pk,
            state=i.state,
            draft=Draft(
                title=i.title,
                team=i.team.slug,
                dri=i.dri.slug,
                klass=i.klass,
                target=i.target,
                description=i.description,
                people=sorted(p.slug for p in i.people.all()),
                components=sorted(c.slug for c in i.components.all()),
                decisions=sorted(r.pk for r in i.decisions.all()),
                items=sorted(x.pk for x in i.items.all()),
                depends_on=sorted(d.pk for d in i.depends_on.all()),
                criteria=[c.text for c in i.criteria.all()],
                progress_teams=[p.team.slug for p in progress.get(i.pk, []) if p.team],
                progress_components=[
                    p.component.slug for p in progress.get(i.pk, []) if p.component
                ],
            ),
        )
        for i in rows.order_by("pk")
    ]
