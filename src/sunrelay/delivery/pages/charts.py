"""Geometry of the health page's weekly bar charts; the page draws them as inline SVG. Pure."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, BASE = 480, 120, 100


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the week, for the axis
    title: str  # the value, for a tooltip


@dataclass(frozen=True)
class Bars:
    width: int
    height: int
    bars: list[Bar]
    top: str  # the value the chart's top stands for


def bars(values: list[tuple[str, float | None]], unit: str) -> Bars:
    """One bar per (label, value); a missing value draws no bar but keeps its place."""
    top = max((v for _, v in values if v is not None), default=0.0) or 1.0
    step = WIDTH / max(len(values), 1)
    found = []
    for i, (label, value) in enumerate(values):
        h = 0.0 if value is None else BASE * value / top
        shown = "no data" if value is None else f"{value:,.1f} {unit}".replace(".0 ", " ")
        found.append(Bar(i * step + 2, BASE - h, step - 4, h, label, f"{label}: {shown}"))
    return Bars(WIDTH, HEIGHT, found, f"{top:,.1f} {unit}".replace(".0 ", " "))
