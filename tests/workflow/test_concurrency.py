"""Two people, two sweepers, one crash: every effect happens exactly once."""

import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from service.db import db
from service.errors import ConflictError
from service.models import AuditEvent, HumanTask, OutboxMessage, ProcessInstance, TaskStatus, Timer, TimerStatus
from service.workflow import clock, instances, timers, unit_of_work
from service.workflow import working_days as calendar
from tests.support.app import START
from tests.support.harness import PEOPLE
from tests.support.paths import ROOT


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _wait_for(predicate, what, seconds=20.0):
    """Poll a condition another thread or process brings about (not a timer: a lock wait)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


@pytest.mark.postgres
def test_two_people_complete_the_same_task_at_once(app, backend):
    started = instances.start_instance("reminder_escalation", {"people": PEOPLE}, actor="iro1", child_id="C1")
    [task_id] = started.open_task_ids
    db.session.remove()

    first_inside, release_first = threading.Event(), threading.Event()
    engine = unit_of_work.engine()
    complete = engine.complete

    def complete_holding_first(workflow, spiff_task_id, data):
        if threading.current_thread().name == "first":
            first_inside.set()  # first has read the state and holds the row lock (PostgreSQL)
            release_first.wait(30)
        return complete(workflow, spiff_task_id, data)

    engine.complete = complete_holding_first
    outcomes = {}

    def attempt(name):
        with app.app_context():
            try:
                outcomes[name] = instances.complete_task(task_id, {"by": name}, actor=name)
            except ConflictError as exc:
                outcomes[name] = exc
            finally:
                db.session.remove()

    first = threading.Thread(target=attempt, args=("first",), name="first")
    second = threading.Thread(target=attempt, args=("second",), name="second")
    first.start()
    first_inside.wait(30)
    second.start()
    if backend == "postgresql":  # second is blocked behind first's row lock until first commits
        _wait_for(lambda: _lock_waiters() >= 1, "the second completion to wait on the lock")
    release_first.set()  # SQLite: second queues for the one write lock that first holds
    first.join(30)
    second.join(30)
    engine.complete = complete

    winners = [n for n, r in outcomes.items() if isinstance(r, int)]
    losers = [n for n, r in outcomes.items() if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert "nothing was saved" in str(outcomes[losers[0]])
    task = db.session.get(HumanTask, task_id)
    assert task.status == TaskStatus.COMPLETED and task.completed_by == winners[0]
    assert db.session.get(ProcessInstance, started.instance_id).version == 2
    completions = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "task_completed")).all()
    assert [a.actor for a in completions] == winners
    assert completions[0].details["data"] == {"by": winners[0]}


def _lock_waiters():
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")).scalar()


def _make_due_reminders(n):
    """n instances, each with its reminder due; the clock is moved without firing anything."""
    for i in range(n):
        instances.start_instance("reminder_escalation", {"people": PEOPLE}, actor="iro1", child_id=f"C{i}")
    clock.move_to(calendar.deadline_after_working_days(START, 3) + timedelta(seconds=1), "test")
    db.session.commit()


def _sweeper(url, owner, mode="sweep"):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.sweeper_process", url, owner, mode],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _assert_each_reminder_fired_once(n):
    db.session.remove()
    assert _count(Timer, Timer.spec_name == "reminder", Timer.status == TimerStatus.FIRED) == n
    assert _count(Timer, Timer.spec_name == "escalation", Timer.status == TimerStatus.WAITING) == n
    assert _count(OutboxMessage) == n
    assert db.session.scalar(select(func.count(func.distinct(OutboxMessage.instance_id)))) == n
    assert set(db.session.scalars(select(ProcessInstance.version))) == {2}
    fired = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "timers_fired")).all()
    assert len(fired) == n and len({a.instance_id for a in fired}) == n


@pytest.mark.server
@pytest.mark.postgres
def test_two_sweepers_fire_a_thousand_timers_exactly_once(app, database_url):
    _make_due_reminders(1000)
    db.session.remove()
    sweepers = [_sweeper(database_url, f"sweeper-{n}") for n in (1, 2)]
    moved = [int(p.communicate(timeout=600)[0].strip()) for p in sweepers]
    assert all(p.returncode == 0 for p in sweepers)
    assert sum(moved) == 1000
    _assert_each_reminder_fired_once(1000)


@pytest.mark.server
@pytest.mark.postgres
def test_a_sweeper_killed_before_commit_loses_nothing(app, database_url):
    _make_due_reminders(10)
    db.session.remove()
    doomed = _sweeper(database_url, "doomed", "claim-then-hang")
    assert doomed.stdout.readline().strip() == "claimed 10"
    doomed.kill()
    doomed.wait(30)
    assert _count(Timer, Timer.status == TimerStatus.CLAIMED, Timer.claim_owner == "doomed") == 10
    assert _count(OutboxMessage) == 0  # its work died with it
    assert timers.sweep("survivor") == 0  # the lease still holds
    lease = app.config["TIMER_LEASE_SECONDS"]
    assert timers.move_clock(clock.now() + timedelta(seconds=lease + 1), actor="test") == 10
    _assert_each_reminder_fired_once(10)
