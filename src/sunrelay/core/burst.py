"""``sunrelay worker --burst``: do everything that is due now, then exit.

For cron-style deployments (run it every minute) and for tests. Periodic jobs run when their
schedule says they are due now; queued jobs run until the queue is empty; jobs scheduled for
later stay scheduled.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from sunrelay.jobs import huey


@dataclass
class BurstReport:
    periodic: int = 0
    queued: int = 0


def run_burst(*, all_periodic: bool = False) -> BurstReport:
    """Run due periodic jobs (every one with ``all_periodic``) and drain the queue."""
    autodiscover_modules("tasks")
    report = BurstReport()
    now = huey._get_timestamp()
    periodic = huey._registry.periodic_tasks if all_periodic else huey.read_periodic(now)
    for task in periodic:  # instances, ready to run
        huey.execute(task, now)
        report.periodic += 1
    while True:
        ready = huey.read_schedule(now)
        task = huey.dequeue()
        if task is None and not ready:
            break
        for item in [*ready, *([task] if task is not None else [])]:
            huey.execute(item, now)  # one not ready yet goes back to the schedule
            report.queued += 1
    return report
