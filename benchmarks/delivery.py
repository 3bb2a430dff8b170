"""Delivery at scale (the delivery issue's performance targets).

1. Ingestion: N GitHub deliveries (default 100,000: pushes, pull requests, review requests,
   reviews, merges and deployment statuses in GitHub's own shapes) from a JSONL file through
   `sunrelay delivery ingest`. Target: under 60 s. Baseline, in the same run: reading the same
   file and parsing every line (orjson), the floor any ingestion pays.
2. Async health pages for a 500-engineer organisation with a year of history (about 150,000
   pull requests and 20,000 deployments, written as facts in bulk), through `sunrelay serve`:
   the organisation's page and a team's, p50 and p99 of requests one after another. Target:
   under 300 ms. The pages show kept figures; computing them (the job every five minutes)
   is printed beside them.
   Baseline, same server: the sign-in page.

    python benchmarks/delivery.py [--deliveries 100000] [--engineers 500] [--requests 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table

from harness import free_port, hub, verdict

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from sunrelay.demo import webhooks as W

START = datetime(2025, 11, 3, 9, tzinfo=UTC)


def write_deliveries(path: Path, n: int) -> None:
    """A pull request's life is six deliveries; every fifth merge is deployed."""
    rng = random.Random(1)
    repos = [f"bench/repo-{i}" for i in range(40)]
    count = pr = dep = 0
    t = START
    with path.open("wb") as out:
        while count < n:
            pr += 1
            repo, t = rng.choice(repos), t + timedelta(minutes=3)
            author, reviewer = f"p{rng.randrange(500)}", f"p{rng.randrange(500)}"
            head, merge, branch = f"{pr:040x}", f"{pr + 10**12:040x}", f"b{pr}"
            merged = t + timedelta(hours=rng.randint(1, 30))
            shape = W.pull_request("opened", repo, pr, author=author, created=t, updated=t,
                                   head_ref=branch, review_shape=True)["pull_request"]  # fmt: skip
            items = [
                ("push", W.push(repo, f"refs/heads/{branch}",
                                [W.commit(head, t, f"{author}@bench.test", author)], t)),
                ("pull_request", W.pull_request("opened", repo, pr, author=author, created=t,
                                                updated=t, head_ref=branch)),
                ("pull_request", W.pull_request("review_requested", repo, pr, author=author,
                                                created=t, updated=t, head_ref=branch,
                                                requested=reviewer)),
                ("pull_request_review", W.review(repo, pr, reviewer=reviewer, state="approved",
                                                 submitted=merged - timedelta(minutes=30),
                                                 pull=shape)),
                ("pull_request", W.pull_request("closed", repo, pr, author=author, created=t,
                                                updated=merged, head_ref=branch,
                                                merged_at=merged, merge_sha=merge,
                                                closed_at=merged)),
                ("push", W.push(repo, "refs/heads/main",
                                [W.commit(merge, merged, f"{author}@bench.test", author)],
                                merged)),
            ]  # fmt: skip
            if pr % 5 == 0:
                dep += 1
                at = merged + timedelta(hours=1)
                status = W.deployment_status(repo, dep, merge, "production", "success", at)
                items.append(("deployment_status", status))
            for event, payload in items[: n - count]:
                line = {"event": event, "delivery": f"bench-{count}", "payload": payload}
                out.write(orjson.dumps(line) + b"\n")
                count += 1


def baseline_read(path: Path) -> float:
    began = time.perf_counter()
    with path.open("rb") as f:
        for line in f:
            orjson.loads(line)
    return time.perf_counter() - began


def ingestion(console: Console, n: int) -> None:
    with tempfile.TemporaryDirectory(prefix="sunrelay-ingest-") as folder:
        path = Path(folder) / "deliveries.jsonl"
        write_deliveries(path, n)
        size = path.stat().st_size / 2**20
        floor = min(baseline_read(path) for _ in range(2))
        with hub() as made:
            began = time.perf_counter()
            out = made.run("delivery", "ingest", str(path))
            took = time.perf_counter() - began
        table = Table(title=f"Ingesting {n:,} GitHub deliveries ({size:,.0f} MiB of JSONL)")
        for column in ("what", "seconds", "deliveries/s", "target", "verdict"):
            table.add_column(column, justify="left" if column == "what" else "right")
        table.add_row("baseline: read and parse every line (orjson)", f"{floor:.1f}",
                      f"{n / floor:,.0f}", "", "")  # fmt: skip
        table.add_row("`sunrelay delivery ingest` (SQLite)", f"{took:.1f}", f"{n / took:,.0f}",
                      "< 60 s", verdict(took, 60, higher_is_better=False))  # fmt: skip
        console.print(table)
        console.print(f"  ingest said: {out.strip()}")


