"""The hub's on-call editors as plain values: form fields to the org-file shape and back.

Pure: a form is any mapping of field names to text (a Django ``QueryDict`` is one). Fields are
named by their org-file path (``layers.0.shift``, ``steps.1.wait``, ``routes.2.match``), so a
problem that ``specs`` or the service reports for ``layers.0.participants.2`` lands next to the
``layers.0.participants`` field. Rows (layers, steps, routes) are added, removed and reordered
on the server, so the editors work without JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sunrelay.worktime import parse_weekday

Form = Mapping[str, str]
Values = dict[str, Any]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LAYER_FIELDS = (
    *("name", "type", "participants", "shift", "start", "handoff", "timezone"),
    *("team", "restrictions"),
)
STEP_FIELDS = ("notify", "wait")
ROUTE_FIELDS = ("component", "match")
ROWS = {"layers": LAYER_FIELDS, "steps": STEP_FIELDS, "routes": ROUTE_FIELDS}
_ACTION = re.compile(r"^(add|remove|up|down)(?:-(\d+))?$")
_RULE = re.compile(r"^(?P<days>[^\d]*?)\s*(?P<hours>\d.*)?$")


def _text(form: Form, key: str) -> str:
    return str(form.get(key) or "").strip()


def rows(form: Form, kind: str) -> list[dict[str, str]]:
    """The rows of one kind, in the order of their indices, each a field → text mapping."""
    found = sorted(
        {int(m.group(1)) for key in form if (m := re.fullmatch(rf"{kind}\.(\d+)\.\w+", key))}
    )
    return [{f: _text(form, f"{kind}.{i}.{f}") for f in ROWS[kind]} for i in found]


def act(values: Values, kind: str, action: str, blank: dict[str, str]) -> bool:
    """Apply a row button (``add``, ``remove-2``, ``up-1``, ``down-0``) to ``values[kind]``.
    Returns False for anything else (``save``)."""
    match = _ACTION.match(action)
    if not match:
        return False
    items: list[dict[str, str]] = values[kind]
    verb, at = match.group(1), int(match.group(2) or 0)
    if verb == "add":
        items.append(dict(blank))
    elif at < len(items):
        if verb == "remove":
            items.pop(at)
        elif verb == "up" and at > 0:
            items[at - 1], items[at] = items[at], items[at - 1]
        elif verb == "down" and at + 1 < len(items):
            items[at + 1], items[at] = items[at], items[at + 1]
    return True


def attach_errors(values: Values, problems: list[tuple[str, str]]) -> None:
    """Put each ``(field, message)`` next to the field it names (``values["errors"]`` or a row's
    ``errors``); what fits no field goes to ``values["problems"]`` for the top of the form."""
    values.setdefault("errors", {})
    values.setdefault("problems", [])
    values["invalid"] = bool(problems)
    for field, message in problems:
        parts = field.split(".")
        kind = parts[0]
        if kind in ROWS and len(parts) >= 3 and parts[1].isdigit():
            index, name = int(parts[1]), parts[2]
            if index < len(values.get(kind, [])) and name in ROWS[kind]:
                values[kind][index].setdefault("errors", {}).setdefault(name, message)
                continue
        if len(parts) == 1 and field in values:
            values["errors"].setdefault(field, message)
            continue
        values["problems"].append(f"{field}: {message}" if field else message)


# -- schedules -----------------------------------------------------------------------------------

BLANK_LAYER = {"type": "rotation", "shift": "1w", "handoff": "09:00"}


def schedule_values(form: Form) -> Values:
    values: Values = {k: _text(form, k) for k in ("id", "name", "team", "timezone")}
    return values | {"layers": rows(form, "layers")}


def schedule_item(values: Values) -> dict[str, Any]:
    """The org-file shape ``specs.parse_schedule`` reads; empty optional fields are left out."""
    item: dict[str, Any] = {"id": values["id"], "timezone": values["timezone"]}
    item |= {k: values[k] for k in ("name", "team") if values.get(k)}
    layers = []
    for row in values["layers"]:
        layer: dict[str, Any] = {"name": row["name"]} if row.get("name") else {}
        if row.get("type") == "follow-the-sun":
            layer |= {"type": "follow-the-sun", "team": row.get("team", "")}
        else:
            layer["participants"] = [p for p in re.split(r"[\s,]+", row["participants"]) if p]
            layer |= {k: row[k] for k in ("shift", "start", "handoff") if row.get(k)}
        if row.get("timezone"):
            layer["timezone"] = row["timezone"]
        if row.get("restrictions"):
            layer["restrictions"] = restrictions_from_text(row["restrictions"])
        layers.append(layer)
    return item | {"layers": layers}


def schedule_form(data: dict[str, Any]) -> Values:
    """The editor's values for a stored schedule (``specs.schedule_data``)."""
    values: Values = {k: str(data.get(k) or "") for k in ("id", "name", "team", "timezone")}
    layers = []
    for layer in data["layers"]:
        row = dict.fromkeys(LAYER_FIELDS, "") | {"name": layer["name"]}
        row["type"] = layer.get("type", "rotation")
        row["participants"] = ", ".join(layer.get("participants", []))
        row |= {
            k: str(layer[k])
            for k in ("shift", "start", "handoff", "timezone", "team")
            if k in layer
        }
        row["restrictions"] = restrictions_text(layer.get("restrictions") or [])
        layers.append(row)
    return values | {"layers": layers}


