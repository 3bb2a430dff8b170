"""The rules of records: kinds, statuses and their transitions, status words found in real
folders, templates, review periods and the escalation ladder. Pure; no Django."""

from __future__ import annotations

import re
from datetime import timedelta

from sunrelay.worktime import Period, parse_period

KINDS = ("adr", "rfc", "design-doc")
KIND_LABELS = {"adr": "ADR", "rfc": "RFC", "design-doc": "Design doc"}
STATUSES = ("draft", "proposed", "accepted", "rejected", "deprecated", "superseded")

# Which status may follow which. Superseding happens through a link, never by hand.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("proposed",),
    "proposed": ("accepted", "rejected", "draft"),
    "accepted": ("deprecated",),
    "rejected": (),
    "deprecated": (),
    "superseded": (),
}

LINK_KINDS = ("supersedes", "superseded-by", "amends", "amended-by", "relates-to")
INVERSE = {
    "supersedes": "superseded-by",
    "superseded-by": "supersedes",
    "amends": "amended-by",
    "amended-by": "amends",
    "relates-to": "relates-to",
}
# How adr-tools spells each link (it writes "Supercedes" and "Superceded by").
LINK_VERBS = {
    "supersedes": "Supercedes",
    "superseded-by": "Superceded by",
    "amends": "Amends",
    "amended-by": "Amended by",
    "relates-to": "Relates to",
}

# Words found in real folders, most specific first. Partly superseded records still stand in
# part, so they count as accepted; the original text is always kept beside the mapping.
_STATUS_WORDS: list[tuple[str, str]] = [
    (r"partly superseded|partially superseded|partly superceded", "accepted"),
    (r"supersede|supercede|replaced", "superseded"),
    (r"deprecat|obsolete|retired|sunset", "deprecated"),
    (r"reject|declin|refused|abandon|withdrawn|won'?t do", "rejected"),
    (r"accept|approv|agreed|adopted|decided|done|implemented|active", "accepted"),
    (r"propos|pending|draft|in review|under review|review|open|wip|discuss", "proposed"),
]


def canonical_status(text: str) -> str | None:
    """Map a status as written ("✅ Approved", "Pending", "superseded by ADR-0005") to one of
    STATUSES, or None when no word is recognised."""
    words = re.sub(r"[^\w' -]+", " ", text.lower()).strip()
    for pattern, status in _STATUS_WORDS:
        if re.search(pattern, words):
            return status
    return None


def link_kind(verb: str) -> str:
    """The link kind for a verb as written in a file ("Superceded by" → "superseded-by")."""
    v = " ".join(verb.lower().replace("-", " ").split())
    v = v.replace("supercede", "supersede")
    if v.startswith("supersedes"):
        return "supersedes"
    if v.startswith("superseded by"):
        return "superseded-by"
    if v.startswith("amends"):
        return "amends"
    if v.startswith("amended by"):
        return "amended-by"
    return "relates-to"


def can_move(current: str, to: str) -> bool:
    return to in TRANSITIONS.get(current, ())


def slugify(title: str) -> str:
    """adr-tools' file slug: lower case, runs of anything else become one hyphen."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "record"


# -- templates ---------------------------------------------------------------------------------

TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "adr": [
        (
            "Context",
            "The issue motivating this decision, and any context that influences or constrains it.",
        ),
        ("Decision", "The change that we're proposing or have agreed to implement."),
        (
            "Consequences",
            "What becomes easier or more difficult to do, and any risks introduced "
            "by the change that will need to be mitigated.",
        ),
    ],
    "madr": [
        ("Context and Problem Statement", "Describe the context and problem statement."),
        ("Decision Drivers", "* driver 1"),
        ("Considered Options", "* option 1"),
        ("Decision Outcome", 'Chosen option: "option 1", because …'),
        ("Consequences", "* Good, because …\n* Bad, because …"),
        ("Pros and Cons of the Options", "### option 1\n\n* Good, because …"),
    ],
    "design-doc": [
        ("Problem Statement", "What problem are we solving, for whom, and why now?"),
        ("Proposed Solution", "How it works, at the level reviewers need to judge it."),
        ("Alternatives", "What else we considered and why we did not choose it."),
        ("Implementation Plan", "Milestones, owners and how we roll it out and back."),
        ("Success Metrics", "How we will know it worked."),
    ],
    "rfc": [
        ("Summary", "One paragraph explaining the proposal."),
        ("Motivation", "Why are we doing this? What use cases does it support?"),
        ("Detailed Design", "The proposal in enough detail to implement it."),
        ("Drawbacks", "Why should we not do this?"),
        ("Alternatives", "What other designs have been considered?"),
        ("Unresolved Questions", "What is still open?"),
    ],
}

REQUIRED_SECTIONS = {
    "adr-tools": ("Context", "Decision", "Consequences"),
    "madr": ("Context and Problem Statement", "Decision Outcome"),
    "design-doc": ("Problem Statement", "Proposed Solution"),
    "rfc": ("Summary", "Detailed Design"),
}


def template_body(name: str) -> str:
    return "\n\n".join(f"## {title}\n\n{text}" for title, text in TEMPLATES[name]) + "\n"


# -- review periods ----------------------------------------------------------------------------

DEFAULT_REVIEW = {"adr": "3d", "rfc": "5d", "design-doc": "72h"}


def review_period(kind: str, agreement: dict) -> Period:
    """The team's review period for ``kind`` (its ``agreement.review``), else the default."""
    return parse_period((agreement.get("review") or {}).get(kind) or DEFAULT_REVIEW[kind])


# -- the escalation ladder ---------------------------------------------------------------------

LADDER = ("none", "async-thread", "huddle", "dri-decides", "retro")
LADDER_LABELS = {
    "none": "on track",
    "async-thread": "objections discussed in the record's thread",
    "huddle": "30-minute huddle proposed",
    "dri-decides": "waiting for the DRI to decide",
    "retro": "retro held",
}
STEP_WAIT = timedelta(hours=8)  # working time at each rung before the next one


def next_rung(current: str, *, overdue: bool, objections: bool) -> str | None:
    """The rung a record moves to when its deadline has passed and the wait at ``current`` is
    over, or None when it stays. Retro is never automatic: the DRI chooses it."""
    if not overdue or not objections:
        return None
    order = LADDER.index(current)
    return LADDER[order + 1] if order + 1 < LADDER.index("retro") else None
