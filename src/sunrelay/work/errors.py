"""Work-in-flight errors; each carries a stable code and names the field at fault."""

from sunrelay.core.errors import Conflict, NotFound


class InitiativeNotFound(NotFound):
    code = "initiative_not_found"


class SignalNotFound(NotFound):
    code = "signal_not_found"


class ValveNotFound(NotFound):
    code = "valve_not_found"


class StateNotAllowed(Conflict):
    code = "state_not_allowed"


class OverLimit(Conflict):
    """A person's own limit: refused, naming the initiatives they already carry."""

    code = "over_limit"


class NotDone(Conflict):
    code = "exit_criteria_open"
