"""Who may do what in an incident (docs/permissions.md).

Incidents are open: anyone in the directory may declare one, join as a responder, add notes
and decisions to the timeline, and own or finish the action items they are given.
Running one is not: taking or handing over command, giving roles, moving its state
(mitigate, resolve, reopen), posting its public status updates and finishing its postmortem
belong to its commander, the owning team's members and lead, and staff. An incident no team
owns is run by its commander, its responders and staff.
"""

from __future__ import annotations

from sunrelay.core.permissions import Actor, require
from sunrelay.incidents.models import Incident
from sunrelay.people.permissions import leads


def may_run(actor: Actor, incident: Incident) -> bool:
    if actor.staff:
        return True
    if actor.person is None:
        return False
    if incident.commander is not None and actor.is_person(incident.commander.slug):
        return True
    if incident.team is None:
        return incident.responders.filter(slug=actor.person).exists()
    return (
        leads(actor, incident.team_id) or incident.team.members.filter(slug=actor.person).exists()
    )


def require_run(actor: Actor, incident: Incident, what: str) -> None:
    owner = f"{incident.team.slug}'s members and lead" if incident.team else "its responders"
    require(
        may_run(actor, incident),
        f"the commander, {owner} or staff",
        f"{what} incident {incident.pk}",
        field="actor",
    )
