"""Evidence gathered and the manager's weekly review reminder (Mondays, held for their
working hours); overdue items escalated hourly."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.onboarding import service


@db_periodic_task(crontab(day_of_week="1", hour="5", minute="30"))
@lock_task("onboarding-reviews")
def remind_reviews() -> int:
    return service.remind_reviews()


@db_periodic_task(crontab(minute="41"))
@lock_task("onboarding-overdue")
def escalate_overdue() -> int:
    return service.escalate_overdue()
