"""The demo organisation: the directory from people/demo/org.yaml, and twelve weeks of history
written through every domain's service functions (history.py)."""
