"""The ``incident`` section of a team's working agreement, registered with the org file."""

from __future__ import annotations

from sunrelay.incidents.logic import check_severities
from sunrelay.people.orgfile import register_agreement
from sunrelay.worktime import parse_period

register_agreement("incident", {"postmortem_due": parse_period, "severities": check_severities})
