"""Overdue reviews are looked for every fifteen minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.delivery import service


@db_periodic_task(crontab(minute="*/5"))
@lock_task("refresh-health-figures")
def refresh_health_figures() -> int:
    return service.refresh_all_figures()


@db_periodic_task(crontab(minute="*/15"))
@lock_task("remind-overdue-reviews")
def remind_overdue_reviews() -> int:
    return service.remind_overdue_reviews()
