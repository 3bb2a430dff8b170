"""Failure handling decided in advance (seed 004), the ``failure`` section of a team's working
agreement: who decides for whom while they are away, and the team's playbooks for the failures
it can predict. Pure: checked by ``org lint``, read by ``delegation``.

```yaml
agreement:
  failure:
    delegates:
      - {person: ana, delegate: bruno, for: [decisions, reviews, escalations, handoffs]}
    playbooks:
      - {when: lead-away, decides: bruno, answer: "Bruno runs planning; ADRs wait unless urgent"}
      - {when: three-at-once, decides: ana, answer: do nothing, the valve covers it}
```
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DUTIES = ("decisions", "reviews", "escalations", "handoffs", "oncall")
# the failures seed 004 names; a team may add its own
KNOWN_FAILURES = ("lead-away", "dependency-late", "three-at-once")
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


@dataclass(frozen=True)
class Delegation:
    person: str
    delegate: str
    duties: tuple[str, ...]


@dataclass(frozen=True)
class Playbook:
    when: str
    decides: str
    answer: str


def _ident(value: object, what: str) -> str:
    if not isinstance(value, str) or not ID.match(value):
        raise ValueError(f"{what} must be a person's id, not {value!r}")
    return value


def check_delegates(value: object) -> list[Delegation]:
    if not isinstance(value, list):
        raise ValueError("must be a list of {person, delegate, for}")
    found = []
    for item in value:
        if not isinstance(item, dict) or set(item) - {"person", "delegate", "for"}:
            raise ValueError("each delegation is {person, delegate, for: [duties]}")
        person = _ident(item.get("person"), "person")
        delegate = _ident(item.get("delegate"), "delegate")
        if person == delegate:
            raise ValueError(f"{person} cannot be their own delegate")
        duties = item.get("for", list(DUTIES))
        if not isinstance(duties, list) or not duties or set(duties) - set(DUTIES):
            raise ValueError(f"for: must list duties among {', '.join(DUTIES)}")
        found.append(Delegation(person, delegate, tuple(duties)))
    return found


def check_playbooks(value: object) -> list[Playbook]:
    if not isinstance(value, list):
        raise ValueError("must be a list of {when, decides, answer}")
    found = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"when", "decides", "answer"}:
            raise ValueError(
                "each playbook is {when, decides, answer} ('do nothing' is a valid answer)"
            )
        when = item["when"]
        if not isinstance(when, str) or not ID.match(when):
            raise ValueError(f"when: {when!r} is not a failure like {KNOWN_FAILURES[0]!r}")
        answer = str(item["answer"] or "").strip()
        if not answer:
            raise ValueError(f"playbook {when!r} needs an answer ('do nothing' is one)")
        found.append(Playbook(when, _ident(item["decides"], "decides"), answer))
    return found


RULES: dict[str, Callable[[object], object]] = {
    "delegates": check_delegates,
    "playbooks": check_playbooks,
}


def delegations(agreement: dict[str, Any] | None) -> list[Delegation]:
    try:
        return check_delegates(((agreement or {}).get("failure") or {}).get("delegates", []))
    except ValueError:
        return []


def playbooks(agreement: dict[str, Any] | None) -> list[Playbook]:
    try:
        return check_playbooks(((agreement or {}).get("failure") or {}).get("playbooks", []))
    except ValueError:
        return []
