"""The ``knowledge`` section of a working agreement (a team's, or the organisation's
default): the bus-factor target of critical components and how old a document may grow,
registered with the org file so ``org lint`` checks it; and the gap ``org lint`` warns about
from it: a critical component with fewer maintainers than its team's target."""

from __future__ import annotations

from sunrelay.knowledge.logic import CRITICAL, RULES, rules
from sunrelay.people.logic import OrgSpec, agreement_chain
from sunrelay.people.orgfile import register_agreement, register_gaps


def too_few_maintainers(spec: OrgSpec) -> list[tuple[str, str]]:
    found = []
    for c in spec.components:
        if c.criticality not in CRITICAL:
            continue
        target = rules(*agreement_chain(spec, c.owner)).bus_factor
        if len(c.maintainers) < target:
            found.append(
                (
                    f"component {c.id}",
                    f"is {c.criticality} but has {len(c.maintainers)} maintainer"
                    f"{'' if len(c.maintainers) == 1 else 's'}, fewer than the bus-factor "
                    f"target of {target}",
                )
            )
    return found


register_agreement("knowledge", RULES)
register_gaps(too_few_maintainers)
