"""The truck factor of a local repository, or of the files of it that globs select: reads the
history (``gitlog``), merges identities, leaves out what the exclusion rules say, computes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sunrelay.core.errors import ValidationFailed
from sunrelay.knowledge import exclusions, gitlog, identities, truckfactor


@dataclass(frozen=True)
class Options:
    rev: str = "HEAD"
    paths: Sequence[str] = ()  # globs: only these files
    exclude: Sequence[str] = ()  # globs: never these files
    aliases: Sequence[tuple[str, str]] = ()
    algorithm: str = "greedy"
    defaults: bool = True  # leave out vendored, generated and documentation files


def analyse(history: gitlog.History, options: Options) -> tuple[truckfactor.Result, list[str]]:
    """The truck factor over ``history`` and the warnings met on the way. Raises
    ValidationFailed for an unknown algorithm or a bad glob."""
    try:
        files = exclusions.kept(
            history.files, only=options.paths, exclude=options.exclude, defaults=options.defaults
        )
    except ValueError as exc:
        raise ValidationFailed(f"a glob is not valid: {exc}", field="paths") from None
    of, devs, warnings = identities.merge(history.raws, history.commits, list(options.aliases))
    try:
        result = truckfactor.compute(files, history, of, devs, options.algorithm)
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="algorithm") from None
    if not files:
        warnings.append("no files are left to count once the exclusions are applied")
    return result, warnings


def truck_factor(
    path: Path, options: Options, progress: Callable[[int], None] | None = None
) -> tuple[truckfactor.Result, list[str]]:
    """Raises ValidationFailed (not a repository, an unknown revision, a bad option)."""
    if options.algorithm not in truckfactor.ALGORITHMS:
        raise ValidationFailed(
            f"{options.algorithm!r} is not one of {', '.join(truckfactor.ALGORITHMS)}",
            field="algorithm",
        )
    return analyse(gitlog.read(path, options.rev, progress), options)


def read_aliases(path: Path) -> list[tuple[str, str]]:
    try:
        return identities.parse_aliases(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"{path}: {exc}", field="aliases") from None
    except ValueError as exc:
        raise ValidationFailed(f"{path}: {exc}", field="aliases") from None


def read_globs(path: Path) -> list[str]:
    try:
        return exclusions.read_globs(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"{path}: {exc}", field="exclude_from") from None
