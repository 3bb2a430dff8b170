"""Delivery errors; each carries a stable code and names the field at fault."""

from sunrelay.core.errors import NotFound, PermissionDenied, ValidationFailed


class SourceNotFound(NotFound):
    code = "source_not_found"


class BadPayload(ValidationFailed):
    code = "bad_payload"


class BadSignature(PermissionDenied):
    """The delivery is not signed with the source's secret: 401 rather than 403, as GitHub
    expects of a webhook receiver that refuses a signature."""

    code = "bad_signature"
    status = 401
