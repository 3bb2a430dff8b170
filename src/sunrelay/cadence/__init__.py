"""The team cadence: weekly async status updates with risks and asks tracked as items,
follow-the-sun hand-offs acknowledged by the next region, recurring rituals (and 1:1s) with
their occurrences, fair meeting rotations, office hours and private calendar feeds.

Time-zone rules live in ``logic`` (pure); every write goes through ``status``, ``handoffs``
and ``rituals``; deliveries go through ``notify``.
"""
