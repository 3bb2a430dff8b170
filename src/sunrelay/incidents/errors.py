"""Incident errors; each carries a stable code and names the field at fault."""

from sunrelay.core.errors import Conflict, NotFound


class IncidentNotFound(NotFound):
    code = "incident_not_found"


class ActionItemNotFound(NotFound):
    code = "action_item_not_found"


class EntryNotFound(NotFound):
    code = "entry_not_found"


class StateNotAllowed(Conflict):
    code = "state_not_allowed"
