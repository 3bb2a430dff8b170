"""The cadence's errors; each carries a stable code and names the field at fault."""

from sunrelay.core.errors import Conflict, NotFound, PermissionDenied


class UpdateNotFound(NotFound):
    code = "update_not_found"


class ItemNotFound(NotFound):
    code = "item_not_found"


class HandoffNotFound(NotFound):
    code = "handoff_not_found"


class RitualNotFound(NotFound):
    code = "ritual_not_found"


class FeedNotFound(NotFound):
    code = "feed_not_found"


class NoNextRegion(Conflict):
    code = "no_next_region"


class AlreadyAcknowledged(Conflict):
    code = "already_acknowledged"


class NotAReceiver(PermissionDenied):
    code = "not_a_receiver"
