"""Decision errors, each with a stable code."""

from sunrelay.core.errors import Conflict, NotFound, PermissionDenied


class RecordNotFound(NotFound):
    code = "record_not_found"


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


class NotAReviewer(PermissionDenied):
    code = "not_a_reviewer"


class NotTheDri(PermissionDenied):
    code = "not_the_dri"
