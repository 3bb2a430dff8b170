"""A folder of decision records (doc/adr, docs/decisions, …): read, lint, add, supersede,
index. Pure file work; no database, so ``sunrelay adr list|lint|new|supersede|index`` run
anywhere."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sunrelay.decisions import logic
from sunrelay.decisions.markdown import Doc, DocLink, file_number, parse, render

RECORD_FILE = re.compile(r"^\d+-.+\.md$")
INDEX_START, INDEX_END = "<!-- sunrelay:index -->", "<!-- /sunrelay:index -->"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def find_dir(start: Path | None = None) -> Path:
    """Like adr-tools: the folder named in ``.adr-dir``, else ``doc/adr``."""
    base = start or Path()
    marker = base / ".adr-dir"
    if marker.is_file():
        return base / marker.read_text().strip()
    return base / "doc" / "adr"


def record_files(directory: Path) -> list[Path]:
    """Record files in name order. Indexes, templates, images, sub-folders and symbolic links
    are skipped: a link could lead anywhere on the machine (``links`` lists them)."""
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory} is not a folder")
    return sorted(
        p
        for p in directory.iterdir()
        if RECORD_FILE.match(p.name) and not p.is_symlink() and p.is_file()
    )


def links(directory: Path) -> list[str]:
    """Names of record files that are symbolic links, which Sunrelay never follows."""
    return sorted(
        p.name for p in directory.iterdir() if RECORD_FILE.match(p.name) and p.is_symlink()
    )


def _inside(directory: Path, name: str) -> Path:
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"{name!r} is not a file name inside {directory}")
    return directory / name


def read_file(directory: Path, name: str) -> str:
    """A file of the folder, never through a symbolic link (O_NOFOLLOW: no race either)."""
    fd = os.open(_inside(directory, name), os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, encoding="utf-8") as f:
        return f.read()


def write_file(directory: Path, name: str, text: str) -> Path:
    """Write a file of the folder, refusing to write through a symbolic link."""
    path = _inside(directory, name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    except OSError:
        if path.is_symlink():
            message = f"{name} is a symbolic link; Sunrelay does not write through one"
            raise ValueError(message) from None
        raise
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def read(directory: Path) -> list[Doc]:
    """Every record with a number (log4brains files are numbered in date order after the
    highest number in use) and every link's target resolved to a number where possible."""
    docs = [parse(read_file(directory, p.name), p.name) for p in record_files(directory)]
    highest = max((d.number for d in docs if d.number is not None), default=0)
    for doc in docs:
        if doc.number is None:
            highest += 1
            doc.number = highest
    by_file = {d.file: d.number for d in docs}
    for doc in docs:
        for link in doc.links:
            if link.target is None:
                link.target = _target(link, by_file)
    return docs


def _target(link: DocLink, by_file: dict[str, int | None]) -> int | None:
    name = link.href.rsplit("/", 1)[-1].split("#")[0]
    if name in by_file:
        return by_file[name]
    numbered = file_number(name)
    if numbered is not None:
        return numbered
    m = re.match(r"^(?:ADR[- ]?)?0*(\d+)\b", link.text.strip(), re.IGNORECASE)
    return int(m.group(1)) if m else None


def as_json(doc: Doc) -> dict[str, object]:
    return {
        "number": doc.number,
        "title": doc.title,
        "status": doc.status,
        "status_text": doc.status_text,
        "date": doc.date.isoformat() if doc.date else None,
        "file": doc.file,
        "links": [x.as_json() for x in doc.links],
    }


# -- lint --------------------------------------------------------------------------------------


def lint(docs: list[Doc]) -> list[Problem]:
    problems: list[Problem] = []
    files: dict[int | None, list[str]] = {}
    for d in docs:
        files.setdefault(d.number, []).append(d.file)
    numbers = {d.number: d for d in docs}
    for doc in docs:
        problems += _lint_one(doc, files, numbers)
    present = sorted(n for n in files if n is not None)
    if present:
        missing = sorted(set(range(present[0], present[-1] + 1)) - set(present))
        first = min(docs, key=lambda d: d.file).file
        problems += [Problem(first, 1, f"record number {n} is missing") for n in missing]
    return problems


