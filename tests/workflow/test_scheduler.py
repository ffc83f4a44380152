"""The sweep around the engine: a broken diagram holds back nobody; a stale form
writes nothing; `python -m scheduler` fires what fell due while nothing ran, then ticks."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from service.db import db
from service.diagrams import specs
from service.errors import ConflictError
from service.models import AuditEvent, HumanTask, OutboxMessage, ProcessInstance, TaskStatus, Timer, TimerStatus
from service.workflow import clock, instances, timers
from service.workflow import working_days as calendar
from tests.support.app import START
from tests.support.harness import PEOPLE
from tests.support.paths import BAD_BPMN, ROOT


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.postgres
def test_a_timer_whose_diagram_fails_is_set_aside_and_the_others_fire(app):
    specs.store_version("fails_when_timer_fires.bpmn", (BAD_BPMN / "fails_when_timer_fires.bpmn").read_text(), "test")
    db.session.commit()
    due = (START + timedelta(days=1)).isoformat()
    broken = instances.start_instance("fails_when_timer_fires", {"due": due}, actor="iro1", child_id="B")
    for n in range(3):
        instances.start_instance("reminder_escalation", {"people": PEOPLE}, actor="iro1", child_id=f"C{n}")
    timers.move_clock(calendar.deadline_after_working_days(START, 3) + timedelta(seconds=1), actor="test")

    assert _count(OutboxMessage) == 3  # every reminder went out
    [failed] = db.session.scalars(select(Timer).where(Timer.instance_id == broken.instance_id)).all()
    assert failed.status == TimerStatus.FAILED
    [audit] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "timer_failed")).all()
    assert "broken (Count the reviews)" in audit.details["error"]
    assert db.session.get(ProcessInstance, broken.instance_id).version == 1  # its state is untouched
    assert timers.sweep("again") == 0  # and it is not retried on every tick


def test_a_stale_form_writes_nothing(app):
    started = instances.start_instance("reminder_escalation", {"people": PEOPLE}, actor="iro1", child_id="C1")
    [task_id] = started.open_task_ids
    form_version = db.session.get(ProcessInstance, started.instance_id).version
    timers.move_clock(calendar.deadline_after_working_days(START, 3) + timedelta(seconds=1), actor="test")
    assert db.session.get(ProcessInstance, started.instance_id).version == form_version + 1  # the reminder fired

    with pytest.raises(ConflictError, match="changed since the form was opened"):
        instances.complete_task(task_id, {"review_date": "2027-05-01"}, actor="iro1", expected_version=form_version)
    assert db.session.get(HumanTask, task_id).status == TaskStatus.OPEN
    assert _count(AuditEvent, AuditEvent.action == "task_completed") == 0
    instances.complete_task(task_id, {"review_date": "2027-05-01"}, actor="iro1", expected_version=form_version + 1)
    assert db.session.get(HumanTask, task_id).status == TaskStatus.COMPLETED


def _wait_for(predicate, what, seconds=30.0):
    """Poll the database for what another process does (its ticks are real time)."""
    deadline = time.monotonic() + seconds
    while True:
        db.session.rollback()
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.server
def test_the_scheduler_process_fires_what_fell_due_while_it_was_down_then_ticks(app, database_url):
    for n in range(2):
        instances.start_instance("reminder_escalation", {"people": PEOPLE}, actor="iro1", child_id=f"C{n}")
    reminder = calendar.deadline_after_working_days(START, 3)
    clock.move_to(reminder + timedelta(seconds=1), "test")  # due while no scheduler runs
    db.session.commit()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        IRO_MODE="test",
        IRO_BPMN_DIR=str(ROOT / "tests" / "bpmn"),
        IRO_SCHEDULER_TICK_SECONDS="0.1",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: _count(OutboxMessage) == 2, "the overdue reminders")
        clock.move_to(calendar.deadline_after_working_days(START, 5) + timedelta(seconds=1), "test")
        db.session.commit()
        _wait_for(lambda: _count(OutboxMessage) == 4, "the escalations, on a tick")
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert _count(Timer, Timer.status == TimerStatus.FIRED) == 4
    assert "Traceback" not in errors
