"""The ``onboarding`` section of a working agreement: the team's programme template (Day-0
items, paired tasks, 30/60/90-day goals), registered with the org file so ``org lint``
checks it."""

from __future__ import annotations

from sunrelay.onboarding.logic import RULES
from sunrelay.people.orgfile import register_agreement

register_agreement("onboarding", RULES)
