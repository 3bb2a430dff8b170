"""The ``knowledge`` section of a working agreement (a team's, or the organisation's
default): the bus-factor target of critical components and how old a document may grow,
registered with the org file so ``org lint`` checks it."""

from __future__ import annotations

from sunrelay.knowledge.logic import RULES
from sunrelay.people.orgfile import register_agreement

register_agreement("knowledge", RULES)
