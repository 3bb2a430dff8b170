"""Notification errors, each with a stable code."""

from sunrelay.core.errors import Conflict, NotFound


class NotificationNotFound(NotFound):
    code = "notification_not_found"


class NotDeadLetter(Conflict):
    code = "not_dead_letter"
