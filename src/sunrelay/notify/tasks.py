"""The outbox runs every minute; two workers may run it at once (claims are atomic)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from sunrelay.notify import service


@db_periodic_task(crontab(minute="*"))
def dispatch_notifications() -> int:
    report = service.dispatch_due()
    return report.sent
