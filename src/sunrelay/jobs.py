"""The background-job queue: one Huey instance, configured by settings.HUEY.

SQLite storage by default, Redis when REDIS_URL is set; tasks are written once against this
instance and run the same on either. Domain jobs live in each domain's ``tasks.py``.
"""

from huey.contrib.djhuey import HUEY as huey

__all__ = ["huey"]
