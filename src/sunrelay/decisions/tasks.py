"""Review deadlines are checked every five minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.decisions import review


@db_periodic_task(crontab(minute="*/5"))
@lock_task("advance-reviews")
def advance_reviews() -> int:
    return review.advance_reviews()