def restrictions_from_text(text: str) -> list[dict[str, Any]]:
    """One rule a line: ``mon-fri 09:00-17:00``, ``sat, sun 10:00-14:00, 15:00-18:00``, or hours
    alone for every day. Unknown day names pass through for ``specs`` to report."""
    out: list[dict[str, Any]] = []
    for line in text.splitlines():
        match = _RULE.match(line.strip())
        if not line.strip() or match is None:
            continue
        rule: dict[str, Any] = {}
        days = [d for d in re.split(r"[\s,]+", match.group("days")) if d]
        if days:
            rule["days"] = [day for token in days for day in _expand(token)]
        if match.group("hours"):
            rule["hours"] = match.group("hours").strip()
        out.append(rule)
    return out


def _expand(token: str) -> list[str]:
    if "-" not in token:
        return [token.lower()]
    first, _, last = token.partition("-")
    try:
        a, b = parse_weekday(first), parse_weekday(last)
    except ValueError:
        return [token]
    return [DAYS[(a + i) % 7] for i in range((b - a) % 7 + 1)]


def restrictions_text(rules: list[dict[str, Any]]) -> str:
    """The inverse of ``restrictions_from_text``, runs of days written as ranges."""
    lines = []
    for rule in rules:
        days = sorted(DAYS.index(d) for d in rule.get("days", DAYS))
        runs: list[list[int]] = []
        for day in days:
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        names = [
            f"{DAYS[r[0]]}-{DAYS[r[-1]]}" if len(r) > 2 else " ".join(DAYS[d] for d in r)
            for r in runs
        ]
        lines.append(f"{' '.join(names)} {rule.get('hours', '00:00-24:00')}".strip())
    return "\n".join(lines)


# -- escalation policies ---------------------------------------------------------------------------

BLANK_STEP = {"notify": "", "wait": "15m"}


def policy_values(form: Form) -> Values:
    values: Values = {k: _text(form, k) for k in ("id", "name", "team", "repeat")}
    return values | {"steps": rows(form, "steps")}


def policy_item(values: Values) -> dict[str, Any]:
    item: dict[str, Any] = {"id": values["id"]}
    item |= {k: values[k] for k in ("name", "team") if values.get(k)}
    repeat = values.get("repeat") or "0"
    item["repeat"] = int(repeat) if repeat.isdigit() else repeat
    steps = []
    for row in values["steps"]:
        kind, _, ident = row.get("notify", "").partition(":")
        steps.append({"notify": {kind: ident} if ident else {}, "wait": row.get("wait") or "15m"})
    return item | {"steps": steps}


def policy_form(data: dict[str, Any]) -> Values:
    values: Values = {k: str(data.get(k) or "") for k in ("id", "name", "team")}
    values["repeat"] = str(data.get("repeat", 0))
    values["steps"] = [
        {"notify": ":".join(next(iter(step["notify"].items()))), "wait": step["wait"]}
        for step in data["steps"]
    ]
    return values


# -- alert routes ----------------------------------------------------------------------------------

BLANK_ROUTE = {"component": "", "match": ""}


def route_values(form: Form) -> Values:
    return {"routes": rows(form, "routes")}


def route_items(values: Values) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The org-file shape of ``alert_routes``, and lines that are not ``label=value``."""
    items, problems = [], []
    for i, row in enumerate(values["routes"]):
        match: dict[str, str] = {}
        for n, line in enumerate(row.get("match", "").splitlines(), start=1):
            if not line.strip():
                continue
            label, sep, value = line.partition("=")
            if not sep or not label.strip():
                problems.append((f"routes.{i}.match", f"line {n}: expected label=value"))
                continue
            match[label.strip()] = value.strip()
        items.append({"match": match, "component": row.get("component", "")})
    return items, problems


def route_form(data: list[dict[str, Any]]) -> Values:
    return {
        "routes": [
            {
                "component": r["component"],
                "match": "\n".join(f"{k}={v}" for k, v in r["match"].items()),
            }
            for r in data
        ]
    }
