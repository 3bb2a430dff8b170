"""The async health pages' figures and charts, and ``/metrics`` for Prometheus."""
