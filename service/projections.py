"""Mirror what an instance waits for into the tables every query reads.

Called with the instance's new state inside the same transaction, so the worklist,
the timer table and message routing never disagree with the state (decision 4).
"""
from sqlalchemy import delete, insert, select, update

from . import assignment
from .db import db
from .models import HumanTask, MessageWait, TaskStatus, Timer, TimerStatus

_LIVE_TIMER = (TimerStatus.WAITING, TimerStatus.CLAIMED)


def sync(engine, instance, now, *, completed_task_id=None, actor=None):
    _sync_human_tasks(engine, instance, now, completed_task_id, actor)
    _sync_timers(engine, instance)
    _sync_message_waits(engine, instance)


def _sync_human_tasks(engine, instance, now, completed_task_id, actor):
    ready = {view.task_id: view for view in engine.ready_user_tasks(instance.workflow)}
    open_rows = db.session.execute(
        select(HumanTask.id, HumanTask.spiff_task_id)
        .where(HumanTask.instance_id == instance.id, HumanTask.status == TaskStatus.OPEN)
    ).all() if not instance.is_new else []
    known = {row.spiff_task_id for row in open_rows}
    for row in open_rows:
        if row.spiff_task_id not in ready:
            done = row.spiff_task_id == completed_task_id
            db.session.execute(update(HumanTask).where(HumanTask.id == row.id).values(
                status=TaskStatus.COMPLETED if done else TaskStatus.CANCELLED,
                completed_at=now, completed_by=actor if done else None,
            ))
    new_rows = [
        dict(
            instance_id=instance.id, spiff_task_id=view.task_id, process_id=instance.process_id,
            spec_name=view.spec_name, title=view.title, form_key=view.form_key, candidate_role=view.lane,
            assignee=view.assignee or assignment.assignee_for(view.lane, view.data),
            child_id=instance.child_id, due_at=view.due_at, status=TaskStatus.OPEN, created_at=now,
        )
        for task_id, view in ready.items() if task_id not in known
    ]
    if new_rows:
        db.session.execute(insert(HumanTask), new_rows)


def _sync_timers(engine, instance):
    waiting = {view.task_id: view for view in engine.waiting_timers(instance.workflow)}
    rows = db.session.execute(
        select(Timer.id, Timer.spiff_task_id, Timer.due_at)
        .where(Timer.instance_id == instance.id, Timer.status.in_(_LIVE_TIMER))
    ).all() if not instance.is_new else []
    known = {row.spiff_task_id for row in rows}
    for row in rows:
        view = waiting.get(row.spiff_task_id)
        if view is None:
            fired = engine.task_state(instance.workflow, row.spiff_task_id) == "COMPLETED"
            db.session.execute(update(Timer).where(Timer.id == row.id).values(
                status=TimerStatus.FIRED if fired else TimerStatus.CANCELLED,
                fired_at=instance.now if fired else None, claim_owner=None, lease_until=None,
            ))
        elif view.due_at != row.due_at:  # a cycle timer moved on to its next date
            db.session.execute(update(Timer).where(Timer.id == row.id).values(
                due_at=view.due_at, status=TimerStatus.WAITING, claim_owner=None, lease_until=None,
            ))
    new_rows = [
        dict(instance_id=instance.id, spiff_task_id=task_id, spec_name=view.spec_name,
             due_at=view.due_at, status=TimerStatus.WAITING)
        for task_id, view in waiting.items() if task_id not in known
    ]
    if new_rows:
        db.session.execute(insert(Timer), new_rows)


def _sync_message_waits(engine, instance):
    waiting = {view.task_id: view for view in engine.waiting_messages(instance.workflow)}
    rows = db.session.execute(
        select(MessageWait.id, MessageWait.spiff_task_id).where(MessageWait.instance_id == instance.id)
    ).all() if not instance.is_new else []
    gone = [row.id for row in rows if row.spiff_task_id not in waiting]
    if gone:
        db.session.execute(delete(MessageWait).where(MessageWait.id.in_(gone)))
    known = {row.spiff_task_id for row in rows}
    new_rows = [
        dict(instance_id=instance.id, spiff_task_id=task_id, message_name=view.name, child_id=instance.child_id)
        for task_id, view in waiting.items() if task_id not in known
    ]
    if new_rows:
        db.session.execute(insert(MessageWait), new_rows)
