"""What the page of one process instance shows (read-only).

The diagram of the version the instance runs on, with each element marked by what the
instance did there (completed, active, waiting, cancelled); the timers still to fire;
the data at each completed step; and the audit trail. It reads the stored state and the
projections and changes nothing: no lock, no unit of work.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from service.db import db
from service.diagrams import specs
from service.errors import NotFound
from service.models import AuditEvent, ProcessInstance, ProcessVersion, Timer, TimerStatus
from service.workflow import elements
from service.workflow.unit_of_work import engine as app_engine


@dataclass(frozen=True)
class VersionLabel:
    id: int
    file_name: str
    number: int


@dataclass(frozen=True)
class PendingTimer:
    spec_name: str  # the BPMN id of the timer event
    element_name: str
    due_at: datetime
    status: str  # waiting, or claimed by a scheduler that is firing it


@dataclass(frozen=True)
class Step:
    element_id: str
    name: str
    kind: str  # "task" (a person's) or "step" (a script)
    completed_at: datetime | None  # SpiffWorkflow's record of it (the server's real time, not the app clock)
    data: dict


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    action: str
    human_task_id: int | None
    details: dict


@dataclass(frozen=True)
class InstanceView:
    id: int
    process_id: str
    process_name: str
    child_id: str | None
    status: str
    started_by: str
    created_at: datetime
    completed_at: datetime | None
    versions: list  # VersionLabel of each version id, in the instance's order
    bpmn_xml: str  # the version of the file that defines the process, for the diagram viewer
    marks: dict  # {"completed": [...], "active": [...], "waiting": [...], "cancelled": [...]} of BPMN ids
    timers: list  # PendingTimer, soonest first
    steps: list  # Step, in completion order
    audit: list  # AuditLine, oldest first


def describe(instance_id: int) -> InstanceView:
    row = db.session.get(ProcessInstance, instance_id)
    if row is None:
        raise NotFound(f"process instance {instance_id} does not exist")
    version_ids = list(row.version_ids)
    by_id = {v.id: v for v in db.session.scalars(select(ProcessVersion).where(ProcessVersion.id.in_(version_ids)))}
    defining = next((by_id[i] for i in version_ids if i in by_id and row.process_id in by_id[i].defines), None)
    workflow = app_engine().load(specs.bundle(row.process_id, version_ids), row.state)
    names = elements.element_names(workflow)
    timers = db.session.scalars(
        select(Timer)
        .where(Timer.instance_id == instance_id, Timer.status.in_([TimerStatus.WAITING, TimerStatus.CLAIMED]))
        .order_by(Timer.due_at, Timer.id)
    ).all()
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)
    ).all()
    return InstanceView(
        id=row.id,
        process_id=row.process_id,
        process_name=workflow.spec.description or row.process_id,
        child_id=row.child_id,
        status=row.status.value,
        started_by=row.started_by,
        created_at=row.created_at,
        completed_at=row.completed_at,
        versions=[VersionLabel(i, by_id[i].file_name, by_id[i].number) for i in version_ids if i in by_id],
        bpmn_xml=defining.content if defining is not None else "",
        marks=elements.element_states(workflow),
        timers=[
            PendingTimer(t.spec_name, names.get(t.spec_name, t.spec_name), t.due_at, t.status.value) for t in timers
        ],
        steps=[Step(s.element_id, s.name, s.kind, s.completed_at, s.data) for s in elements.completed_steps(workflow)],
        audit=[AuditLine(e.at, e.actor, e.action, e.human_task_id, e.details) for e in audit],
    )
