"""What an instance did at each BPMN element of its diagrams: the elements, their states, the
steps completed with their data (read by service.diagrams.instance_view and the version diff).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent, ThrowingEvent
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.util.task import TaskState


@dataclass(frozen=True)
class Element:
    """A BPMN element of a diagram: its id, its label and what kind of thing it is."""

    id: str
    name: str
    kind: str  # task, step, event, gateway, subprocess
    file: str | None = None  # the diagram file that defines it


@dataclass(frozen=True)
class CompletedStep:
    task_id: str
    element_id: str
    name: str
    kind: str  # task (a person's) or step (a script)
    completed_at: datetime | None  # SpiffWorkflow's own record of the change (the server's real time)
    data: dict


def element_of(spec) -> Element | None:
    """The BPMN element a task spec stands for; None for SpiffWorkflow's own (Start, End, joins)."""
    if getattr(spec, "bpmn_id", None) is None:
        return None
    if spec.manual:
        kind = "task"
    elif isinstance(spec, SubWorkflowTask):
        kind = "subprocess"
    elif isinstance(spec, (CatchingEvent, ThrowingEvent)):
        kind = "event"
    elif type(spec).__name__.endswith("Gateway"):
        kind = "gateway"
    else:
        kind = "step"
    return Element(spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, kind, getattr(spec._wf_spec, "file", None))


def element_states(workflow) -> dict:
    """BPMN element ids by what the instance did there: completed, active (a person's task open),
    waiting (events, timers, running subprocesses) and cancelled; subprocesses included, each id
    once per list, in the order of the task tree."""
    marks: dict[str, list] = {"completed": [], "active": [], "waiting": [], "cancelled": []}
    for task in workflow.get_tasks():
        spec = task.task_spec
        if getattr(spec, "bpmn_id", None) is None:
            continue
        if task.state == TaskState.COMPLETED:
            mark = "completed"
        elif task.state == TaskState.CANCELLED:
            mark = "cancelled"
        elif task.state in (TaskState.READY, TaskState.STARTED) and spec.manual:
            mark = "active"
        elif task.state == TaskState.WAITING or (task.state == TaskState.STARTED and isinstance(spec, SubWorkflowTask)):
            mark = "waiting"
        else:
            continue
        if spec.bpmn_id not in marks[mark]:
            marks[mark].append(spec.bpmn_id)
    return marks


def completed_steps(workflow) -> list[CompletedStep]:
    """The completed user and script tasks (subprocesses included) with their data, in completion order."""
    steps = []
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        spec = task.task_spec
        if getattr(spec, "bpmn_id", None) is None or not (spec.manual or isinstance(spec, ScriptTask)):
            continue
        at = datetime.fromtimestamp(task.last_state_change, UTC) if task.last_state_change else None
        steps.append(
            CompletedStep(
                str(task.id),
                spec.bpmn_id,
                spec.bpmn_name or spec.bpmn_id,
                "task" if spec.manual else "step",
                at,
                task.data,
            )
        )
    return sorted(steps, key=lambda s: (s.completed_at is None, s.completed_at))


def element_names(workflow) -> dict:
    """Spec name -> label of every element of the instance's process and its subprocesses (of a
    workflow, or of the spec bundle it runs on: both have `spec` and `subprocess_specs`)."""
    names: dict[str, str] = {}
    for spec in (workflow.spec, *workflow.subprocess_specs.values()):
        for name, task_spec in spec.task_specs.items():
            names.setdefault(name, getattr(task_spec, "bpmn_name", None) or name)
    return names
