"""Every team's operating state, this week and last, recomputed hourly; concerns nobody
acknowledged (or acted on) in time climb their route every fifteen minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.health import concerns, service


@db_periodic_task(crontab(minute="7"))
@lock_task("health-states")
def refresh_states() -> int:
    return service.refresh_all()


@db_periodic_task(crontab(minute="*/15"))
@lock_task("health-concerns")
def escalate_concerns() -> tuple[int, int]:
    return concerns.escalate()