def year_of_facts(engineers: int, pulls: int, deployments: int) -> tuple[int, int]:
    """A year of facts for the benchmark organisation, written in bulk (a webhook backfill of
    this size would take the ingestion figure above times eight), with the facts ingestion
    derives as deliveries arrive worked out for them (ADR 25)."""
    from sunrelay.delivery.ingest import derived
    from sunrelay.delivery.models import (
        Deployment,
        Event,
        PullRequest,
        Push,
        PushCommit,
        Review,
        ReviewRequest,
        Status,
    )  # fmt: skip

    rng = random.Random(7)
    teams = max(1, engineers // 20)
    repos = [(f"bench/c{c}", c % teams) for c in range(engineers // 10)]
    now, events, n = datetime(2026, 11, 2, tzinfo=UTC), [], 0
    merges: dict[str, list[tuple[datetime, str]]] = {r: [] for r, _ in repos}
    prs, requests, reviews, pushes, commits = [], [], [], [], []
    reviewers: list[str] = []
    for i in range(pulls):
        repo, team = repos[i % len(repos)]
        author = f"p{team * 20 + rng.randrange(20)}"
        reviewers.append(f"p{team * 20 + rng.randrange(20)}")  # a teammate
        opened = now - timedelta(days=365) + timedelta(seconds=rng.randrange(365 * 86400))
        merged = opened + timedelta(hours=rng.uniform(1, 60))
        sha = f"{i:040x}"
        prs.append(PullRequest(repo=repo, number=i + 1, github_id=i + 1, title=f"Change {i}",
                               author=author, author_type="User", state="closed",
                               created_at=opened, ready_at=opened, merged_at=merged,
                               closed_at=merged, merge_sha=sha, head_ref=f"b{i}",
                               base_ref="main", base_is_default=True,
                               additions=rng.randint(5, 600), deletions=rng.randint(0, 200),
                               updated_at=merged))  # fmt: skip
        merges[repo].append((merged, sha))
        for ref, at, main in (
            (f"refs/heads/b{i}", opened, False),
            ("refs/heads/main", merged, True),
        ):
            n += 1
            events.append(Event(delivery=f"f{n}", event="push", repo=repo, received_at=at,
                                occurred_at=at, payload="{}"))  # fmt: skip
            pushes.append(Push(repo=repo, ref=ref, head=sha, head_at=at, first_at=at, pushed_at=at,
                               main=main))  # fmt: skip
            commits.append((len(pushes) - 1, sha if main else f"{i + 10**12:040x}", at))
    Event.objects.bulk_create(events, batch_size=5000)
    for push, event in zip(pushes, events, strict=True):
        push.event = event
    Push.objects.bulk_create(pushes, batch_size=5000)
    PushCommit.objects.bulk_create(
        (PushCommit(push=pushes[p], position=0, sha=s, at=a) for p, s, a in commits),
        batch_size=5000,
    )
    PullRequest.objects.bulk_create(prs, batch_size=5000)
    for pr, reviewer in zip(prs, reviewers, strict=True):
        asked = pr.created_at + timedelta(minutes=5)
        requests.append(ReviewRequest(pull=pr, reviewer=reviewer, requested_at=asked))
        reviews.append(Review(pull=pr, github_id=pr.github_id, reviewer=requests[-1].reviewer,
                              reviewer_type="User", state="approved",
                              submitted_at=pr.merged_at - timedelta(minutes=20)))  # fmt: skip
    ReviewRequest.objects.bulk_create(requests, batch_size=5000)
    Review.objects.bulk_create(reviews, batch_size=5000)
    deps, statuses, status_events = [], [], []
    per_repo = max(1, deployments // len(repos))
    for repo, _ in repos:
        landed = sorted(merges[repo])
        for k in range(per_repo):
            at = now - timedelta(days=365) + timedelta(days=365 * (k + 1) / per_repo)
            shipped = [sha for when, sha in landed if when <= at]
            if not shipped:
                continue
            deps.append(Deployment(repo=repo, github_id=len(deps) + 1, sha=shipped[-1],
                                   environment="production", production=True,
                                   created_at=at))  # fmt: skip
            n += 1
            status_events.append(Event(delivery=f"f{n}", event="deployment_status", repo=repo,
                                       received_at=at, occurred_at=at, payload="{}"))  # fmt: skip
            state = "failure" if rng.random() < 0.05 else "success"
            statuses.append((len(deps) - 1, state, at))
    Deployment.objects.bulk_create(deps, batch_size=5000)
    Event.objects.bulk_create(status_events, batch_size=5000)
    Status.objects.bulk_create(
        (Status(event=e, deployment=deps[d], github_id=i, state=s, created_at=a, updated_at=a)
         for i, (e, (d, s, a)) in enumerate(zip(status_events, statuses, strict=True))),
        batch_size=5000,
    )  # fmt: skip
    derived.derive_all()
    return len(prs), len(deps)


def org_file(engineers: int) -> str:
    teams = max(1, engineers // 20)
    lines = ["version: 1", "organization: {name: Bench}", "people:"]
    zones = ["Europe/Lisbon", "Asia/Tokyo", "America/New_York", "Asia/Kolkata", "UTC"]
    for i in range(engineers):
        lines.append(f"  - {{id: p{i}, name: Person {i}, timezone: {zones[i % 5]}, "
                     f'working_hours: "09:00-17:00", github: p{i}}}')  # fmt: skip
    lines.append("teams:")
    for t in range(teams):
        members = ", ".join(f"p{i}" for i in range(t * 20, min(engineers, t * 20 + 20)))
        lines.append(f"  - {{id: t{t}, name: Team {t}, lead: p{t * 20}, members: [{members}]}}")
    lines.append("components:")
    for c in range(engineers // 10):
        lines.append(f"  - {{id: c{c}, name: Component {c}, owner: t{c % teams}, "
                     f"repos: [bench/c{c}]}}")  # fmt: skip
    return "\n".join(lines) + "\n"


def timed(url: str, cookie: str, n: int) -> tuple[float, float]:
    """p50 and p99 (ms) of ``n`` requests one after another, after one to warm up. Slow pages
    give wrk too few samples in a few seconds; this counts each one."""
    name, value = cookie.split(": ", 1)
    took = []
    for i in range(n + 1):
        request = urllib.request.Request(url, headers={name: value})
        began = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as answer:
            answer.read()
            assert answer.status == 200, (url, answer.status)
        if i:
            took.append((time.perf_counter() - began) * 1000)
    took.sort()
    return statistics.median(took), took[min(len(took) - 1, round(0.99 * (len(took) - 1)))]


def pages(console: Console, engineers: int, requests: int) -> None:
    with hub(demo=False) as made:
        made.django()
        from django.contrib.auth import get_user_model
        from django.test import Client

        from sunrelay.people import orgfile, service

        service.import_org(orgfile.parse(org_file(engineers)))
        began = time.perf_counter()
        pulls, deployments = year_of_facts(engineers, engineers * 300, engineers * 40)
        console.print(f"  wrote {pulls:,} pull requests and {deployments:,} deployments "
                      f"in {time.perf_counter() - began:.0f} s")  # fmt: skip
        from sunrelay.delivery import service as delivery

        refresh = {}
        team = f"t{min(3, max(1, engineers // 20) - 1)}"
        for scope in (None, team):
            began = time.perf_counter()
            delivery.refresh_figures(scope)
            refresh[scope] = time.perf_counter() - began
        client = Client()
        client.force_login(get_user_model().objects.create_user("p42", password="x" * 12))
        cookie = f"Cookie: sessionid={client.cookies['sessionid'].value}"
        port = free_port()
        server = made.serve(port)
        table = Table(title=f"Async health pages, {engineers} engineers, a year of history, "
                            "through `sunrelay serve` (SQLite), one client")  # fmt: skip
        for column in ("page", "p50 ms", "p99 ms", "target", "verdict"):
            table.add_column(column, justify="left" if column == "page" else "right")
        for name, path in (("sign-in page (baseline)", "/login/"),
                           ("a team's health page", f"/health/{team}/"),
                           ("the organisation's health page", "/health/")):  # fmt: skip
            p50, p99 = timed(f"http://127.0.0.1:{port}{path}", cookie, requests)
            if path == "/login/":
                table.add_row(name, f"{p50:.1f}", f"{p99:.1f}", "", "")
            else:
                table.add_row(name, f"{p50:.0f}", f"{p99:.0f}", "< 300 ms",
                              verdict(p99, 300, higher_is_better=False))  # fmt: skip
        for scope, name in ((None, "the organisation's"), (team, "a team's")):
            table.add_row(f"computing {name} figures (the five-minute job, in-process)",
                          f"{refresh[scope] * 1000:.0f}", "", "", "")  # fmt: skip
        server.terminate()
        server.wait(timeout=30)
        console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=100_000)
    parser.add_argument("--engineers", type=int, default=500)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    console = Console(width=150)
    ingestion(console, args.deliveries)
    pages(console, args.engineers, args.requests)


if __name__ == "__main__":
    main()
