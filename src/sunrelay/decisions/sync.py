"""Records to and from Markdown folders. Import is idempotent and all-or-nothing; export
writes one file per record and leaves a record's file byte for byte as it was imported when
nothing about the record has changed since."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q

from sunrelay.core import clock
from sunrelay.decisions import folder, logic
from sunrelay.decisions.markdown import Doc, DocLink, render
from sunrelay.decisions.models import Link, Record
from sunrelay.decisions.service import event, next_number, refresh_search
from sunrelay.people.models import Person


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    written: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _People:
    """Names as written in files ↔ person ids, matched on id, name or email."""

    def __init__(self) -> None:
        self.by_key: dict[str, str] = {}
        self.names: dict[str, str] = {}
        for slug, name, email in Person.objects.values_list("slug", "name", "email"):
            self.names[slug] = name
            for key in (slug, name, email):
                if key:
                    self.by_key.setdefault(key.strip().lower(), slug)

    def ids(self, written: list[str]) -> list[str]:
        return [self.by_key.get(w.strip().lower(), w) for w in written]

    def written(self, ids: list[str]) -> list[str]:
        return [self.names.get(i, i) for i in ids]


def _kind(doc: Doc) -> str:
    kind = str(doc.front_matter.get("kind", "adr"))
    return kind if kind in logic.KINDS else "adr"


def state_of(record: Record) -> dict[str, Any]:
    """Everything a record's file is written from; equal states give equal files."""
    return {
        "number": record.number,
        "title": record.title,
        "kind": record.kind,
        "status": record.status,
        "status_text": record.status_text,
        "date": record.record_date.isoformat() if record.record_date else None,
        "tags": list(record.tags),
        "raci": dict(record.raci),
        "body": record.body,
        "meta": dict(record.meta),
        "links": [[x.kind, x.target_number, x.verb, x.text, x.href] for x in record.links.all()],
    }


def _values(doc: Doc, people: _People) -> dict[str, Any]:
    status = doc.status or "proposed"
    extra = {k: v for k, v in doc.front_matter.items() if k != "kind"}
    raci = {
        "accountable": people.ids(doc.deciders),
        "consulted": people.ids(doc.consulted),
        "informed": people.ids(doc.informed),
    }
    return {
        "number": doc.number,
        "title": doc.title or doc.file,
        "kind": _kind(doc),
        "status": status,
        "status_text": doc.status_text,
        "record_date": doc.date,
        "tags": list(doc.tags),
        "raci": {k: v for k, v in raci.items() if v},
        "body": doc.body,
        "format": doc.format,
        "meta": {
            k: v
            for k, v in {
                "front_matter": extra,
                "preamble": doc.preamble,
                "date_text": doc.date_text,
            }.items()
            if v
        },
    }


def import_folder(directory: Path, *, log: str = "main", dry_run: bool = False) -> SyncReport:
    """Make the log's records match the folder's files (matched by file name); records the
    folder does not have are left alone. Raises FileNotFoundError for a missing folder."""
    docs = folder.read(directory)
    report = SyncReport()
    report.notes += [f"{name}: a symbolic link; not read" for name in folder.links(directory)]
    seen: dict[int | None, str] = {}
    for doc in docs:
        if doc.number in seen:
            report.notes.append(f"{doc.file}: number {doc.number} is also {seen[doc.number]}")
        seen.setdefault(doc.number, doc.file)
    for doc in docs:
        if doc.status is None:
            report.notes.append(
                f"{doc.file}: could not map status {doc.status_text!r}; "
                "kept the text and filed it as proposed"
            )
    with transaction.atomic():
        people = _People()
        rows = {doc.file: _import_one(doc, log, people, directory) for doc in docs}
        for doc in docs:
            record, created = rows[doc.file]
            changed = _import_links(record, doc, log) or created
            state = state_of(record)
            if record.source_state != state:
                changed = True
                record.source_state = state
                record.save(update_fields=["source_state"])
            if created:
                report.created.append(doc.file)
            elif changed:
                report.updated.append(doc.file)
            else:
                report.unchanged += 1
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import_one(doc: Doc, log: str, people: _People, directory: Path) -> tuple[Record, bool]:
    values = _values(doc, people)
    text = folder.read_file(directory, doc.file)
    record = Record.objects.filter(log=log, file=doc.file).first()
    now = clock.now()
    if record is None:
        record = Record(log=log, file=doc.file, created_at=now, updated_at=now)
    if values["number"] is None:
        values["number"] = next_number(log)
    changed = any(getattr(record, k) != v for k, v in values.items()) or record.source_text != text
    for key, value in values.items():
        setattr(record, key, value)
    record.source_text = text
    created = record.pk is None
    if changed:
        record.updated_at = now
        record.save()
        refresh_search(record)
        event(record, "imported", None, f"from {doc.file}")
    return record, created


