"""One decision record as a Markdown file, in the formats teams keep in git. Pure.

adr-tools / Nygard   ``# 3. Title``, ``Date: …``, ``## Status`` holding the status and link lines
MADR 2.x, log4brains ``# Title`` then ``* Status: …``, ``* Date: …``, ``* Deciders: …`` bullets
MADR 3 and 4         YAML front matter: status, date, deciders / decision-makers, consulted,
                     informed; ``# Title``; links in a ``## Links`` section

Front matter added by site generators (layout, nav_order, …) is kept as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml

from sunrelay.decisions import logic

FORMATS = ("adr-tools", "madr", "madr2", "log4brains")
_LINK = re.compile(
    r"^\s*(?:[*-]\s+)?(?P<verb>[A-Za-z][A-Za-z -]*?)\s*:?\s*"
    r"\[(?P<text>[^\]]*)\]\((?P<href>[^)\s]+)\)\s*$"
)
_BARE_TARGET = re.compile(r"\bADR[- ]?0*(\d+)\b", re.IGNORECASE)
_BULLET = re.compile(r"^[*-]\s+(?P<key>[A-Za-z][A-Za-z -]*?):\s*(?P<value>.*)$")
_NUMBERED_TITLE = re.compile(r"^(\d+)\.\s+(.*)$")
_FILE_NUMBER = re.compile(r"^(\d{1,7})-")
_LOG4BRAINS = re.compile(r"^(\d{8})-")
PEOPLE_KEYS = {
    "deciders": "deciders",
    "decision-makers": "deciders",
    "consulted": "consulted",
    "informed": "informed",
}


@dataclass
class DocLink:
    kind: str  # one of logic.LINK_KINDS
    verb: str  # as written: "Superceded by", "Clarifies"
    text: str = ""
    href: str = ""
    target: int | None = None  # the record number, once known
    line: int = field(default=0, compare=False)  # where it is written, for lint

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "target": self.target}


@dataclass
class Doc:
    """A parsed record. ``body`` is everything after the metadata, byte for byte."""

    file: str
    format: str
    title: str
    number: int | None = None
    heading_number: int | None = None
    status: str | None = None  # canonical; None when the words were not recognised
    status_text: str = ""
    date: date | None = None
    date_text: str = ""
    deciders: list[str] = field(default_factory=list)
    consulted: list[str] = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    links: list[DocLink] = field(default_factory=list)
    body: str = ""
    front_matter: dict[str, Any] = field(default_factory=dict)  # keys Sunrelay does not own
    preamble: str = ""  # lines between the title block and the body that are not metadata
    lines: dict[str, int] = field(default_factory=dict)  # where things are, for lint

    @property
    def sections(self) -> list[str]:
        return [m.group(1).strip() for m in re.finditer(r"(?m)^##\s+(.+?)\s*#*$", self.body)]


def parse_date(text: str) -> date | None:
    """ISO (2024-03-01), adr-tools' old dd/mm/yyyy, or yyyy/mm/dd; None when unreadable."""
    text = str(text).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def file_number(name: str) -> int | None:
    if _LOG4BRAINS.match(name):
        return None
    m = _FILE_NUMBER.match(name)
    return int(m.group(1)) if m else None


