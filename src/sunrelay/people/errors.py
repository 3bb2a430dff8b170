"""Directory errors, each with a stable code."""

from sunrelay.core.errors import Conflict, NotFound, ValidationFailed


class PersonNotFound(NotFound):
    code = "person_not_found"


class TeamNotFound(NotFound):
    code = "team_not_found"


class ComponentNotFound(NotFound):
    code = "component_not_found"


class AbsenceNotFound(NotFound):
    code = "absence_not_found"


class AlreadyExists(Conflict):
    code = "already_exists"


class InvalidOrgFile(ValidationFailed):
    """Carries every problem; ``message`` is the first, ``problems`` all of them."""

    code = "invalid_org_file"

    def __init__(self, problems: list):  # list[orgfile.Problem]
        first = problems[0]
        super().__init__(f"{first.path}: {first.message}", field=first.path)
        self.problems = problems


class NotLinked(ValidationFailed):
    """A hub page needs the signed-in user to be someone in the directory; the hub answers it
    by sending them to set that up (core.middleware)."""

    code = "not_linked"


class KeptInFile(Conflict):
    """People, teams or components the team's org file declares: changed in the file only."""

    code = "kept_in_file"
