"""A user task with a non-interrupting reminder and an interrupting escalation, both
dated with add_working_days: each fires exactly once, and completing in time cancels both."""

from datetime import datetime

import pytest

from service.models import TaskStatus, TimerStatus
from service.workflow import working_days as calendar
from tests.support.app import START
from tests.support.harness import Harness


@pytest.fixture(params=[False, True], ids=["straight", "restart-between-steps"])
def run(request, app):
    return Harness(app, restart=request.param)


def test_reminder_then_escalation_fire_once_each(run):
    started = run.start("reminder_escalation")
    [task] = run.open_tasks()
    due = calendar.deadline_after_working_days(START, 5)
    assert task.title == "Book the review" and task.form_key == "book_review"
    assert task.candidate_role == "IRO" and task.assignee == "iro1"
    assert task.due_at == due
    reminder, escalation = run.timers(started.instance_id)
    reminder_due = reminder.due_at
    assert reminder_due == calendar.deadline_after_working_days(START, 3)
    assert escalation.due_at == due
    assert {reminder.status, escalation.status} == {TimerStatus.WAITING}

    assert run.move_to(calendar.deadline_after_working_days(START, 2)) == 0
    assert run.outbox() == []

    run.move_to(reminder_due)
    run.advance(seconds=1)
    [reminder_mail] = run.outbox()
    assert reminder_mail.recipient_username == "iro1" and reminder_mail.subject.startswith("Reminder")
    assert [t.status for t in run.open_tasks()] == [TaskStatus.OPEN]
    run.advance(hours=1)
    assert len(run.outbox()) == 1

    run.move_to(due)
    run.advance(seconds=1)
    mails = run.outbox()
    assert [m.recipient_username for m in mails] == ["iro1", "rqam"]
    assert mails[1].subject.startswith("Overdue")
    tasks = run.tasks(started.instance_id)
    assert [(t.spec_name, t.status) for t in tasks] == [
        ("book_review", TaskStatus.CANCELLED),
        ("chase_iro", TaskStatus.OPEN),
    ]
    assert tasks[1].assignee == "rqam"
    assert [t.status for t in run.timers(started.instance_id)] == [TimerStatus.FIRED, TimerStatus.FIRED]

    run.advance(days=60)
    assert len(run.outbox()) == 2
    assert len(run.audit("timers_fired")) == 2


def test_completing_in_time_cancels_both_timers(run):
    started = run.start("reminder_escalation")
    [task] = run.open_tasks()
    task_id = task.id
    run.advance(days=1)
    run.complete(task_id, {"review_date": "2027-05-01"})
    assert run.open_tasks() == []
    assert [t.status for t in run.timers(started.instance_id)] == [TimerStatus.CANCELLED, TimerStatus.CANCELLED]
    run.advance(days=60)
    assert run.outbox() == []
    assert run.instance(started.instance_id).status.value == "completed"


def test_timers_read_the_application_clock_not_the_wall_clock(run):
    run.start("reminder_escalation")
    [task] = run.open_tasks()
    # the test clock is set years ahead of the real date: a wall-clock deadline would be far earlier
    assert task.due_at > datetime.fromisoformat("2027-04-12T00:00:00+00:00")
    assert task.due_at.date() == datetime(2027, 4, 19).date()  # Mon 12 Apr + 5 WD = Mon 19 Apr
