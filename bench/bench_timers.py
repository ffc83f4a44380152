"""Timer throughput of one sweeper, and how late timers fire under the scheduler.

Prints `timers_per_s` (target >= 500): 1,000 due reminders (tests/bpmn/reminder_escalation.bpmn:
each firing runs a script, queues a notification and rewrites the projections),
fired by one sweeper; and `timer_lateness_p99_ms` (target <= 1000): 200 timers due
over the next 10 seconds on the real clock, fired by the scheduler as `make run`
starts it.
"""

import statistics
import time
from datetime import UTC, datetime, timedelta

from common import PEOPLE, bench_app, report
from sqlalchemy import select

import scheduler
from service.db import db
from service.models import Timer, TimerStatus
from service.workflow import clock, instances, timers
from service.workflow import working_days as calendar

DUE_TIMERS = 1000
LATE_TIMERS = 200
SPREAD_SECONDS = 10


def timers_per_second():
    app = bench_app()
    with app.app_context():
        start = clock.now()
        for n in range(DUE_TIMERS):
            instances.start_instance("reminder_escalation", {"people": PEOPLE}, actor="bench", child_id=f"T{n}")
        clock.move_to(calendar.deadline_after_working_days(start, 3) + timedelta(minutes=1), "test")
        db.session.commit()
        began = time.perf_counter()
        fired = timers.sweep("bench")
        elapsed = time.perf_counter() - began
    assert fired == DUE_TIMERS, fired
    return fired / elapsed, elapsed


def lateness_p99_ms():
    app = bench_app(IRO_MODE="demo")
    with app.app_context():
        first_due = datetime.now(UTC) + timedelta(seconds=2)
        for n in range(LATE_TIMERS):
            due = first_due + timedelta(seconds=SPREAD_SECONDS * n / LATE_TIMERS)
            instances.start_instance("timer_at", {"due": due.isoformat()}, actor="bench", child_id=f"L{n}")
    ticker = scheduler.build(app)
    ticker.start()
    try:
        with app.app_context():
            deadline = time.monotonic() + SPREAD_SECONDS + 30
            while time.monotonic() < deadline and _waiting() > 0:
                time.sleep(0.2)
            late = [
                (row.fired_at - row.due_at).total_seconds() * 1000
                for row in db.session.execute(
                    select(Timer.due_at, Timer.fired_at).where(Timer.status == TimerStatus.FIRED)
                )
            ]
    finally:
        ticker.shutdown()
    assert len(late) == LATE_TIMERS, f"{len(late)} of {LATE_TIMERS} fired"
    return statistics.quantiles(late, n=100)[98], max(late)


def _waiting():
    db.session.rollback()
    return db.session.scalar(select(db.func.count()).select_from(Timer).where(Timer.status != TimerStatus.FIRED))


def main():
    rate, elapsed = timers_per_second()
    report("timers_per_s", rate, f"{DUE_TIMERS} reminders in {elapsed:.2f} s by one sweeper")
    p99, worst = lateness_p99_ms()
    report("timer_lateness_p99_ms", p99, f"{LATE_TIMERS} timers over {SPREAD_SECONDS} s; latest {worst:.0f} ms")


if __name__ == "__main__":
    main()
