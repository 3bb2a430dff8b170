"""The ``work`` section of a working agreement (a team's, or the organisation's default),
registered with the org file so ``org lint`` checks it: the shed order of classes, the
per-person limit, who answers a capacity signal and how fast, the slip that tells dependent
teams, and the pressure-release valves."""

from __future__ import annotations

from sunrelay.people.orgfile import register_agreement
from sunrelay.work.logic import RULES

register_agreement("work", RULES)