def _split_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, rest of the text, lines the front matter used)."""
    if not text.startswith("---\n"):
        return {}, text, 0
    end = text.find("\n---\n", 3)
    if end < 0:
        return {}, text, 0
    try:
        data = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError:
        return {}, text, 0
    if not isinstance(data, dict):
        return {}, text, 0
    used = text[: end + 5].count("\n")
    return {str(k): v for k, v in data.items()}, text[end + 5 :], used


def _link(line: str) -> DocLink | None:
    m = _LINK.match(line)
    if not m:
        return None
    return DocLink(logic.link_kind(m["verb"]), m["verb"].strip(), m["text"], m["href"])


def _status(doc: Doc, text: str) -> None:
    """Set status from a MADR value such as 'superseded by [ADR-0005](0005-x.md)'."""
    doc.status_text = text.strip()
    m = re.match(r"^\s*(superseded by|superceded by)\s+(.*)$", text, re.IGNORECASE)
    if m:
        link = _link(f"{m.group(1)} {m.group(2)}")
        if link is None:
            bare = _BARE_TARGET.search(m.group(2))
            link = DocLink(
                "superseded-by",
                m.group(1),
                m.group(2).strip(),
                target=int(bare.group(1)) if bare else None,
            )
        doc.links.append(link)
    doc.status = logic.canonical_status(text)


def parse(text: str, file: str) -> Doc:
    """Read one record. Never raises: what cannot be read is left empty for lint to report."""
    text = text.replace("\r\n", "\n")
    front, rest, offset = _split_front_matter(text)
    lines = rest.split("\n")
    title_at = next((i for i, x in enumerate(lines) if x.startswith("# ")), None)
    doc = Doc(file=file, format="adr-tools", title="")
    if title_at is not None:
        heading = lines[title_at][2:].strip()
        m = _NUMBERED_TITLE.match(heading)
        doc.heading_number, doc.title = (int(m.group(1)), m.group(2)) if m else (None, heading)
        doc.lines["title"] = offset + title_at + 1
    else:
        doc.title = str(front.get("title", "")).strip()
    doc.number = file_number(file)
    if doc.number is None:
        doc.number = doc.heading_number
    after = lines[title_at + 1 :] if title_at is not None else lines
    base = offset + (title_at + 1 if title_at is not None else 0)
    if "status" in front:
        _front_matter_doc(doc, front, after, base)
    elif any(x.strip().lower() == "## status" for x in after):
        _adr_tools_doc(doc, front, after, base)
    else:
        _bullet_doc(doc, front, after, base)
    return doc


def _owned_front(doc: Doc, front: dict[str, Any]) -> None:
    for key, value in front.items():
        if key in PEOPLE_KEYS and doc.format == "madr":
            getattr(doc, PEOPLE_KEYS[key]).extend(_split_list(value))
            if key == "deciders":
                doc.front_matter.setdefault("_deciders_key", "deciders")
        elif key == "tags" and doc.format == "madr":
            doc.tags = _split_list(value)
        elif key not in ("status", "date") or doc.format != "madr":
            doc.front_matter[key] = value


def _front_matter_doc(doc: Doc, front: dict[str, Any], after: list[str], base: int) -> None:
    doc.format = "madr"
    _owned_front(doc, front)
    _status(doc, str(front.get("status", "")))
    doc.lines["status"] = 2
    raw_date = front.get("date")
    doc.date_text = "" if raw_date is None else str(raw_date)
    doc.date = raw_date if isinstance(raw_date, date) else parse_date(doc.date_text)
    doc.body = _take_links_section(doc, "\n".join(after).lstrip("\n"), base)


def _adr_tools_doc(doc: Doc, front: dict[str, Any], after: list[str], base: int) -> None:
    doc.format = "adr-tools"
    for key, value in front.items():  # adr-tools has no place for these but front matter
        if key in PEOPLE_KEYS:
            getattr(doc, PEOPLE_KEYS[key]).extend(_split_list(value))
        elif key == "tags":
            doc.tags = _split_list(value)
        else:
            doc.front_matter[key] = value
    status_at = next(i for i, x in enumerate(after) if x.strip().lower() == "## status")
    preamble = []
    for i, line in enumerate(after[:status_at]):
        m = re.match(r"^Date:\s*(.*)$", line.strip())
        if m and not doc.date_text:
            doc.date_text, doc.date = m.group(1).strip(), parse_date(m.group(1))
            doc.lines["date"] = base + i + 1
        elif line.strip():
            preamble.append(line)
    doc.preamble = "\n".join(preamble)
    end = next(
        (i for i in range(status_at + 1, len(after)) if after[i].startswith("## ")), len(after)
    )
    words = []
    doc.lines["status"] = base + status_at + 1
    for offset_in, line in enumerate(after[status_at + 1 : end]):
        link = _link(line)
        if link is not None:
            link.line = base + status_at + offset_in + 2
            doc.links.append(link)
        elif line.strip():
            words.append(line.strip())
    _status(doc, " ".join(words))
    if not words and any(x.kind == "superseded-by" for x in doc.links):
        doc.status = "superseded"  # adr-tools removes "Accepted" when it supersedes
    doc.body = "\n".join(after[end:])


def _bullet_doc(doc: Doc, front: dict[str, Any], after: list[str], base: int) -> None:
    doc.format = "log4brains" if re.match(r"^\d{8}-", doc.file) else "madr2"
    doc.front_matter = dict(front)
    i = 0
    while i < len(after) and not after[i].strip():
        i += 1
    while i < len(after):
        m = _BULLET.match(after[i].strip())
        if not m:
            break
        key, value = m["key"].strip().lower(), m["value"].strip()
        if key == "status":
            _status(doc, value)
            doc.lines["status"] = base + i + 1
        elif key == "date":
            doc.date_text, doc.date = value, parse_date(value)
            doc.lines["date"] = base + i + 1
        elif key in PEOPLE_KEYS:
            getattr(doc, PEOPLE_KEYS[key]).extend(_split_list(value))
        elif key == "tags":
            doc.tags = _split_list(value)
        else:
            doc.front_matter[f"bullet:{m['key'].strip()}"] = value
        i += 1
    doc.body = _take_links_section(doc, "\n".join(after[i:]).lstrip("\n"), base + i)


def _take_links_section(doc: Doc, body: str, base: int) -> str:
    """MADR keeps links in a '## Links' section of bullets; Sunrelay owns that section."""
    m = re.search(r"(?ms)^## Links[ \t]*\n(.*?)(?=^## |\Z)", body)
    if not m:
        return body
    found = [_link(x) for x in m.group(1).splitlines() if x.strip()]
    if not found or any(x is None for x in found):
        return body  # prose in the section: leave it as prose
    known = {(x.kind, x.href) for x in doc.links}
    doc.links.extend(x for x in found if x is not None and (x.kind, x.href) not in known)
    return (body[: m.start()] + body[m.end() :]).rstrip("\n") + "\n"


# -- writing -----------------------------------------------------------------------------------


def _link_line(link: DocLink) -> str:
    return f"{link.verb or logic.LINK_VERBS[link.kind]} [{link.text}]({link.href})"


def render(doc: Doc, fmt: str) -> str:
    """The file for ``doc`` in ``fmt`` ("adr-tools" or "madr"); parse(render(d)) gives d back."""
    if fmt == "adr-tools":
        return _render_adr_tools(doc)
    return _render_madr(doc)


def _yaml_front(data: dict[str, Any]) -> str:
    if not data:
        return ""
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{dumped}---\n\n"


def _render_adr_tools(doc: Doc) -> str:
    extra = {k: v for k, v in doc.front_matter.items() if not k.startswith(("bullet:", "_"))}
    for key, values in (
        ("deciders", doc.deciders),
        ("consulted", doc.consulted),
        ("informed", doc.informed),
        ("tags", doc.tags),
    ):
        if values:
            extra[key] = ", ".join(values)
    head = [f"# {doc.number}. {doc.title}", "", f"Date: {_date_text(doc)}", ""]
    body = doc.body.lstrip("\n")
    lead, _, rest = body.partition("\n## ") if not body.startswith("## ") else ("", "", body)
    if lead.strip():  # text before the first section (MADR's "Technical Story: …")
        body = "## " + rest if rest else ""
    preamble = "\n\n".join(x for x in (doc.preamble, lead.strip()) if x.strip())
    if preamble:
        head += [preamble, ""]
    status = [] if doc.status == "superseded" and not doc.status_text else [doc.status_text]
    status += [_link_line(x) for x in doc.links if not _in_status(x, doc)]
    head += ["## Status", "", "\n\n".join(status), ""]
    return _yaml_front(extra) + "\n".join(head) + "\n" + body


def _render_madr(doc: Doc) -> str:
    front: dict[str, Any] = {"status": doc.status_text or doc.status or "proposed"}
    if doc.date or doc.date_text:
        written = _date_text(doc)
        front["date"] = doc.date if doc.date and written == doc.date.isoformat() else written
    people_key = doc.front_matter.get("_deciders_key", "decision-makers")
    for key, values in (
        (people_key, doc.deciders),
        ("consulted", doc.consulted),
        ("informed", doc.informed),
    ):
        if values:
            front[key] = ", ".join(values)
    if doc.tags:
        front["tags"] = list(doc.tags)
    front.update({k: v for k, v in doc.front_matter.items() if not k.startswith(("bullet:", "_"))})
    links = [x for x in doc.links if not _in_status(x, doc)]
    body = doc.body.strip("\n")
    if doc.preamble:
        body = f"{doc.preamble}\n\n{body}"
    if links:
        body += "\n\n## Links\n\n" + "\n".join(f"* {_link_line(x)}" for x in links)
    return _yaml_front(front) + f"# {doc.title}\n\n{body}\n"


def _in_status(link: DocLink, doc: Doc) -> bool:
    """A MADR status such as 'superseded by ADR-0005' already carries this link."""
    return link.kind == "superseded-by" and bool(link.text) and link.text in doc.status_text


def _date_text(doc: Doc) -> str:
    if doc.date_text and parse_date(doc.date_text) == doc.date:
        return doc.date_text
    return doc.date.isoformat() if doc.date else doc.date_text
