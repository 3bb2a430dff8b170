"""On-call's periodic work: the escalation ladder advances every minute. Each group is
advanced under a row lock, so a second worker is harmless."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.oncall import escalation


@db_periodic_task(crontab(minute="*"))
@lock_task("oncall-escalate")
def escalate() -> int:
    return escalation.escalate_due()
