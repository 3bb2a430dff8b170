"""Every component's truck factor, recomputed nightly from the local clones."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.knowledge import service


@db_periodic_task(crontab(hour="3", minute="17"))
@lock_task("knowledge-truck-factors")
def refresh_truck_factors() -> int:
    return len(service.refresh_all())
