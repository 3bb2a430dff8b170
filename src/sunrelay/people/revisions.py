"""The directory's read model: every person, team and absence as one ``Directory``, kept in
memory per process and rebuilt when any of them changes (core.revisions). Every save and
delete of those rows, and every change of a team's members, moves the ``directory``
revision, whichever code path made it; of components, the ``catalog`` revision."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from sunrelay.core import revisions
from sunrelay.people.models import Absence, Component, Person, Team

NAME = "directory"
CATALOG = "catalog"


def _changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    revisions.bump(CATALOG if sender is Component else NAME)


for model in (Person, Team, Absence, Component):
    post_save.connect(_changed, sender=model, dispatch_uid=f"directory-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"directory-del-{model.__name__}")
m2m_changed.connect(_changed, sender=Team.members.through, dispatch_uid="directory-members")
