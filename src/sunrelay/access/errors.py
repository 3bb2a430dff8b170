from sunrelay.core.errors import NotFound


class GrantNotFound(NotFound):
    code = "grant_not_found"


class SystemNotFound(NotFound):
    code = "system_not_found"
