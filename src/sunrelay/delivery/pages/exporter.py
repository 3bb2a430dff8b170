"""``/metrics``: the health page's figures for Prometheus, with the official client library.

Every scrape answers with the figures the health pages show (twelve weeks, kept and
refreshed every five minutes), per team that owns a repository and for the organisation
(``team="*"``). A bearer token is required (any scope):
the figures name people.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from sunrelay.core import tokens
from sunrelay.delivery import service
from sunrelay.people.models import Team

ALL = service.ALL


class _Gauges:
    def __init__(self) -> None:
        self.families: dict[str, GaugeMetricFamily] = {}

    def add(self, name: str, doc: str, value: Any, team: str, **labels: str) -> None:
        if value is None:
            return  # no data is no sample, not a zero
        full = f"sunrelay_{name}"
        family = self.families.get(full)
        if family is None:
            family = self.families[full] = GaugeMetricFamily(full, doc, labels=["team", *labels])
        family.add_metric([team, *labels.values()], float(value))


class Figures(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        teams = list(
            Team.objects.filter(components__isnull=False)
            .distinct()
            .order_by("slug")
            .values_list("slug", flat=True)
        )
        g = _Gauges()
        for team in [None, *teams]:
            data, _ = service.current_figures(team)
            _keys(g, data["keys"], team or ALL)
            _flow(g, data["flow"], team or ALL, per_person=team is not None)
        yield from g.families.values()


def _keys(g: _Gauges, keys: dict[str, Any], label: str) -> None:
    g.add("deployments", "Production deployments in the window", keys["deployments"], label)
    g.add("deployments_per_week", "Production deployments a week",
          keys["deployment_frequency"]["per_week"], label)  # fmt: skip
    for q, v in (("0.5", keys["lead_time_hours"]["median"]),
                 ("0.9", keys["lead_time_hours"]["p90"])):  # fmt: skip
        g.add("lead_time_hours", "Lead time for changes, hours", v, label, quantile=q)
    g.add("change_failure_rate", "Failed deployments / deployments",
          keys["change_failure_rate"]["value"], label)  # fmt: skip
    g.add("time_to_restore_hours", "Time to restore, hours",
          keys["time_to_restore_hours"]["median"], label, quantile="0.5")  # fmt: skip


def _flow(g: _Gauges, flow: dict[str, Any], label: str, *, per_person: bool) -> None:
    for stage, row in flow["stages"].items():
        for clock in ("working", "calendar"):
            hours = row[f"{clock}_hours"]
            for q, key in (("0.5", "median"), ("0.9", "p90")):
                g.add("pull_request_stage_hours",
                      "Pull-request stage, in the working time of whoever it waited on "
                      "or in calendar time", hours[key], label, stage=stage, clock=clock,
                      quantile=q)  # fmt: skip
    sla = flow["review_sla"]
    g.add("review_requests", "Review requests judged", sla["requests"], label)
    g.add("review_requests_in_time", "Review requests answered within the agreement",
          sla["in_time"], label)  # fmt: skip
    g.add("pull_request_size_lines", "Lines changed per pull request",
          flow["size"]["median"], label, quantile="0.5")  # fmt: skip
    if per_person:
        for w in flow["wip"]:
            g.add("work_in_progress", "Pull requests in flight per engineer (written "
                  "and under review)", w["total"], label, person=w["person"])  # fmt: skip
            g.add("work_in_progress_limit", "The team's agreed most per engineer",
                  w["limit"], label, person=w["person"])  # fmt: skip


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format; 401 without a valid bearer token."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if not token or tokens.authenticate(token) is None:
        response = HttpResponse("a valid bearer token is required\n", status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Figures())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
