"""Work in flight's clock: capacity signals past their deadline climb a level (and those
accepted for now come back on their review date), and valves
whose trigger holds are proposed and those back to normal close, every five minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from sunrelay.work import capacity, valves


@db_periodic_task(crontab(minute="*/5"))
@lock_task("work-signals")
def escalate_signals() -> tuple[int, int]:
    return capacity.escalate_overdue(), capacity.look_again()


@db_periodic_task(crontab(minute="*/5"))
@lock_task("work-valves")
def check_valves() -> tuple[int, int]:
    return valves.check()
