"""APScheduler as a ticker only: it wakes the timer sweep and the outbox delivery.

The work and its exactly-once guarantees live in service.workflow.timers and service.workflow.outbox;
the in-memory job store holds nothing that needs keeping, so any number of
schedulers may run (in-process for `make run`, or `python -m scheduler`).
"""

import logging
import os
import socket

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from service.workflow import outbox, timers

log = logging.getLogger(__name__)
OUTBOX_SECONDS = 5


def owner_name() -> str:
    """Who holds a lease: host and process, so a crashed sweeper's leases are visible."""
    return f"{socket.gethostname()}:{os.getpid()}"


def build(app, *, blocking: bool = False):
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    owner = owner_name()
    scheduler.add_job(
        tick, "interval", args=(app, timers.sweep, owner), id="timers", seconds=app.config["SCHEDULER_TICK_SECONDS"]
    )
    scheduler.add_job(tick, "interval", args=(app, outbox.deliver_due, owner), id="outbox", seconds=OUTBOX_SECONDS)
    return scheduler


# what a tick did, at INFO when it did something: counts only, never names, case data or addresses
DONE = {timers.sweep: "timers moved %d instances on", outbox.deliver_due: "sent %d e-mails"}


def tick(app, job, owner):
    """Run one job as a tick does: in an app context, a failure logged and survived."""
    with app.app_context():
        try:
            done = job(owner)
        except Exception as exc:  # keep ticking; the next tick retries what is still due
            # the type only: messages can carry case data, which stays out of logs
            log.error("scheduler job %s failed: %s", job.__name__, type(exc).__name__)
            return
    if done:
        log.info(DONE[job], done)
