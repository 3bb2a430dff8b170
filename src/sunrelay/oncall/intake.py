"""Alert payloads read into one shape. Pure.

Prometheus Alertmanager posts version 4 webhooks: a group (``groupKey``, ``status``,
``commonLabels``…) with its alerts, each with a ``fingerprint``, and sends the whole group
again on every ``repeat_interval`` and when any alert in it changes. The generic webhook is
Sunrelay's own small format, documented in docs/oncall.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sunrelay.worktime import parse_instant

FIRING, RESOLVED = "firing", "resolved"
_ZERO_TIME = "0001-01-01T00:00:00Z"  # Go's zero time: Alertmanager's "no end yet"


class PayloadError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class IncomingAlert:
    fingerprint: str
    status: str
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: datetime | None
    ends_at: datetime | None
    generator_url: str = ""


@dataclass(frozen=True)
class IncomingGroup:
    group_key: str
    status: str  # firing while any alert fires
    title: str
    labels: dict[str, str]  # the labels every alert shares: used for routing
    alerts: list[IncomingAlert] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


GROUP_KEY_LIMIT, FINGERPRINT_LIMIT = 500, 200  # the columns that store them


def text(value: object) -> str:
    """A string as it can be stored: NUL characters (which PostgreSQL refuses, and no real
    label means) are dropped rather than losing the alert."""
    return str(value).replace("\x00", "")


def fit(key: str, limit: int) -> str:
    """A key as it can be stored: one longer than ``limit`` keeps its start and ends with the
    SHA-256 of the whole key, so the same long key always maps to the same stored one."""
    if len(key) <= limit:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: limit - len(digest) - 1]}~{digest}"


def _strings(value: object, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError("must be an object of strings", where)
    return {text(k): text(v) for k, v in value.items()}


def _instant(value: object, where: str) -> datetime | None:
    if value in (None, "", _ZERO_TIME):
        return None
    try:
        found = parse_instant(str(value))
    except ValueError as exc:
        raise PayloadError(str(exc), where) from None
    return None if found.year <= 1 else found


def _status(value: object, where: str) -> str:
    if value not in (FIRING, RESOLVED):
        raise PayloadError(f"{value!r} is not 'firing' or 'resolved'", where)
    return str(value)


def title_of(labels: dict[str, str], annotations: dict[str, str]) -> str:
    summary = annotations.get("summary") or annotations.get("title")
    name = labels.get("alertname", "Alert")
    return (summary or name)[:300]


def alertmanager(payload: Any) -> IncomingGroup:
    """A version 4 webhook. Raises PayloadError naming the field."""
    if not isinstance(payload, dict):
        raise PayloadError("the body must be a JSON object", "body")
    if str(payload.get("version")) != "4":
        raise PayloadError(f"version {payload.get('version')!r} is not supported (4)", "version")
    key = payload.get("groupKey")
    if not isinstance(key, str) or not text(key):
        raise PayloadError("is required", "groupKey")
    key = fit(text(key), GROUP_KEY_LIMIT)
    raw = payload.get("alerts")
    if not isinstance(raw, list) or not raw:
        raise PayloadError("must be a non-empty list", "alerts")
    alerts = []
    for i, item in enumerate(raw):
        where = f"alerts.{i}"
        if not isinstance(item, dict):
            raise PayloadError("must be an object", where)
        fingerprint = item.get("fingerprint")
        if not isinstance(fingerprint, str) or not text(fingerprint):
            raise PayloadError("is required", f"{where}.fingerprint")
        fingerprint = fit(text(fingerprint), FINGERPRINT_LIMIT)
        labels = _strings(item.get("labels"), f"{where}.labels")
        annotations = _strings(item.get("annotations"), f"{where}.annotations")
        alerts.append(
            IncomingAlert(
                fingerprint,
                _status(item.get("status"), f"{where}.status"),
                labels,
                annotations,
                _instant(item.get("startsAt"), f"{where}.startsAt"),
                _instant(item.get("endsAt"), f"{where}.endsAt"),
                text(item.get("generatorURL") or "")[:1000],
            )
        )
    common = _strings(payload.get("commonLabels"), "commonLabels")
    annotations = _strings(payload.get("commonAnnotations"), "commonAnnotations")
    status = _status(payload.get("status"), "status")
    external = text(payload.get("externalURL") or "")
    return IncomingGroup(
        key,
        status,
        title_of(common or alerts[0].labels, annotations or alerts[0].annotations),
        common or alerts[0].labels,
        alerts,
        [external] if external.startswith(("http://", "https://")) else [],
    )


def generic(payload: Any) -> IncomingGroup:
    """``{"dedup_key", "status", "summary", "labels", "annotations", "group", "links"}``;
    ``dedup_key`` and ``summary`` are required. Raises PayloadError naming the field."""
    if not isinstance(payload, dict):
        raise PayloadError("the body must be a JSON object", "body")
    key = payload.get("dedup_key")
    if not isinstance(key, str) or not text(key).strip():
        raise PayloadError("is required: the same key for the same problem", "dedup_key")
    key = text(key).strip()
    status = _status(payload.get("status", FIRING), "status")
    summary = text(payload["summary"]) if isinstance(payload.get("summary"), str) else None
    if status == FIRING and (not isinstance(summary, str) or not summary.strip()):
        raise PayloadError("is required for a firing alert", "summary")
    labels = _strings(payload.get("labels"), "labels")
    annotations = _strings(payload.get("annotations"), "annotations")
    if isinstance(summary, str) and summary.strip():
        annotations["summary"] = summary.strip()
    links = payload.get("links", [])
    if not isinstance(links, list) or not all(isinstance(x, str) for x in links):
        raise PayloadError("must be a list of URLs", "links")
    links = [text(x) for x in links]
    alert = IncomingAlert(
        fit(key, FINGERPRINT_LIMIT),
        status,
        labels,
        annotations,
        _instant(payload.get("starts_at"), "starts_at"),
        None,
        "",
    )
    group = fit(text(payload.get("group") or key).strip(), GROUP_KEY_LIMIT)
    return IncomingGroup(group, status, title_of(labels, annotations), labels, [alert], links)