def _import_links(record: Record, doc: Doc, log: str) -> bool:
    wanted = [(x.kind, x.target, x.verb, x.text, x.href) for x in doc.links]
    have = [(x.kind, x.target_number, x.verb, x.text, x.href) for x in record.links.all()]
    if wanted == have:
        return False
    record.links.all().delete()
    for position, (kind, target, verb, text, href) in enumerate(wanted):
        found = (
            Record.objects.filter(log=log, number=target).order_by("pk").first()
            if target is not None
            else None
        )
        Link.objects.create(
            source=record,
            kind=kind,
            target=found,
            target_number=target,
            verb=verb,
            text=text,
            href=href,
            position=position,
        )
    return True


# -- export ------------------------------------------------------------------------------------


def file_name(record: Record) -> str:
    return record.file or f"{record.number:04d}-{logic.slugify(record.title)}.md"


def to_doc(record: Record, people: _People) -> Doc:
    meta = record.meta or {}
    front = dict(meta.get("front_matter") or {})
    if record.kind != "adr":
        front["kind"] = record.kind
    links = [
        DocLink(
            x.kind,
            x.verb,
            x.text or (f"{x.target.number}. {x.target.title}" if x.target else ""),
            x.href or (file_name(x.target) if x.target else ""),
            x.target_number,
        )
        for x in record.links.select_related("target")
    ]
    return Doc(
        file=file_name(record),
        format=record.format or "adr-tools",
        title=record.title,
        number=record.number,
        status=record.status,
        status_text=record.status_text or record.status.capitalize(),
        date=record.record_date,
        date_text=meta.get("date_text", ""),
        deciders=people.written(record.raci.get("accountable", [])),
        consulted=people.written(record.raci.get("consulted", [])),
        informed=people.written(record.raci.get("informed", [])),
        tags=list(record.tags),
        links=links,
        body=record.body,
        front_matter=front,
        preamble=meta.get("preamble", ""),
    )


def export_folder(directory: Path, *, log: str = "main", fmt: str = "") -> SyncReport:
    """Write each record of the log (drafts stay in the hub) as one file, in ``fmt`` or in
    the record's own format. Unchanged imported records are written exactly as read."""
    if fmt and fmt not in ("adr-tools", "madr"):
        raise ValueError(f"unknown format {fmt!r}; use adr-tools or madr")
    directory.mkdir(parents=True, exist_ok=True)
    report = SyncReport()
    people = _People()
    records = Record.objects.filter(log=log).filter(~Q(status="draft")).prefetch_related("links")
    for record in records:
        own = folder.family(record.format or "adr-tools")
        target = fmt or own
        name = file_name(record)
        if record.source_text and target == own and state_of(record) == record.source_state:
            text = record.source_text
        else:
            text = render(to_doc(record, people), target)
        path = directory / name
        if path.is_symlink():
            report.notes.append(f"{name}: a symbolic link; not written through")
        elif not path.exists() or folder.read_file(directory, name) != text:
            folder.write_file(directory, name, text)
            report.written.append(name)
        else:
            report.unchanged += 1
    drafts = Record.objects.filter(log=log, status="draft").count()
    if drafts:
        report.notes.append(f"{drafts} draft(s) stay in the hub until review is requested")
    return report
