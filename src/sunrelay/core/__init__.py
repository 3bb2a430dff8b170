"""Shared plumbing: the injected clock, domain errors, API tokens, the viewer's time zone."""
