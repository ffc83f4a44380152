"""Lock, re-read, act: the one way any instance changes.

A `UnitOfWork` is one transaction at one instant of the application clock. Inside
it, `load` locks the instance row (PostgreSQL `FOR UPDATE`) and re-reads its state;
`save` writes the state with an optimistic version check, rewrites the projections,
queues the notifications the diagram raised and routes the messages it threw, all
before the single commit. Any error rolls everything back: nothing half-written.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import bindparam, insert, select, update

from service.db import WRITE_LOCK, db, end_read, execute_rows
from service.diagrams import specs
from service.errors import ConflictError, NotFound, ServiceError
from service.models import HumanTask, InstanceChild, InstanceStatus, MessageWait, ProcessInstance
from service.workflow import audit, clock, outbox, projections
from service.workflow.engine import Engine, Snapshot

MAX_MESSAGE_HOPS = 20

# Casework's rules for the records a diagram makes (service.casework.case_records.apply), handed
# down by create_app: the workflow runs them inside its transaction without importing casework.
_apply_records: Callable | None = None


def apply_records_with(apply: Callable) -> None:
    global _apply_records
    _apply_records = apply


# Built once: the hot path of every task completion and timer firing.
_instances, _tasks, _children = ProcessInstance.__table__, HumanTask.__table__, InstanceChild.__table__
_INSTANCE_COLUMNS = (
    _instances.c.process_id,
    _instances.c.version_ids,
    _instances.c.child_id,
    _instances.c.state,
    _instances.c.version,
)
_LOAD = select(*_INSTANCE_COLUMNS).where(_instances.c.id == bindparam("instance")).with_for_update()
_LOAD_FOR_TASK = (
    select(_tasks.c.instance_id, _tasks.c.spiff_task_id, _tasks.c.spec_name, _tasks.c.status, *_INSTANCE_COLUMNS)
    .join(_instances, _instances.c.id == _tasks.c.instance_id)
    .where(_tasks.c.id == bindparam("task"))
    .with_for_update()
)
_SAVE = (
    update(_instances)
    .where(_instances.c.id == bindparam("instance"), _instances.c.version == bindparam("expected"))
    .values(
        state=bindparam("state"),
        version=bindparam("version"),
        status=bindparam("status"),
        updated_at=bindparam("now"),
        completed_at=bindparam("completed_at"),
    )
)


@dataclass
class LoadedInstance:
    id: int | None
    process_id: str
    version_ids: list
    child_id: str | None
    version: int
    workflow: BpmnWorkflow
    now: datetime
    before: Snapshot  # what the projections hold for this instance right now
    is_new: bool = False
    group: tuple = ()  # a new instance's children besides `child_id` (a sibling group, docs/adr/0019)
    effects: list = field(default_factory=list)


def engine() -> Engine:
    """One engine per app: it holds the restricted script environment, which is reusable."""
    return current_app.extensions.setdefault("iro_engine", Engine(now=clock.now))


class UnitOfWork:
    def __init__(self, actor: str, *, notify: bool = True):
        """`notify=False` imports history: the unit runs, but sends no notice (see
        `Engine.settle_notices`). Safe only for events about the past, as the API's
        `"notify": false` is."""
        self.actor = actor
        self.notify = notify
        self.engine = engine()
        self._frozen = None
        self._depth = 0  # messages routed from within routed messages
        self._staged: dict = {}  # prebuilt insert -> rows, written once just before the commit

    def __enter__(self):
        end_read()
        self.connection = db.engine.connect().execution_options(**WRITE_LOCK)
        self._transaction = self.connection.begin()
        self.now = clock.now(self.connection)
        self._frozen = clock.frozen_at(self.now)
        self._frozen.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                for statement, rows in self._staged.items():
                    execute_rows(self.connection, statement, rows)
                self._transaction.commit()
            else:
                self._transaction.rollback()
        finally:
            self.connection.close()
            self._frozen.__exit__(exc_type, exc, tb)
            end_read()  # so the caller's next read sees what this unit wrote
        return False

    # --- instances ---------------------------------------------------------
    def new(self, process_id: str, data: dict, child_id: str | None, group=()) -> LoadedInstance:
        """A new instance about `child_id` (the lead child) and the other children of `group`."""
        version_ids = specs.versions_for_new_instance(process_id)
        bundle = specs.bundle(process_id, version_ids)
        workflow = self.engine.new(bundle, data)
        others = tuple(dict.fromkeys(str(c) for c in group if str(c) != child_id))
        return LoadedInstance(
            None, process_id, version_ids, child_id, 0, workflow, self.now, Snapshot(), is_new=True, group=others
        )

    def load(self, instance_id: int) -> LoadedInstance:
        row = self.connection.execute(_LOAD, {"instance": instance_id}).one_or_none()
        if row is None:
            raise NotFound(f"process instance {instance_id} does not exist")
        return self._loaded(instance_id, row)

    def load_for_task(self, human_task_id: int):
        """Lock and read a task's instance and the task's current row in one statement."""
        row = self.connection.execute(_LOAD_FOR_TASK, {"task": human_task_id}).one_or_none()
        if row is None:
            raise NotFound(f"task {human_task_id} does not exist")
        return self._loaded(row.instance_id, row), row

    def _loaded(self, instance_id, row) -> LoadedInstance:
        workflow = self.engine.load(specs.bundle(row.process_id, row.version_ids), row.state)
        return LoadedInstance(
            instance_id,
            row.process_id,
            row.version_ids,
            row.child_id,
            row.version,
            workflow,
            self.now,
            self.engine.snapshot(workflow),
        )

    def act(self, instance: LoadedInstance, step, *args) -> None:
        """Run one engine step, keeping the notifications it raises for `save`."""
        with self.engine.running() as effects:
            step(instance.workflow, *args)
        self.engine.settle_notices(instance.workflow, effects, notify=self.notify)
        instance.effects.append(effects)

    def save(self, instance: LoadedInstance, *, completed_task_id=None, cancelled=False) -> None:
        workflow = instance.workflow
        thrown = [] if cancelled else self.engine.thrown_messages(workflow)
        state = self.engine.dump(workflow)
        finished = cancelled or self.engine.is_completed(workflow)
        status = (
            InstanceStatus.CANCELLED if cancelled else InstanceStatus.COMPLETED if finished else InstanceStatus.RUNNING
        )
        if instance.is_new:
            instance.id = self.connection.execute(
                insert(_instances)
                .values(
                    process_id=instance.process_id,
                    version_ids=instance.version_ids,
                    child_id=instance.child_id,
                    status=status,
                    state=state,
                    version=1,
                    started_by=self.actor,
                    created_at=self.now,
                    updated_at=self.now,
                    completed_at=self.now if finished else None,
                )
                .returning(_instances.c.id)
            ).scalar_one()
            instance.version = 1
            if instance.child_id is not None:
                self.connection.execute(
                    insert(_children),
                    [{"instance_id": instance.id, "child_id": c} for c in (instance.child_id, *instance.group)],
                )
        else:
            result = self.connection.execute(
                _SAVE,
                {
                    "instance": instance.id,
                    "expected": instance.version,
                    "state": state,
                    "version": instance.version + 1,
                    "status": status,
                    "now": self.now,
                    "completed_at": self.now if finished else None,
                },
            )
            if result.rowcount != 1:
                raise ConflictError(f"process instance {instance.id} was changed by someone else; nothing was saved")
            instance.version += 1
        after = self.engine.snapshot(workflow)
        projections.sync(
            self.connection,
            self.engine,
            instance,
            instance.before,
            after,
            self.now,
            completed_task_id=completed_task_id,
            actor=self.actor,
        )
        instance.before = after
        done, instance.effects = instance.effects, []
        for effects in done:  # records first: a notification to "IRO" goes to the IRO just allocated
            if effects.records:
                if _apply_records is None:
                    raise RuntimeError("no rules for the diagram's case records: create_app hands them down")
                _apply_records(self, instance, effects.records)
            rows = outbox.notification_rows(self.connection, instance, effects.notifications, self.now)
            self.stage(outbox.queue_statement(self.connection), rows)
        for message in thrown:
            self.route(message, sender=instance)

    # --- messages between instances -----------------------------------------
    def children_of(self, instance_id: int) -> list[str]:
        """The children an instance concerns, the lead child first."""
        lead = self.connection.scalar(select(_instances.c.child_id).where(_instances.c.id == instance_id))
        rows = self.connection.scalars(
            select(_children.c.child_id).where(_children.c.instance_id == instance_id).order_by(_children.c.child_id)
        ).all()
        return sorted(rows, key=lambda c: c != lead)

    def join(self, instance_id: int, child_id: str) -> None:
        """Add a child to a running instance's group: messages about them reach it from now on."""
        present = self.connection.scalar(
            select(_children.c.child_id).where(_children.c.instance_id == instance_id, _children.c.child_id == child_id)
        )
        if present is None:
            self.connection.execute(insert(_children).values(instance_id=instance_id, child_id=child_id))
            self.audit("child_joined", instance_id=instance_id, child_id=child_id)

    def route(
        self, message, *, sender: LoadedInstance | None = None, child_id: str | None = None, group=()
    ) -> list[int]:
        """Deliver a message to the instances of the same child waiting for it, or start one.

        SpiffWorkflow leaves correlation to the application: here a message belongs to one
        child and goes to the instances that concern that child (alone or in a sibling group).
        A process it starts concerns the same children as the sender, or `child_id` and `group`.
        """
        if self._depth >= MAX_MESSAGE_HOPS:
            raise ServiceError(f"message {message.name!r} bounced between instances more than {MAX_MESSAGE_HOPS} times")
        self._depth += 1
        try:
            if sender is not None:
                child_id = sender.child_id
                group = tuple(self.children_of(sender.id)) if sender.id is not None else sender.group
            return self._route(message, sender, child_id, group)
        finally:
            self._depth -= 1

    def _route(self, message, sender, child_id, group) -> list[int]:
        query = select(MessageWait.instance_id).where(MessageWait.message_name == message.name)
        if child_id is None:  # a process about no child (the tests' diagrams)
            query = query.where(MessageWait.child_id.is_(None))
        else:
            query = query.join(_children, _children.c.instance_id == MessageWait.instance_id).where(
                _children.c.child_id == child_id
            )
        waiting = self.connection.scalars(query.distinct().order_by(MessageWait.instance_id)).all()
        touched = []
        for instance_id in waiting:
            if sender is not None and instance_id == sender.id:
                continue
            target = self.load(instance_id)
            self.act(target, self.engine.deliver, message)
            self.save(target)
            touched.append(instance_id)
        if not touched:
            for process_id in specs.processes_started_by(message.name):
                data = dict(message.payload) if isinstance(message.payload, dict) else {}
                data.setdefault("child_id", child_id)
                if sender is not None:  # a process another started knows which (its records may refer to it)
                    data.setdefault("parent_instance_id", sender.id)
                target = self.new(process_id, data, child_id, group)
                self.act(target, self.engine.run)
                self.act(target, self.engine.deliver, message)
                self.save(target)
                touched.append(target.id)
        self.audit(
            "message_routed",
            instance_id=sender.id if sender else None,
            child_id=child_id,
            message=message.name,
            to_instances=touched,
        )
        return touched

    def audit(self, action, **fields):
        self.stage(audit.INSERT, [audit.row(self.now, self.actor, action, **fields)])

    def stage(self, statement, rows: list[dict]) -> None:
        """Write-only rows (audit, outbox) that nothing in the unit reads back: batched at commit."""
        if rows:
            self._staged.setdefault(statement, []).extend(rows)
