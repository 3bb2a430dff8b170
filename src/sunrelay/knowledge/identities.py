"""Who is who in a git history. A commit names its author twice: as written (``%an``/``%ae``)
and as the repository's ``.mailmap`` maps them (``%aN``/``%aE``). Identities that share an
e-mail address (case-insensitively) or a name are one developer, and so are the two names on
each line of an aliases file (``NAME;ALIAS``). Merging is transitive. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Raw:
    """One author as a commit header names them."""

    name: str
    email: str
    mapped_name: str
    mapped_email: str


@dataclass
class Developer:
    index: int
    name: str  # the name they commit under most often (after .mailmap)
    emails: tuple[str, ...]
    names: tuple[str, ...]
    commits: int = 0
    changes: int = 0  # file changes (not additions) across the files counted
    files: set[int] = field(default_factory=set)  # indexes of the files they author


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def parse_aliases(text: str) -> list[tuple[str, str]]:
    """Lines ``NAME;ALIAS``; blank lines and ``#`` comments skipped. Raises ValueError naming
    the line of one that is not two names."""
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 2 or not all(parts):
            raise ValueError(f"line {number}: expected NAME;ALIAS, got {line!r}")
        pairs.append((parts[0], parts[1]))
    return pairs


def merge(
    raws: list[Raw],
    counts: list[int],
    aliases: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> tuple[list[int], list[Developer], list[str]]:
    """Each raw identity's developer index, the developers (ordered by their lowest raw
    index, so the result does not depend on hash order), and warnings for alias lines naming
    someone absent from the history. ``counts[i]`` is how many commits ``raws[i]`` authored."""
    union = _Union(len(raws))
    first: dict[str, int] = {}

    def link(key: str, i: int) -> None:
        if key in first:
            union.join(first[key], i)
        else:
            first[key] = i

    for i, raw in enumerate(raws):
        for email in {raw.email.casefold(), raw.mapped_email.casefold()}:
            if email:
                link("e:" + email, i)
        for name in {raw.name.strip(), raw.mapped_name.strip()}:
            if name:
                link("n:" + name, i)
    warnings = []
    for name, alias in aliases:
        missing = [n for n in (name, alias) if "n:" + n not in first]
        if missing:
            warnings.append(
                f"alias {name};{alias} ignored: {' and '.join(repr(m) for m in missing)} "
                "never appears in the history"
            )
            continue
        union.join(first["n:" + name], first["n:" + alias])
    roots: dict[int, int] = {}
    of = []
    for i in range(len(raws)):
        of.append(roots.setdefault(union.find(i), len(roots)))
    names: list[Counter[str]] = [Counter() for _ in roots]
    emails: list[set[str]] = [set() for _ in roots]
    all_names: list[set[str]] = [set() for _ in roots]
    commits = [0] * len(roots)
    for i, raw in enumerate(raws):
        d = of[i]
        names[d][raw.mapped_name.strip() or raw.name.strip()] += counts[i]
        emails[d] |= {e.casefold() for e in (raw.email, raw.mapped_email) if e}
        all_names[d] |= {n.strip() for n in (raw.name, raw.mapped_name) if n.strip()}
        commits[d] += counts[i]
    developers = [
        Developer(
            index=d,
            name=min(names[d].items(), key=lambda kv: (-kv[1], kv[0]))[0] if names[d] else "",
            emails=tuple(sorted(emails[d])),
            names=tuple(sorted(all_names[d])),
            commits=commits[d],
        )
        for d in range(len(roots))
    ]
    return of, developers, warnings
