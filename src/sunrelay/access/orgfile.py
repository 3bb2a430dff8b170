"""The ``systems:`` section of ``org.yaml``, registered with the people domain's org-file
reader so ``org lint`` checks it (credential owners included). Pure."""

from __future__ import annotations

from sunrelay.access import specs
from sunrelay.people.orgfile import Known, Path, Section, register_section


def check_system(item: dict, path: Path, known: Known) -> list[tuple[Path, str]]:
    _, problems = specs.parse_system(item, path)
    people = known.get("people")
    credentials = item.get("credentials") if isinstance(item, dict) else None
    if people is not None and isinstance(credentials, list):
        for i, c in enumerate(credentials):
            owner = c.get("owner") if isinstance(c, dict) else None
            if isinstance(owner, str) and owner and owner not in people:
                problems.append(((*path, "credentials", i, "owner"), f"no person {owner!r}"))
    return problems


register_section(Section("systems", check_system))
