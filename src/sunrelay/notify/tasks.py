"""The outbox's safety net: a batch every minute, for workers without the drain loop
(``sunrelay worker --burst``). ``sunrelay worker`` drains continuously (notify.outbox)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sunrelay.notify import outbox


@db_periodic_task(crontab(minute="*"))
def dispatch_notifications() -> int:
    return outbox.dispatch_due().sent
