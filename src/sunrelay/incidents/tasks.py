"""Incident reminders every five minutes: status updates due, postmortems overdue, action
items past their date (once a day each, in the owner's zone)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.incidents import reports


@db_periodic_task(crontab(minute="*/5"))
@lock_task("incidents-remind")
def remind() -> tuple[int, int, int]:
    r = reports.remind()
    return r.updates, r.postmortems, r.action_items
