"""Delivery: what teams ship and how, from GitHub's webhooks, a JSONL backfill of the same
deliveries, and deployments from other CI systems.

Every delivery is kept as received (``Event``); the facts the metrics read (pushes and their
commits, pull requests, review requests and reviews, deployments and their statuses, issues)
are derived from it by pure parsers (``github.py``) in the same transaction, and can be derived
again (``sunrelay delivery rebuild``). ``dora.py`` computes the DORA keys two ways: ``fourkeys``
as the Four Keys project's SQL does, quirks included, and ``dora``, Sunrelay's definitions
(docs/delivery.md, ADR 18).
"""
