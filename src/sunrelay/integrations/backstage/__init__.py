"""Backstage software catalog, both ways: read User, Group, Component, System, Domain and
Location entities into the directory; write the directory back as catalog entities."""

from sunrelay.integrations.backstage.catalog import read_catalog, write_catalog

__all__ = ["read_catalog", "write_catalog"]
