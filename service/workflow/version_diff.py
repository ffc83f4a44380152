"""Moving a running instance onto new versions of its diagrams (service.diagrams.instance_migration):
what the move changes, what stops it, and the move itself.
"""

from dataclasses import dataclass

from SpiffWorkflow.bpmn.util.diff import SpecDiff, diff_dependencies, diff_workflow, migrate_workflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from service.workflow import named_values
from service.workflow.elements import Element, element_of

_PREDICTED = TaskState.PREDICTED_MASK | TaskState.FUTURE  # not yet reached: predicted from the diagram
_NO_STATE = 1 << 12  # a state mask no task has: migrate_workflow then resets nothing itself


@dataclass(frozen=True)
class Blocker:
    """Something of the instance that the new versions no longer have."""

    element: Element
    state: str  # what the instance's task there is doing: WAITING, READY, COMPLETED...
    subprocess: bool = False  # the subprocess's whole diagram is missing, not just the element


@dataclass(frozen=True)
class VersionDiff:
    blockers: list
    added: list
    removed: list
    changed: list


def version_diff(registry, workflow, bundle) -> VersionDiff:
    """What moving `workflow` onto the specs of `bundle` changes, and what stops it.

    A blocker is a task of the instance, in any state but predicted (FUTURE, LIKELY, MAYBE: not
    reached yet), on an element the new versions no longer have, or a subprocess of the instance
    (running or finished) whose diagram the new versions no longer have: SpiffWorkflow could not
    load the instance's history or carry on from where it is.
    """
    top, subprocesses = diff_workflow(registry, workflow, bundle.spec, bundle.subprocess_specs)
    blockers = _blockers(top.removed)
    for sp_id, sp_diff in subprocesses.items():
        if sp_diff is None:
            task = workflow.get_task_from_id(sp_id)
            blockers.append(_blocker(task, subprocess=True))
        else:
            blockers += _blockers(sp_diff.removed)
    spec_diffs, _ = diff_dependencies(registry, workflow.subprocess_specs, bundle.subprocess_specs)
    added, removed, changed = [], [], []
    for spec_diff in (SpecDiff(registry, workflow.spec, bundle.spec), *spec_diffs.values()):
        if spec_diff is None:
            continue
        added += [e for e in map(element_of, spec_diff.added) if e]
        removed += [e for e in map(element_of, spec_diff.removed) if e]
        changed += [e for e in map(element_of, spec_diff.changed) if e]
    return VersionDiff(_unique(blockers), _unique(added), _unique(removed), _unique(changed))


def migrate(registry, workflow, bundle) -> list[str]:
    """Move `workflow` onto the specs of `bundle` (version_diff found no blocker).

    Every task keeps its id, state and data, on the new version of its element. The new version's
    named values replace the old in every task still to run (`named_values.reapply`); then only
    the READY and WAITING tasks whose own element changed start that element again, with their
    data (a changed timer computes its date anew), and branches predicted from removed elements
    are predicted again. Returns the ids of a person's tasks that were started again (their
    worklist rows need re-reading).
    """
    top, subprocesses = diff_workflow(registry, workflow, bundle.spec, bundle.subprocess_specs)
    to_reset = [t for t in top.changed if t.has_state(TaskState.READY | TaskState.WAITING)]
    migrate_workflow(top, workflow, bundle.spec, reset_mask=_NO_STATE)
    workflow.subprocess_specs = bundle.subprocess_specs
    for sp_id, sp_diff in subprocesses.items():
        subprocess = workflow.subprocesses[sp_id]
        to_reset += [t for t in sp_diff.changed if t.has_state(TaskState.READY | TaskState.WAITING)]
        migrate_workflow(sp_diff, subprocess, bundle.subprocess_specs[subprocess.spec.name], reset_mask=_NO_STATE)
    named_values.reapply(workflow)
    restarted = []
    for task in to_reset:
        if task.id in task.workflow.tasks:  # not dropped with an earlier reset's branch
            task.reset_branch(task.data)
            if task.state == TaskState.READY and task.task_spec.manual:
                restarted.append(str(task.id))
    for each in (workflow, *workflow.subprocesses.values()):
        _predict_again(each)
    if workflow.get_next_task(state=TaskState.READY, manual=False) is not None:
        workflow.do_engine_steps()
    return restarted


def on_specs_of(workflow, bundle) -> bool:
    """Whether every task of the workflow stands on an element of `bundle`."""
    for each in (workflow, *workflow.subprocesses.values()):
        spec = bundle.spec if each is workflow else bundle.subprocess_specs.get(each.spec.name)
        if spec is None or each.spec is not spec:
            return False
        if any(spec.task_specs.get(t.task_spec.name) is not t.task_spec for t in each.tasks.values()):
            return False
    return True


def _blockers(removed_tasks) -> list:
    """The removed tasks that were reached. A task's own parts (SpiffWorkflow's
    `X.BoundaryEventSplit`, the events on its boundary) go with the task X when it is told;
    an internal part left alone is told as X."""
    reached = [task for task in removed_tasks if not task.has_state(_PREDICTED)]
    told = {task.task_spec.name for task in reached}
    blockers = []
    for task in reached:
        name = task.task_spec.name
        owner = _owner(task)
        if owner != name and owner in told:
            continue
        blockers.append(_blocker(task, spec=task.workflow.spec.task_specs.get(owner) if "." in name else None))
    return blockers


def _owner(task) -> str:
    """The element a task belongs to: itself, or the task whose boundary it is part of."""
    name = task.task_spec.name
    if "." in name:
        return name.split(".", 1)[0]
    parent = task.parent.task_spec.name if task.parent is not None else ""
    return parent.split(".", 1)[0] if parent.endswith(".BoundaryEventSplit") else name


def _blocker(task, subprocess=False, spec=None) -> Blocker:
    spec = spec or task.task_spec
    element = element_of(spec) or Element(spec.name, spec.name, "step")
    return Blocker(element, TaskState.get_name(task.state), subprocess)


def _unique(items):
    seen, kept = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            kept.append(item)
    return kept


def _predict_again(workflow):
    """Drop predicted tasks of elements the new version removed, and predict their branch again."""
    for task in list(workflow.get_tasks(skip_subprocesses=True)):
        if task.id not in workflow.tasks or workflow.spec.task_specs.get(task.task_spec.name) is task.task_spec:
            continue
        parent = task.parent
        if not task.has_state(_PREDICTED) or parent is None or parent.has_state(TaskState.FINISHED_MASK):
            raise SpiffWorkflowException(
                f"{task.task_spec.name} ({TaskState.get_name(task.state)}) has no element in the new version"
            )
        workflow._remove_task(task.id)
        parent.task_spec._predict(parent, mask=_PREDICTED | parent.state)
