"""Every component's truck factor, recomputed nightly from the local clones."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.knowledge import docs, service


@db_periodic_task(crontab(hour="3", minute="17"))
@lock_task("knowledge-truck-factors")
def refresh_truck_factors() -> int:
    return len(service.refresh_all())


@db_periodic_task(crontab(day_of_week="1", hour="6", minute="7"))
@lock_task("knowledge-stale-docs")
def remind_stale_documents() -> int:
    """Mondays: each component's stale documents, to its DRI (held for their hours)."""
    return docs.remind_stale()
