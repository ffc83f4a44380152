"""Mirror what an instance waits for into the tables every query reads.

Written in the same transaction as the instance state (docs/adr/0009-projections-for-reading.md). The
change is worked out from two engine snapshots, the one taken when the instance was
loaded and the one taken before saving, so nothing is read back: the rows written at
the last save are exactly the `before` snapshot.
"""

from sqlalchemy import and_, bindparam, delete, insert, update

from service.db import execute_rows
from service.models import HumanTask, MessageWait, TaskStatus, Timer, TimerStatus
from service.people import assignment
from service.workflow.engine import Snapshot

_tasks, _timers, _waits = HumanTask.__table__, Timer.__table__, MessageWait.__table__

# the row of a person's open task, by its instance and SpiffWorkflow task id
OPEN_TASK_ROW = and_(
    _tasks.c.instance_id == bindparam("instance"),
    _tasks.c.spiff_task_id == bindparam("task"),
    _tasks.c.status == TaskStatus.OPEN,
)
_CLOSE_TASK = (
    update(_tasks)
    .where(OPEN_TASK_ROW)
    .values(status=bindparam("status"), completed_at=bindparam("at"), completed_by=bindparam("by"))
)
_INSERT_TASK = insert(_tasks)
_END_TIMERS = (
    update(_timers)
    .where(
        and_(
            _timers.c.instance_id == bindparam("instance"),
            _timers.c.spiff_task_id.in_(bindparam("tasks", expanding=True)),
        )
    )
    .values(status=bindparam("status"), fired_at=bindparam("at"), claim_owner=None, lease_until=None)
)
_MOVE_TIMER = (
    update(_timers)
    .where(
        and_(
            _timers.c.instance_id == bindparam("instance"),
            _timers.c.spiff_task_id == bindparam("task"),
        )
    )
    .values(due_at=bindparam("due"), status=TimerStatus.WAITING, claim_owner=None, lease_until=None)
)
_INSERT_TIMER = insert(_timers)
_DELETE_WAIT = delete(_waits).where(
    and_(_waits.c.instance_id == bindparam("instance"), _waits.c.spiff_task_id == bindparam("task"))
)
_INSERT_WAIT = insert(_waits)


def sync(connection, engine, instance, before: Snapshot, after: Snapshot, now, *, completed_task_id=None, actor=None):
    _sync_human_tasks(connection, engine, instance, before, after, now, completed_task_id, actor)
    _sync_timers(connection, engine, instance, before, after)
    _sync_message_waits(connection, instance, before, after)


def _sync_human_tasks(connection, engine, instance, before, after, now, completed_task_id, actor):
    closed = [
        dict(
            instance=instance.id,
            task=task_id,
            at=now,
            status=TaskStatus.COMPLETED if task_id == completed_task_id else TaskStatus.CANCELLED,
            by=actor if task_id == completed_task_id else None,
        )
        for task_id in before.user_tasks - after.user_tasks
    ]
    execute_rows(connection, _CLOSE_TASK, closed)
    opened = []
    for task_id in after.user_tasks - before.user_tasks:
        view = engine.user_task(instance.workflow, task_id)
        opened.append(
            dict(
                instance_id=instance.id,
                spiff_task_id=task_id,
                process_id=instance.process_id,
                process_name=view.process_name,
                spec_name=view.spec_name,
                title=view.title,
                form_key=view.form_key,
                candidate_role=view.lane,
                assignee=view.assignee
                or _username(assignment.person_for(connection, view.lane, view.data, instance.child_id)),
                child_id=instance.child_id,
                due_at=view.due_at,
                status=TaskStatus.OPEN,
                created_at=now,
                completed_at=None,
                completed_by=None,
            )
        )
    execute_rows(connection, _INSERT_TASK, opened)


def _username(person):
    return person.username if person else None


def _sync_timers(connection, engine, instance, before, after):
    fired, cancelled = [], []
    for task_id in before.timers.keys() - after.timers.keys():
        (fired if engine.task_state(instance.workflow, task_id) == "COMPLETED" else cancelled).append(task_id)
    if fired:
        connection.execute(
            _END_TIMERS, dict(instance=instance.id, tasks=fired, status=TimerStatus.FIRED, at=instance.now)
        )
    if cancelled:
        connection.execute(
            _END_TIMERS, dict(instance=instance.id, tasks=cancelled, status=TimerStatus.CANCELLED, at=None)
        )
    moved = [
        dict(instance=instance.id, task=task_id, due=due)
        for task_id, due in after.timers.items()
        if task_id in before.timers and before.timers[task_id] != due
    ]  # a cycle timer's next date
    execute_rows(connection, _MOVE_TIMER, moved)
    new = [
        dict(
            instance_id=instance.id,
            spiff_task_id=task_id,
            spec_name=engine.timer_spec_name(instance.workflow, task_id),
            due_at=due,
            status=TimerStatus.WAITING,
            claim_owner=None,
            lease_until=None,
            fired_at=None,
        )
        for task_id, due in after.timers.items()
        if task_id not in before.timers
    ]
    execute_rows(connection, _INSERT_TIMER, new)


def _sync_message_waits(connection, instance, before, after):
    gone = [dict(instance=instance.id, task=task_id) for task_id in before.messages.keys() - after.messages.keys()]
    execute_rows(connection, _DELETE_WAIT, gone)
    new = [
        dict(instance_id=instance.id, spiff_task_id=task_id, message_name=name, child_id=instance.child_id)
        for task_id, name in after.messages.items()
        if task_id not in before.messages
    ]
    execute_rows(connection, _INSERT_WAIT, new)
