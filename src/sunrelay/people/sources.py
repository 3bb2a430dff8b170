"""Where a directory can come from: an org file or a Backstage catalog (files or folders)."""

from __future__ import annotations

from pathlib import Path

from sunrelay.integrations.backstage import read_catalog
from sunrelay.people import orgfile
from sunrelay.people.logic import OrgSpec
from sunrelay.people.orgfile import OrgFileInvalid, Problem

FORMATS = ("auto", "org", "backstage")


def detect(paths: list[str]) -> str:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            return "backstage"
        try:
            head = path.read_text(encoding="utf-8")[:4000]
        except OSError:
            continue
        if "backstage.io/" in head:
            return "backstage"
    return "org"


def read_source(paths: list[str], fmt: str = "auto") -> tuple[OrgSpec, list[str]]:
    """The directory in ``paths`` and notes on anything incomplete or skipped.
    Raises OrgFileInvalid with every problem, each naming its file and line."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    kind = detect(paths) if fmt == "auto" else fmt
    if kind == "backstage":
        return read_catalog(paths)
    if len(paths) != 1:
        raise OrgFileInvalid([Problem(paths[-1], 1, "(file)", "give one org file")])
    try:
        text = Path(paths[0]).read_text(encoding="utf-8")
    except OSError as exc:
        raise OrgFileInvalid(
            [Problem(paths[0], 1, "(file)", f"cannot read: {exc.strerror}")]
        ) from None
    return orgfile.parse(text, paths[0]), []
