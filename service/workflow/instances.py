"""Use cases a person or another system starts: start a process, complete a task, send an event."""

import json
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select

from service.errors import ConflictError, InvalidData, NotFound, TaskAlreadyCompleted
from service.models import HumanTask, TaskDraft, TaskStatus
from service.workflow.unit_of_work import UnitOfWork

_DELETE_DRAFT = delete(TaskDraft.__table__).where(TaskDraft.__table__.c.human_task_id == bindparam("task"))


@dataclass(frozen=True)
class Started:
    instance_id: int
    open_task_ids: list


def start_instance(
    process_id: str, data: dict, *, actor: str, child_id: str | None = None, group: tuple = ()
) -> Started:
    """Start the newest version of a process with initial data, about a child (and a sibling group)."""
    require_json(data)
    with UnitOfWork(actor) as uow:
        instance = uow.new(process_id, {**data, "child_id": child_id} if child_id else data, child_id, group)
        uow.act(instance, uow.engine.run)
        uow.save(instance)
        uow.audit("instance_started", instance_id=instance.id, child_id=child_id, process=process_id, data=data)
        open_ids = uow.connection.scalars(
            select(HumanTask.id).where(HumanTask.instance_id == instance.id, HumanTask.status == TaskStatus.OPEN)
        ).all()
    return Started(instance.id, list(open_ids))


def complete_task(human_task_id: int, data: dict, *, actor: str, expected_version: int | None = None) -> int:
    """Complete a READY user task with the submitted data; return the instance's new version.

    `expected_version` is the instance version the person's form was built from: safe to
    pass whenever a stale form must not overwrite newer work.
    """
    require_json(data)
    with UnitOfWork(actor) as uow:
        instance, task = uow.load_for_task(human_task_id)  # read under the lock: someone may have finished it
        if task.status != TaskStatus.OPEN:
            raise TaskAlreadyCompleted(f"task {human_task_id} is already {task.status.value}; nothing was saved")
        if expected_version is not None and expected_version != instance.version:
            raise ConflictError(f"task {human_task_id} changed since the form was opened; nothing was saved")
        uow.act(instance, uow.engine.complete, task.spiff_task_id, data)
        uow.save(instance, completed_task_id=task.spiff_task_id)
        uow.connection.execute(_DELETE_DRAFT, {"task": human_task_id})  # its draft is spent with it
        uow.audit(
            "task_completed",
            instance_id=instance.id,
            human_task_id=human_task_id,
            child_id=instance.child_id,
            task=task.spec_name,
            data=data,
        )
        return instance.version


def send_message(name: str, payload: dict, *, actor: str, child_id: str, group: tuple = ()) -> list[int]:
    """An event from outside (the API): resume the child's waiting instance or start one (about the
    child and the other children of `group`, a sibling group)."""
    require_json(payload)
    with UnitOfWork(actor) as uow:
        touched = uow.route(uow.engine.message(name, payload), child_id=child_id, group=group)
        if not touched:
            raise NotFound(f"no process of child {child_id} waits for {name!r}, and none starts with it")
        return touched


def require_json(data) -> None:
    if not isinstance(data, dict):
        raise InvalidData("task data must be a JSON object (a dictionary of named values)")
    for key, value in data.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            raise InvalidData(f"field {key!r} is not JSON-serialisable ({type(value).__name__})") from None