def _lint_one(doc: Doc, files: dict[int | None, list[str]], numbers: dict) -> list[Problem]:
    out: list[Problem] = []

    def add(where: str, message: str, line: int = 0) -> None:
        out.append(Problem(doc.file, line or doc.lines.get(where, 1), message))

    if not doc.title:
        add("title", "no title: the file needs a '# Title' heading")
    others = [f for f in files[doc.number] if f != doc.file]
    if others:
        add("title", f"number {doc.number} is also used by {', '.join(others)}")
    named = file_number(doc.file)
    if named is not None and doc.heading_number is not None and named != doc.heading_number:
        add("title", f"the heading says {doc.heading_number} but the file name says {named}")
    if doc.status is None:
        shown = doc.status_text or "(empty)"
        add("status", f"unknown status {shown!r}; use one of {', '.join(logic.STATUSES)}")
    if doc.date_text and doc.date is None:
        add("date", f"unreadable date {doc.date_text!r}; write YYYY-MM-DD")
    for link in doc.links:
        target = numbers.get(link.target) if link.target is not None else None
        if target is None:
            add(
                "status",
                f"link '{link.verb}' points at {link.href or link.text!r}, "
                "which is not a record here",
                link.line,
            )
            continue
        inverse = logic.INVERSE[link.kind]
        if link.kind in ("supersedes", "superseded-by") and not any(
            back.kind == inverse and back.target == doc.number for back in target.links
        ):
            add(
                "status",
                f"record {target.number} has no '{logic.LINK_VERBS[inverse]}' link "
                f"back to {doc.number}",
                link.line,
            )
    kind = str(doc.front_matter.get("kind", ""))
    style = (
        kind
        if kind in ("rfc", "design-doc")
        else ("adr-tools" if doc.format == "adr-tools" else "madr")
    )
    required = logic.REQUIRED_SECTIONS[style]
    have = {s.lower() for s in doc.sections}
    for section in required:
        if section.lower() not in have:
            add("title", f"missing section '## {section}'")
    return out


# -- writing, the way adr-tools does -----------------------------------------------------------


def family(fmt: str) -> str:
    """The two formats Sunrelay writes: adr-tools, or MADR for every front-matter kind."""
    return "adr-tools" if fmt == "adr-tools" else "madr"


def folder_format(docs: list[Doc]) -> str:
    """The format most records in the folder use ("adr-tools" for an empty folder)."""
    formats = [("madr" if d.format != "adr-tools" else "adr-tools") for d in docs]
    return max(set(formats), key=formats.count) if formats else "adr-tools"


def new_record(
    directory: Path, title: str, *, today: date, status: str = "Accepted", fmt: str = ""
) -> Path:
    """Write the next-numbered record from the template; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    docs = read(directory)
    fmt = fmt or folder_format(docs)
    number = max((d.number or 0 for d in docs), default=0) + 1
    name = f"{number:04d}-{logic.slugify(title)}.md"
    body = logic.template_body("adr" if fmt == "adr-tools" else "madr")
    doc = Doc(
        file=name,
        format=fmt,
        title=title.strip(),
        number=number,
        status=logic.canonical_status(status),
        status_text=status,
        date=today,
        date_text=today.isoformat(),
        body=body,
    )
    return write_file(directory, name, render(doc, fmt))


def supersede(directory: Path, number: int, title: str, *, today: date) -> Path:
    """A new record that supersedes ``number``: both files get their link line, and the old
    record's "Accepted" gives way to "Superceded by", as adr-tools writes it."""
    docs = {d.number: d for d in read(directory)}
    old = docs.get(number)
    if old is None:
        raise FileNotFoundError(f"no record number {number} in {directory}")
    path = new_record(directory, title, today=today)
    new = parse(read_file(directory, path.name), path.name)
    new.links.append(
        DocLink(
            "supersedes",
            logic.LINK_VERBS["supersedes"],
            f"{old.number}. {old.title}",
            old.file,
            old.number,
        )
    )
    old.links.append(
        DocLink(
            "superseded-by",
            logic.LINK_VERBS["superseded-by"],
            f"{new.number}. {new.title}",
            new.file,
            new.number,
        )
    )
    if old.format == "adr-tools":
        old.status_text = ""
    else:
        old.status_text = "superseded by " + f"[ADR-{new.number:04d}]({new.file})"
        old.links.pop()
        old.links.append(
            DocLink("superseded-by", "superseded by", f"ADR-{new.number:04d}", new.file, new.number)
        )
    old.status = "superseded"
    fmt = "adr-tools" if old.format == "adr-tools" else "madr"
    write_file(directory, old.file, render(old, fmt))
    return write_file(directory, path.name, render(new, family(new.format)))


def index_table(docs: list[Doc]) -> str:
    rows = ["| # | Title | Status | Date |", "|---|---|---|---|"]
    for d in sorted(docs, key=lambda d: (d.number or 0, d.file)):
        title = d.title.replace("|", "\\|")
        status = (d.status or d.status_text or "unknown").replace("|", "\\|")
        when = d.date.isoformat() if d.date else ""
        rows.append(f"| {d.number} | [{title}]({d.file}) | {status} | {when} |")
    return "\n".join(rows) + "\n"


def write_index(directory: Path, name: str = "index.md") -> Path:
    """Write the index, or replace only the part between Sunrelay's markers in an existing
    file, so the prose around it is kept."""
    path = _inside(directory, name)
    block = f"{INDEX_START}\n{index_table(read(directory))}{INDEX_END}\n"
    if path.exists() or path.is_symlink():
        text = read_file(directory, name)
        start, end = text.find(INDEX_START), text.find(INDEX_END)
        if start >= 0 and end > start:
            text = text[:start] + block + text[end + len(INDEX_END) :].lstrip("\n")
        else:
            text = text.rstrip("\n") + "\n\n" + block
    else:
        text = "# Decision log\n\n" + block
    return write_file(directory, name, text)
