"""Moving running instances to the newest versions of their diagrams (issue 7).

Running instances keep the versions they started with (service.diagrams.specs). A process owner
may move them to the newest versions, one by one (`migrate`) or all of a process at once
(`migrate_all`), where SpiffWorkflow's diff of the instance against the new specs says it
is safe; otherwise `plan` says why, naming the elements, and nothing changes.

Safe means: the newest versions differ from the instance's; the instance is running; no
task of the instance, top level or in any subprocess, sits on an element the new versions
no longer have, in any state but predicted (FUTURE, LIKELY, MAYBE: not reached yet, so
predicted again from the new diagram); every subprocess of the instance, running or
finished, still has its diagram; and a trial move, checked by storing the moved instance
and loading it on the new versions, succeeds. Finished tasks count because SpiffWorkflow
keeps the whole history of an instance, and cannot load it without their elements.

What "migrate" means here, in the domain's terms:

* Every task keeps its id, its state and its data, on the new version of its element. So a
  person's task whose element is unchanged keeps its worklist row, its assignee and any
  draft; its deadline, computed when it opened, stays.
* A task that is open (READY) or waiting (WAITING) whose own element changed starts that
  element again with the data it held: a changed timer computes its date anew, a changed
  person's task is re-read for its title, form, role and deadline (its worklist row is
  updated in place; the assignee is kept unless the role changed).
* The diagram's NAMED VALUES are re-applied: the literal values the new version's first
  script task opens with (`named_values`, e.g. `stage_response_wd = 5`; see
  `service.workflow.named_values`) overwrite those names in the data of every READY, WAITING or STARTED
  task (top level and subprocesses) that holds them. Deadlines already computed from the old
  values (the current stage's respond_by) stay; every later step (the next stage) uses the
  new values.

The instance row then records the new version ids, the unit of work rewrites the worklist,
timers and message waits from the difference of the snapshots, and the move is audited as
`instance_migrated` with the versions before and after.
"""

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import bindparam, select, update

from service.db import db
from service.diagrams import specs
from service.errors import NotFound, ScriptFailed, ServiceError
from service.models import HumanTask, InstanceStatus, ProcessInstance, ProcessVersion
from service.people import assignment
from service.workflow import clock, version_diff
from service.workflow.projections import OPEN_TASK_ROW
from service.workflow.unit_of_work import UnitOfWork
from service.workflow.unit_of_work import engine as app_engine

_instances, _tasks = ProcessInstance.__table__, HumanTask.__table__
_SET_VERSIONS = (
    update(_instances).where(_instances.c.id == bindparam("instance")).values(version_ids=bindparam("version_ids"))
)
_OPEN_ROW = select(_tasks.c.candidate_role, _tasks.c.assignee).where(OPEN_TASK_ROW)
_REFRESH_ROW = (
    update(_tasks)
    .where(OPEN_TASK_ROW)
    .values(
        process_name=bindparam("process_name"),
        title=bindparam("title"),
        form_key=bindparam("form_key"),
        candidate_role=bindparam("role"),
        assignee=bindparam("assignee"),
        due_at=bindparam("due"),
    )
)

_STATES = {
    "READY": "is waiting to be done",
    "WAITING": "is waiting",
    "STARTED": "is under way",
    "COMPLETED": "was completed",
    "CANCELLED": "was cancelled",
    "ERROR": "failed",
}
_KINDS = {
    "task": "The task",
    "step": "The step",
    "event": "The event",
    "gateway": "The gateway",
    "subprocess": "The subprocess",
}


@dataclass(frozen=True)
class MigrationPlan:
    instance_id: int
    process_id: str
    current_version_ids: list
    target_version_ids: list
    current_versions: list  # e.g. "management_alert.bpmn version 3", in the order of the ids
    target_versions: list
    target_numbers: list  # the version number of each target version id
    safe: bool
    reasons: list  # why not, in plain English naming the elements; empty when safe
    changed: list = field(default_factory=list)  # elements changed, e.g. "Named values (named_values)"
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def up_to_date(self) -> bool:
        return self.current_version_ids == self.target_version_ids


