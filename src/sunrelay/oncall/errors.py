"""On-call errors; each carries a stable code and names the field at fault."""

from sunrelay.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class ScheduleNotFound(NotFound):
    code = "schedule_not_found"


class PolicyNotFound(NotFound):
    code = "policy_not_found"


class IntegrationNotFound(NotFound):
    code = "integration_not_found"


class AlertGroupNotFound(NotFound):
    code = "alert_group_not_found"


class OverrideNotFound(NotFound):
    code = "override_not_found"


class BadPayload(ValidationFailed):
    code = "bad_payload"


class LinkInvalid(PermissionDenied):
    code = "link_invalid"


class AlreadyResolved(Conflict):
    code = "already_resolved"
