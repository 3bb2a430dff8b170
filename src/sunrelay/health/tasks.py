"""Every team's operating state, this week and last, recomputed hourly; concerns nobody
acknowledged (or acted on) in time climb their route every fifteen minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.health import concerns, pulse, service


@db_periodic_task(crontab(minute="7"))
@lock_task("health-states")
def refresh_states() -> int:
    return service.refresh_all()


@db_periodic_task(crontab(minute="*/15"))
@lock_task("health-concerns")
def escalate_concerns() -> tuple[int, int, int]:
    return (*concerns.escalate(), concerns.escalate_items())


@db_periodic_task(crontab(day_of_week="1", hour="6", minute="0"))
@lock_task("health-pulse")
def invite_to_pulse() -> int:
    """Mondays: every team's members are asked for the week's pulse (held for their hours)."""
    return pulse.invite()
