"""Delivery tables: sources, every delivery as received, and the facts derived from them.

Facts keyed by GitHub's own ids are upserts (a pull request is one row however many
deliveries describe it); the per-delivery facts (``Push``, ``Status``, ``IssueEvent``) are one
row per delivery, because the Four Keys definitions count those.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Source(models.Model):
    """Where deliveries come from: a GitHub webhook with its own secret URL (only a SHA-256 of
    the URL's secret is kept) and the secret GitHub signs each delivery with (kept as given:
    the signature check needs it; never shown again, exported or logged)."""

    slug = models.CharField("id", max_length=63, unique=True)
    name = models.CharField(max_length=200)
    url_hash = models.CharField(max_length=64, unique=True)
    signing_secret = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    last_received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """One delivery, as received. ``delivery`` is GitHub's ``X-GitHub-Delivery`` (or the
    generic deployment's own key): a repeat changes nothing."""

    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL)
    delivery = models.CharField(max_length=100, unique=True)
    event = models.CharField(max_length=40)
    action = models.CharField(max_length=40, blank=True)
    repo = models.CharField(max_length=200, blank=True, db_index=True)  # owner/name
    received_at = models.DateTimeField()
    # what Four Keys calls the event's time_created (e.g. a push's head commit time)
    occurred_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # the payload's JSON text: a webhook's body byte for byte, a file line's payload as parsed
    payload = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["event", "occurred_at"])]


class Push(models.Model):
    """One ``push`` delivery. ``main``: to the repository's default branch."""

    event = models.OneToOneField(Event, primary_key=True, on_delete=models.CASCADE)
    repo = models.CharField(max_length=200)
    ref = models.CharField(max_length=300)
    head = models.CharField(max_length=64, blank=True, db_index=True)  # head_commit.id
    head_at = models.DateTimeField(null=True, blank=True)  # head_commit.timestamp
    first_at = models.DateTimeField(null=True, blank=True)  # its earliest commit's timestamp
    pushed_at = models.DateTimeField()
    main = models.BooleanField(default=False)
    forced = models.BooleanField(default=False)

    class Meta:
        indexes = [  # a stretch of the default branch; a branch's pushes (metrics.queries)
            models.Index(fields=["repo", "main", "pushed_at"]),
            models.Index(fields=["repo", "ref", "pushed_at"]),
        ]


class PushCommit(models.Model):
    push = models.ForeignKey(Push, on_delete=models.CASCADE, related_name="commits")
    position = models.PositiveIntegerField()  # oldest first, as GitHub lists them
    sha = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField()  # the commit's own timestamp
    email = models.CharField(max_length=254, blank=True)
    login = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["push", "position"]


class Landing(models.Model):
    """Where a commit first reached its repository's default branch: the earliest of the
    default-branch pushes that carried it, by (pushed_at, push, position). Derived when pushes
    arrive (``ingest.derived``), in any order: the earliest wins whenever it comes."""

    repo = models.CharField(max_length=200)
    sha = models.CharField(max_length=64)
    pushed_at = models.DateTimeField()
    push = models.ForeignKey(Push, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    # when the change merged as this commit began: the first commit of the pull request merged
    # into the default branch as it; None for a commit that no pull request merged
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["repo", "sha"], name="one_landing")]
        indexes = [  # a stretch of the branch, read from the index alone
            models.Index(
                fields=["repo", "pushed_at", "push", "position", "sha", "started_at"],
                name="landing_stretch",
            )
        ]


