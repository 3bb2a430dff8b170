"""Sunrelay: a self-hosted, async-first operating system for remote-first engineering teams."""

__version__ = "0.1.0"
