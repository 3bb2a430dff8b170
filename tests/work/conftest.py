"""A small organisation for work in flight: a Lisbon team (core) with a product counterpart
in Tokyo, a director above it in New York, and a team (app) whose work depends on core's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sunrelay.people import orgfile, service
from sunrelay.people.models import Person

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday: 10:00 in Lisbon, 19:00 in Tokyo

ORG = """\
version: 1
organization:
  name: Acme
  agreement:
    work: {per_person: 2}
people:
  - {id: grace, name: Grace, timezone: America/New_York, roles: [director-of-engineering]}
  - {id: lena, name: Lena, timezone: Europe/Lisbon, roles: [engineering-manager]}
  - {id: ana, name: Ana, timezone: Europe/Lisbon, roles: [engineer]}
  - {id: bruno, name: Bruno, timezone: Europe/Lisbon, roles: [engineer]}
  - {id: carla, name: Carla, timezone: Europe/Lisbon, roles: [engineer]}
  - {id: kenji, name: Kenji, timezone: Asia/Tokyo, roles: [product-manager]}
  - {id: omar, name: Omar, timezone: Europe/Lisbon, roles: [tech-lead]}
  - {id: pia, name: Pia, timezone: Europe/Lisbon, roles: [engineer]}
teams:
  - {id: eng, name: Engineering, lead: grace, members: [grace]}
  - id: core
    name: Core
    lead: lena
    members: [lena, ana, bruno, carla]
    parent: eng
    wip_limit: 2
    agreement:
      work:
        classes: [incident-response, customer-committed, customer, internal-tooling, speculative]
        product: kenji
        capacity_responders: [product]
        valves:
          - name: incident-load
            relieves: incident follow-ups crowd out planned work
            trigger: {incidents: 1}
            pause: [speculative, internal-tooling]
            up_to: 2
            openers: [engineering, product]
            back: incidents_resolved
          - name: by-hand
            trigger: manual
            freeze_starts: true
            openers: [engineering-manager]
            back: manual
  - {id: app, name: App, lead: omar, members: [omar, pia], parent: eng, wip_limit: 3}
components:
  - {id: ledger, name: Ledger, owner: core}
  - {id: web, name: Web, owner: app}
"""


@pytest.fixture
def org(db):
    return service.import_org(orgfile.parse(ORG, "org.yaml"))


def who(slug: str) -> Person:
    return Person.objects.get(slug=slug)
