"""Expired grants start their revocation every five minutes; reminders of expiries and of
rotations hourly (each sent once, in the recipient's working hours)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.access import service


@db_periodic_task(crontab(minute="*/5"))
@lock_task("access-expire")
def expire_grants() -> int:
    return service.expire_due()


@db_periodic_task(crontab(minute="23"))
@lock_task("access-remind")
def remind() -> tuple[int, int]:
    return service.remind_expiring(), service.remind_rotations()
