"""Core housekeeping jobs."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.core import tokens


@db_periodic_task(crontab(minute="17", hour="3"))
@lock_task("purge-expired-tokens")
def purge_expired_tokens() -> int:
    """Daily; the lock keeps two workers from running it at once."""
    return tokens.purge_expired_tokens()
