"""A person working on one task: what the page shows, drafts, and submitting.

Every call checks who is asking first: a task this person may not see is NotFound,
exactly like a task that does not exist.
"""

from dataclasses import dataclass

from sqlalchemy import select

import forms
from service.casework import alerts
from service.db import db, writing
from service.errors import InvalidData, NotFound, TaskAlreadyCompleted
from service.models import Child, HumanTask, ProcessInstance, TaskDraft, TaskStatus
from service.people import access
from service.people.accounts import Identity
from service.tasks import worklist
from service.tasks.task_context import TaskContext
from service.workflow import clock, instances


@dataclass(frozen=True)
class TaskPage:
    task: HumanTask
    child: Child | None
    steps: list  # (task id, title, status) of this instance's user tasks so far
    instance_version: int
    draft: dict | None
    may_act: bool
    context: TaskContext  # what the task's form may ask about the case


def page(who: Identity, task_id: int) -> TaskPage:
    task = worklist.visible_task(who, task_id)
    child = db.session.get(Child, int(task.child_id)) if task.child_id and task.child_id.isdigit() else None
    steps = db.session.execute(
        select(HumanTask.id, HumanTask.title, HumanTask.status)
        .where(HumanTask.instance_id == task.instance_id)
        .order_by(HumanTask.created_at, HumanTask.id)
    ).all()
    version = db.session.execute(
        select(ProcessInstance.version).where(ProcessInstance.id == task.instance_id)
    ).scalar_one()
    draft = db.session.get(TaskDraft, task.id)
    return TaskPage(
        task,
        child,
        [(s.id, s.title, s.status) for s in steps],
        version,
        draft.data if draft and draft.user_id == who.id else None,
        access.may_act_on(who, task),
        TaskContext(task),
    )


def save_draft(who: Identity, task_id: int, data: dict) -> None:
    task_id = _actionable(who, task_id).id
    instances.require_json(data)
    with writing():  # the task row locked (PostgreSQL), so two saves cannot both insert the draft
        status = db.session.execute(
            select(HumanTask.status).where(HumanTask.id == task_id).with_for_update()
        ).scalar_one()
        if status != TaskStatus.OPEN:
            raise TaskAlreadyCompleted(f"task {task_id} is already {status.value}; nothing was saved")
        draft = db.session.get(TaskDraft, task_id)
        if draft is None:
            db.session.add(TaskDraft(human_task_id=task_id, user_id=who.id, data=data, saved_at=clock.now()))
        else:
            draft.user_id, draft.data, draft.saved_at = who.id, data, clock.now()


def submit(who: Identity, task_id: int, data: dict, expected_version: int | None = None) -> int:
    """Complete the task as this person; a task nobody holds is theirs as they submit it."""
    task = _actionable(who, task_id)
    return instances.complete_task(task.id, data, actor=who.username, expected_version=expected_version)


def checked_answers(task: HumanTask, data: dict) -> dict:
    """Answers sent as JSON (the API), checked by the task's own form exactly as its page
    checks them; InvalidData names every bad or unknown field. An answer of the wrong JSON
    type is refused before the form sees it, so nothing is coerced into a browser's post."""
    errors = forms.shape_errors(forms.form_class_for(task.form_key), data)
    if errors:
        raise _refused(errors)
    form = forms.form_for(task.form_key, data=data, api=True, context=TaskContext(task))
    if not form.validate():
        raise _refused(forms.first_errors(form))
    return forms.task_data(form)


def _refused(errors: dict) -> InvalidData:
    return InvalidData("; ".join(f"{name}: {message}" for name, message in errors.items()), errors)


def _actionable(who, task_id) -> HumanTask:
    task = worklist.visible_task(who, task_id)
    if not access.may_act_on(who, task):
        raise NotFound(f"task {task_id} is not yours to complete")
    if task.status != TaskStatus.OPEN:
        raise TaskAlreadyCompleted(
            alerts.moved_on(task) or f"task {task_id} is already {task.status.value}; nothing was saved"
        )
    return task
