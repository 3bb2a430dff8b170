"""Adapters for outside systems, one package each (ics, backstage, …)."""
