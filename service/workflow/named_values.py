"""A diagram's named values: the literal settings (deadlines in working days, roles, stages) its
named-values script task opens with. They are read without running anything, checked when a
diagram is deployed, and given again to running instances when they move to a new version.
"""

import ast
from copy import deepcopy

from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.util.task import TaskState

NAMED_VALUES = "named_values"  # the script task holding a diagram's named values (deadlines, roles)


def named_values(spec) -> dict:
    """A diagram's named values: those of its named-values script task (id `named_values`, else
    the first script task reached from its start); see `literal_named_values`."""
    chosen = spec.task_specs.get(NAMED_VALUES) or next(
        (task_spec for task_spec in spec.task_specs.values() if isinstance(task_spec, ScriptTask)), None
    )
    return literal_named_values(getattr(chosen, "script", None) or "")


def literal_named_values(script: str) -> dict:
    """The literal values a named-values script gives names in its opening lines, such as
    `stage_response_wd = 5` or `stages = ["Team Manager", ...]`, up to the first line that is
    anything else. What follows (a deadline worked out, a count started at 0) is the instance's
    own, not the diagram's setting. Nothing runs."""
    return _opening(script)[0]


def rest_of_script(script: str) -> str | None:
    """What a named-values script does after its named values, in a form that ignores layout and
    comments (None if it does not parse): two scripts with the same rest differ in named values only."""
    return _opening(script)[1]


def _opening(script: str) -> tuple[dict, str | None]:
    values: dict = {}
    try:
        statements = ast.parse(script).body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return values, None  # the diagram checks report it
    for index, statement in enumerate(statements):
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            return values, ast.dump(ast.Module(statements[index:], []))
        try:
            values[statement.targets[0].id] = ast.literal_eval(statement.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return values, ast.dump(ast.Module(statements[index:], []))  # computed: the named values have ended
    return values, ast.dump(ast.Module([], []))


def reapply(workflow) -> dict:
    """Give the diagram's named values (`named_values`) to every task still to run, which
    holds them (READY, WAITING or STARTED; top level and subprocesses); returns them.

    Only literal values are named values, so what was worked out from the old ones (a
    deadline already set) stays, and nothing of the diagram runs.
    """
    values = named_values(workflow.spec)
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
        for name, value in values.items():
            if name in task.data:
                task.data[name] = deepcopy(value)
    return values
