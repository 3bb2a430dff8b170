"""The ``sunrelay`` command line: a Typer root app that mounts each domain's sub-app."""