class MigrationRefused(ServiceError):
    """Moving the instance is not safe (or not needed); `reasons` say why. Nothing was changed."""

    def __init__(self, plan: MigrationPlan):
        super().__init__(
            f"process instance {plan.instance_id} was not moved to the newest versions: " + "; ".join(plan.reasons)
        )
        self.plan = plan
        self.reasons = plan.reasons


def plan(instance_id: int) -> MigrationPlan:
    """What moving the instance to the newest versions would change, and whether it is safe.

    Read-only: the check runs the move on a copy of the instance that is thrown away.
    """
    row = db.session.get(ProcessInstance, instance_id)
    if row is None:
        raise NotFound(f"process instance {instance_id} does not exist")
    engine = app_engine()
    workflow = engine.load(specs.bundle(row.process_id, row.version_ids), row.state)
    with clock.frozen_at(clock.now()), engine.running():  # a changed timer is evaluated on the app clock
        return _assess(engine, instance_id, row.process_id, list(row.version_ids), row.status, workflow, trial=True)


def migrate(instance_id: int, *, actor: str) -> MigrationPlan:
    """Move one instance to the newest versions of its diagrams; MigrationRefused if not safe.

    Lock, re-read, act: the plan is made again on the locked state, so what was checked is
    what is moved. A refusal, or any failure, changes nothing.
    """
    with UnitOfWork(actor) as uow:
        instance = uow.load(instance_id)
        status = uow.connection.scalar(select(_instances.c.status).where(_instances.c.id == instance_id))
        checked = _assess(
            uow.engine,
            instance_id,
            instance.process_id,
            list(instance.version_ids),
            status,
            instance.workflow,
            trial=False,
        )
        if not checked.safe:
            raise MigrationRefused(checked)
        new_bundle = specs.bundle(instance.process_id, checked.target_version_ids)
        restarted = []

        def move(workflow):
            restarted.extend(uow.engine.migrate_to(workflow, new_bundle))

        try:
            uow.act(instance, move)
            _check_loads(uow.engine, instance.workflow, new_bundle)
        except (ScriptFailed, _NotMovable) as exc:
            raise MigrationRefused(_refused(checked, str(exc))) from exc
        instance.version_ids = checked.target_version_ids
        uow.save(instance)
        uow.connection.execute(_SET_VERSIONS, {"instance": instance_id, "version_ids": instance.version_ids})
        _refresh_rows(uow, instance, restarted)
        uow.audit(
            "instance_migrated",
            instance_id=instance_id,
            child_id=instance.child_id,
            process=instance.process_id,
            from_versions=checked.current_version_ids,
            to_versions=checked.target_version_ids,
            from_labels=checked.current_versions,
            to_labels=checked.target_versions,
            changed=checked.changed,
            added=checked.added,
            removed=checked.removed,
        )
    return checked


def migrate_all(process_id: str, *, actor: str) -> list[tuple]:
    """Move every running instance of a process not on the newest versions, each in a unit of
    work of its own. Returns (instance id, plan) for each: `plan.safe` says whether it moved;
    an unsafe one is skipped with its `plan.reasons`, untouched."""
    target = specs.versions_for_new_instance(process_id)
    running = db.session.execute(
        select(ProcessInstance.id, ProcessInstance.version_ids)
        .where(ProcessInstance.process_id == process_id, ProcessInstance.status == InstanceStatus.RUNNING)
        .order_by(ProcessInstance.id)
    ).all()
    results = []
    for instance_id, version_ids in running:
        if list(version_ids) == target:
            continue
        try:
            results.append((instance_id, migrate(instance_id, actor=actor)))
        except MigrationRefused as refused:
            results.append((instance_id, refused.plan))
    return results


# --- the check ------------------------------------------------------------------------
class _NotMovable(Exception):
    pass


