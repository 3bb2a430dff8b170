"""Every team's operating state, this week and last, recomputed hourly."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.health import service


@db_periodic_task(crontab(minute="7"))
@lock_task("health-states")
def refresh_states() -> int:
    return service.refresh_all()
