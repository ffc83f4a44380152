"""Running instances as the process page lists them: whom each concerns and where it is now.

The process owner mends and migrates every instance but sees only the children their other
roles let them see (service.people.access), so a child they may not see is told by its case
number only, and one they see by name too. Where an instance is now is its open tasks' titles,
else what it waits for: the messages it waits for and its next timer, by their names in the
diagram. A few queries for the whole list, none per instance.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, select

from service.db import db
from service.diagrams import specs
from service.models import Child, HumanTask, MessageWait, TaskStatus, Timer, TimerStatus
from service.people import access
from service.people.accounts import Identity
from service.workflow import elements


@dataclass(frozen=True)
class Wait:
    name: str  # the event's name in the diagram
    due_at: datetime | None  # a timer's; None for a message


@dataclass(frozen=True)
class ListedInstance:
    id: int
    process_id: str
    started: datetime
    child_id: int | None
    case_number: str | None  # None if it concerns no child
    child_name: str | None  # only for a child the reader sees
    tasks: tuple  # the titles of its open tasks, oldest first
    waits: tuple  # Wait, when it has no open task: its messages, then its next timer


def listed(instances: list, who: Identity) -> list[ListedInstance]:
    """`instances` (deployments.RunningInstance) with their child and where they are now, for `who`."""
    ids = [instance.id for instance in instances]
    children = _children({int(i.child_id) for i in instances if i.child_id and i.child_id.isdigit()}, who)
    tasks: dict[int, list] = {}
    for instance_id, title in db.session.execute(
        select(HumanTask.instance_id, HumanTask.title)
        .where(HumanTask.instance_id.in_(ids), HumanTask.status == TaskStatus.OPEN)
        .order_by(HumanTask.created_at, HumanTask.id)
    ):
        tasks.setdefault(instance_id, []).append(title)
    waiting = [i for i in instances if i.id not in tasks]
    waits = _waits(waiting)
    rows = []
    for instance in instances:
        child_id = int(instance.child_id) if instance.child_id and instance.child_id.isdigit() else None
        case_number, name = children.get(child_id, (None, None))
        rows.append(
            ListedInstance(
                instance.id,
                instance.process_id,
                instance.started,
                child_id,
                case_number,
                name,
                tuple(tasks.get(instance.id, ())),
                tuple(waits.get(instance.id, ())),
            )
        )
    return rows


def _children(child_ids: set, who: Identity) -> dict:
    """child id -> (case number, name or None if `who` may not see the child)."""
    if not child_ids:
        return {}
    seen = case((access.child_condition(who), True), else_=False)
    rows = db.session.execute(select(Child.id, Child.case_number, Child.name, seen).where(Child.id.in_(child_ids)))
    return {child_id: (case_number, name if sees else None) for child_id, case_number, name, sees in rows}


def _waits(instances: list) -> dict:
    """instance id -> [Wait]: the messages it waits for, then its soonest timer (each first by its
    message's or its element's id, named from the diagram)."""
    ids = [instance.id for instance in instances]
    if not ids:
        return {}
    found: dict[int, list] = {}
    for instance_id, message_name in db.session.execute(
        select(MessageWait.instance_id, MessageWait.message_name)
        .where(MessageWait.instance_id.in_(ids))
        .order_by(MessageWait.id)
    ):
        found.setdefault(instance_id, []).append((message_name, None))
    timed = set()
    for instance_id, spec_name, due_at in db.session.execute(
        select(Timer.instance_id, Timer.spec_name, Timer.due_at)
        .where(Timer.instance_id.in_(ids), Timer.status.in_([TimerStatus.WAITING, TimerStatus.CLAIMED]))
        .order_by(Timer.due_at, Timer.id)
    ):
        if instance_id not in timed:
            timed.add(instance_id)
            found.setdefault(instance_id, []).append((spec_name, due_at))
    by_id = {instance.id: instance for instance in instances}
    return {
        instance_id: [Wait(_names(by_id[instance_id]).get(spec_name, spec_name), due_at) for spec_name, due_at in each]
        for instance_id, each in found.items()
    }


def _names(instance) -> dict:
    """Element id -> name in the instance's diagrams, and message name -> the name of the event
    catching it (parsed once per set of versions: specs.bundle)."""
    bundle = specs.bundle(instance.process_id, list(instance.version_ids))
    names = elements.element_names(bundle)
    for spec in (bundle.spec, *bundle.subprocess_specs.values()):
        for task_spec in spec.task_specs.values():
            message = getattr(getattr(task_spec, "event_definition", None), "name", None)
            if message and getattr(task_spec, "bpmn_name", None):
                names.setdefault(message, task_spec.bpmn_name)
    return names