class PullRequest(models.Model):
    repo = models.CharField(max_length=200)
    number = models.PositiveIntegerField()
    github_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=100)
    author_type = models.CharField(max_length=20, blank=True)  # "User", "Bot"
    draft = models.BooleanField(default=False)
    state = models.CharField(max_length=10)  # open, closed
    created_at = models.DateTimeField()
    # when a delivery said it became ready for review; None: never seen leaving draft (a pull
    # request that is not a draft was then ready when it was opened)
    ready_at = models.DateTimeField(null=True, blank=True)
    merged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    merge_sha = models.CharField(max_length=64, blank=True, db_index=True)
    head_ref = models.CharField(max_length=300)
    base_ref = models.CharField(max_length=300)
    base_is_default = models.BooleanField(default=False)
    additions = models.PositiveIntegerField(null=True, blank=True)
    deletions = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField()  # of the newest delivery applied: older ones are stale
    body_links = models.JSONField(default=list, blank=True)  # decision records it links
    # the earliest commit among pushes to its head branch before it merged (or while open),
    # after the merge of the pull request opened before it from that branch; else created_at.
    # Derived when pushes and pull requests arrive (``ingest.derived``).
    first_commit_at = models.DateTimeField(null=True, blank=True)
    # What its review stages turn on (``flow.facts``), derived when its deliveries arrive
    # (ADR 26): review asked for once ready, the first review by someone other than the
    # author and the first approval since, with who gave them.
    asked_at = models.DateTimeField(null=True, blank=True)
    first_review_at = models.DateTimeField(null=True, blank=True)
    first_reviewer = models.CharField(max_length=100, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approver = models.CharField(max_length=100, blank=True)
    # when the deployment that shipped its merge commit was dated (``dora.ship``), derived as
    # deployments, pushes to the default branch and the pull request itself arrive (ADR 26)
    deployed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["repo", "number"], name="one_pr_number")]
        indexes = [
            models.Index(fields=["repo", "head_ref", "created_at"]),  # a branch's pulls
            # work in progress and overdue reviews read the open ones only
            models.Index(fields=["state"], condition=Q(state="open"), name="pull_open"),
        ]


class ReviewRequest(models.Model):
    pull = models.ForeignKey(PullRequest, on_delete=models.CASCADE, related_name="requests")
    reviewer = models.CharField(max_length=100)
    requested_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    # the reviewer's first review since (``flow.answered_at``), derived as deliveries arrive
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        indexes = [  # the requests of a window, read from the index alone
            models.Index(
                fields=["requested_at", "pull", "reviewer", "removed_at", "answered_at"],
                name="request_window",
            )
        ]


class Review(models.Model):
    pull = models.ForeignKey(PullRequest, on_delete=models.CASCADE, related_name="reviews")
    github_id = models.BigIntegerField(unique=True)
    reviewer = models.CharField(max_length=100)
    reviewer_type = models.CharField(max_length=20, blank=True)
    state = models.CharField(max_length=20)  # approved, changes_requested, commented, dismissed
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at"]


class Deployment(models.Model):
    repo = models.CharField(max_length=200, db_index=True)
    github_id = models.BigIntegerField(unique=True)
    sha = models.CharField(max_length=64, db_index=True)
    ref = models.CharField(max_length=300, blank=True)
    environment = models.CharField(max_length=200)
    production = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    creator = models.CharField(max_length=100, blank=True)


class Status(models.Model):
    """One ``deployment_status`` delivery."""

    event = models.OneToOneField(Event, primary_key=True, on_delete=models.CASCADE)
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="statuses")
    github_id = models.BigIntegerField()
    state = models.CharField(max_length=20)  # success, failure, error, inactive, in_progress…
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "github_id"]


class IssueEvent(models.Model):
    """One ``issues`` delivery: what Four Keys reads incidents from."""

    event = models.OneToOneField(Event, primary_key=True, on_delete=models.CASCADE)
    repo = models.CharField(max_length=200, db_index=True)
    number = models.PositiveIntegerField()
    incident = models.BooleanField(default=False)  # labelled exactly "Incident"
    root_cause = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()


class Derivation(models.Model):
    """What a kept derivation was worked out with, where that is not in the data itself: the
    review facts depend on who counts as a bot (``SUNRELAY_BOTS``). Readers use the kept facts
    only while it matches; otherwise they work the facts out again (ADR 26)."""

    name = models.CharField(max_length=50, primary_key=True)
    basis = models.TextField()


class Figures(models.Model):
    """A scope's health figures as last computed (``scope``: a team's id, or "*" for the
    organisation): pages and scrapes read these instead of a year of history. Refreshed every
    few minutes by a job, and by a page that finds them missing or stale."""

    scope = models.CharField(max_length=63, unique=True)
    computed_at = models.DateTimeField()
    data = models.JSONField()
