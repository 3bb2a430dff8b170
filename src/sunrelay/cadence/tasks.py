"""The cadence's periodic work: reminders, digests and hand-off escalations. Each is safe
to run twice (idempotency keys and conditional updates), so a second worker is harmless."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.cadence import handoffs, status


@db_periodic_task(crontab(minute="*/15"))
@lock_task("cadence-status")
def status_cadence() -> tuple[int, int]:
    return status.send_reminders(), len(status.compile_digests())


@db_periodic_task(crontab(minute="*/5"))
def escalate_handoffs() -> int:
    return handoffs.escalate_overdue()
