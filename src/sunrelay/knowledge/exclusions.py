"""Which files a truck factor leaves out: vendored code, generated files and documentation,
with rules in the spirit of GitHub Linguist's ``vendor.yml``, ``generated`` and
``documentation.yml`` (written for Sunrelay, not copied), plus globs a user adds. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

VENDORED = (
    r"(^|/)node_modules/",
    r"(^|/)bower_components/",
    r"(^|/)vendor(ed)?/",
    r"(^|/)third[-_]?party/",
    r"(^|/)3rd[-_]?party/",
    r"(^|/)extern(al)?/",
    r"(^|/)deps/",
    r"(^|/)\.yarn/",
    r"(^|/)Pods/",
    r"(^|/)Carthage/",
    r"(^|/)jquery([.-][\d.]+)?(\.min)?\.js$",
    r"(^|/)bootstrap([.-][\d.]+)?(\.min)?\.(js|css)$",
    r"(^|/)gradlew(\.bat)?$",
    r"(^|/)mvnw(\.cmd)?$",
    r"(^|/)\.gradle/",
)
GENERATED = (
    r"\.min\.(js|css)$",
    r"\.map$",
    r"(^|/)dist/",
    r"(^|/)package-lock\.json$",
    r"(^|/)npm-shrinkwrap\.json$",
    r"(^|/)yarn\.lock$",
    r"(^|/)pnpm-lock\.yaml$",
    r"(^|/)Cargo\.lock$",
    r"(^|/)Gemfile\.lock$",
    r"(^|/)poetry\.lock$",
    r"(^|/)Pipfile\.lock$",
    r"(^|/)uv\.lock$",
    r"(^|/)composer\.lock$",
    r"(^|/)go\.sum$",
    r"\.pb\.go$",
    r"_pb2(_grpc)?\.py$",
    r"\.pb\.(cc|h)$",
    r"(^|/)__generated__/",
    r"\.designer\.(cs|vb)$",
)
DOCUMENTATION = (
    r"^[Dd]ocs?/",
    r"(^|/)[Dd]ocumentation/",
    r"(^|/)[Jj]avadoc/",
    r"^[Mm]an/",
    r"^[Ee]xamples?/",
    r"^[Ss]amples?/",
    r"^[Dd]emos?/",
    r"(^|/)CHANGE(S|LOG)?(\.|$)",
    r"(^|/)[Cc]hange[Ll]og(\.|$)",
    r"(^|/)CONTRIBUTING(\.|$)",
    r"(^|/)COPYING(\.|$)",
    r"(^|/)INSTALL(\.|$)",
    r"(^|/)LICEN[CS]E(\.|$)",
    r"(^|/)[Ll]icen[cs]e(\.|$)",
    r"(^|/)README(\.|$)",
    r"(^|/)[Rr]eadme(\.|$)",
    r"(^|/)AUTHORS(\.|$)",
    r"(^|/)CITATION(\.cff|\.bib|\.md)?$",
)


def _combine(rules: tuple[str, ...]) -> re.Pattern[str]:
    """One expression for all the rules, grouped by how they are anchored (at the start, at
    a folder boundary, at the end) so that each position of a path is tried once, not once
    per rule: 11,000 paths in 20 ms instead of 250."""
    start = [r[1:] for r in rules if r.startswith("^")]
    segment = [r[5:] for r in rules if r.startswith("(^|/)")]
    rest = [r for r in rules if not r.startswith(("^", "(^|/)"))]
    parts = [f"^(?:{'|'.join(start)})", f"(?:^|/)(?:{'|'.join(segment)})", *rest]
    return re.compile("|".join(parts))


DEFAULT = _combine(VENDORED + GENERATED + DOCUMENTATION)


@lru_cache(maxsize=256)
def glob_pattern(glob: str) -> re.Pattern[str]:
    """A path glob as a regular expression over a whole ``/``-separated path: ``*`` and ``?``
    stay inside one folder, ``**`` crosses folders (``a/**`` is everything under ``a``,
    ``**/x`` is ``x`` at any depth). A glob with no ``/`` matches a file name at any depth,
    as in ``.gitignore``, unless it starts with ``/``, which anchors it at the top. Raises
    ValueError for an empty glob."""
    glob = glob.strip().removeprefix("./")
    anchored = glob.startswith("/")
    glob = glob.lstrip("/")
    if not glob:
        raise ValueError("an empty glob")
    if "/" not in glob.rstrip("/") and not anchored:
        glob = "**/" + glob
    if glob.endswith("/"):
        glob += "**"
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def matches(path: str, globs: Iterable[str]) -> bool:
    return any(glob_pattern(g).match(path) for g in globs)


def read_globs(text: str) -> list[str]:
    """One glob per line; blank lines and ``#`` comments skipped."""
    return [s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#")]


def kept(
    paths: Iterable[str],
    *,
    only: Iterable[str] = (),
    exclude: Iterable[str] = (),
    defaults: bool = True,
) -> list[str]:
    """``paths`` less the default rules (unless ``defaults`` is False) and ``exclude``,
    narrowed to ``only`` when it names any glob."""
    only, exclude = list(only), list(exclude)
    found = []
    for path in paths:
        if defaults and DEFAULT.search(path):
            continue
        if exclude and matches(path, exclude):
            continue
        if only and not matches(path, only):
            continue
        found.append(path)
    return found


# What a reader would open to learn how a component works: prose files and documentation
# folders, not the legal and changelog files every repository carries.
_DOC_SUFFIX = (".md", ".markdown", ".rst", ".adoc", ".txt")
_DOC_FOLDER = re.compile(r"(^|/)(docs?|[Dd]ocumentation|runbooks?|adr|decisions)/")
_BOILERPLATE = re.compile(
    r"(^|/)(LICEN[CS]E|COPYING|NOTICE|AUTHORS|CHANGE(S|LOG)|CODE_OF_CONDUCT|CITATION|"
    r"CONTRIBUTING|SECURITY)(\.[^/]*)?$",
    re.IGNORECASE,
)
DOC_PATHSPECS = (
    ":(glob)**/*.md", ":(glob)**/*.markdown", ":(glob)**/*.rst", ":(glob)**/*.adoc",
    ":(glob)**/*.txt", ":(glob)**/doc/**", ":(glob)**/docs/**", ":(glob)**/Documentation/**",
    ":(glob)**/runbook/**", ":(glob)**/runbooks/**", ":(glob)**/adr/**",
    ":(glob)**/decisions/**",
)  # fmt: skip


def is_document(path: str) -> bool:
    if _BOILERPLATE.search(path):
        return False
    return path.lower().endswith(_DOC_SUFFIX) or bool(_DOC_FOLDER.search(path))
