"""Who may change a decision record (docs/permissions.md).

- Anyone in the directory may write a new record; they become its DRI unless they name one.
- Editing, requesting review, linking, moving it (withdraw, accept, reject, deprecate) and the
  retro: its DRI, the lead of its authoring team (or of a team above it), and staff.
- Changing the DRI is the same call, and the timeline records who handed it to whom.
- Verdicts: the record's reviewers. Comments: anyone in the directory.
"""

from __future__ import annotations

from sunrelay.core.permissions import Actor
from sunrelay.decisions.errors import NotTheDri
from sunrelay.decisions.models import Record
from sunrelay.people.permissions import leads


def may_change(actor: Actor, record: Record) -> bool:
    if actor.staff:
        return True
    if record.dri is not None and actor.is_person(record.dri.slug):
        return True
    return leads(actor, record.team_id)


def require_change(actor: Actor, record: Record, what: str = "change this record") -> None:
    """Raises NotTheDri naming who may."""
    if not may_change(actor, record):
        dri = f"its DRI ({record.dri.slug})" if record.dri else "its DRI"
        lead = "the lead of its team" if record.team_id else None
        who = ", ".join(x for x in (dri, lead, "staff") if x)
        raise NotTheDri(f"only {who} may {what}", field="actor")