def _assess(engine, instance_id, process_id, current, status, workflow, *, trial: bool) -> MigrationPlan:
    target = specs.versions_for_new_instance(process_id)
    labels = _labels(set(current) | set(target))
    numbers = {file_name: number for file_name, number in (labels[i][1:] for i in target)}
    base: dict[str, Any] = dict(
        instance_id=instance_id,
        process_id=process_id,
        current_version_ids=current,
        target_version_ids=target,
        current_versions=[labels[i][0] for i in current],
        target_versions=[labels[i][0] for i in target],
        target_numbers=[labels[i][2] for i in target],
    )
    status = InstanceStatus(status)
    if status != InstanceStatus.RUNNING:
        return MigrationPlan(
            **base, safe=False, reasons=[f"The instance is {status.value}: only running instances move to new versions"]
        )
    if current == target:
        return MigrationPlan(
            **base,
            safe=False,
            reasons=["The instance is already on the newest versions (" + ", ".join(base["target_versions"]) + ")"],
        )
    new_bundle = specs.bundle(process_id, target)
    defining = _defining_file(process_id, target)
    try:
        diff = engine.version_diff(workflow, new_bundle)
    except Exception as exc:  # SpiffWorkflow could not align the diagrams at all
        return MigrationPlan(**base, safe=False, reasons=[f"The new versions could not be compared: {exc}"])
    summary: dict[str, Any] = dict(
        changed=[_label(e) for e in diff.changed],
        added=[_label(e) for e in diff.added],
        removed=[_label(e) for e in diff.removed],
    )
    reasons = [_reason(b, numbers, defining) for b in diff.blockers]
    if not reasons and trial:
        try:
            engine.migrate_to(workflow, new_bundle)
            _check_loads(engine, workflow, new_bundle)
        except (ScriptFailed, _NotMovable) as exc:
            reasons.append(str(exc))
        except Exception as exc:  # the engine refused the move: say so, never half-move
            reasons.append(f"The instance could not be moved: {exc}")
    return MigrationPlan(**base, safe=not reasons, reasons=reasons, **summary)


def _check_loads(engine, workflow, bundle):
    """The moved instance must stand wholly on the new specs, and store and load on them."""
    if not version_diff.on_specs_of(workflow, bundle):
        raise _NotMovable("Some of the instance's history has no element in the new versions")
    try:
        engine.load(bundle, engine.dump(workflow))
    except Exception as exc:
        raise _NotMovable(f"The moved instance would not load on the new versions: {exc}") from exc


def _refused(checked: MigrationPlan, reason: str) -> MigrationPlan:
    return replace(checked, safe=False, reasons=[*checked.reasons, reason])


def _reason(blocker, numbers, defining) -> str:
    element = blocker.element
    file_name = element.file or defining
    where = (
        f"version {numbers[file_name]}"
        if file_name == defining or file_name not in numbers
        else f"version {numbers[file_name]} of {file_name}"
    )
    what = f"{_KINDS.get(element.kind, 'The step')} {_label(element)}"
    doing = _STATES.get(blocker.state, f"is {blocker.state.lower()}")
    if blocker.subprocess:
        return f"{what} {doing} and its diagram no longer exists in {where}"
    return f"{what} {doing} and no longer exists in {where}"


def _label(element) -> str:
    return f"{element.name} ({element.id})" if element.name != element.id else element.id


def _labels(version_ids) -> dict:
    """id -> (label, file name, number)."""
    rows = db.session.execute(
        select(ProcessVersion.id, ProcessVersion.file_name, ProcessVersion.number).where(
            ProcessVersion.id.in_(version_ids)
        )
    ).all()
    return {i: (f"{name} version {number}", name, number) for i, name, number in rows}


def _defining_file(process_id, version_ids) -> str | None:
    for version in db.session.scalars(select(ProcessVersion).where(ProcessVersion.id.in_(version_ids))):
        if process_id in version.defines:
            return version.file_name
    return None


# --- the worklist rows of a person's tasks that started again -------------------------
def _refresh_rows(uow, instance, task_ids):
    """A person's open task whose element changed keeps its row (and id), re-read from the new element."""
    for task_id in task_ids:
        row = uow.connection.execute(_OPEN_ROW, {"instance": instance.id, "task": task_id}).one_or_none()
        if row is None:
            continue
        view = uow.engine.user_task(instance.workflow, task_id)
        assignee = view.assignee or row.assignee
        if view.assignee is None and view.lane != row.candidate_role:
            person = assignment.person_for(uow.connection, view.lane, view.data, instance.child_id)
            assignee = person.username if person else None
        uow.connection.execute(
            _REFRESH_ROW,
            {
                "instance": instance.id,
                "task": task_id,
                "process_name": view.process_name,
                "title": view.title,
                "form_key": view.form_key,
                "role": view.lane,
                "assignee": assignee,
                "due": view.due_at,
            },
        )
