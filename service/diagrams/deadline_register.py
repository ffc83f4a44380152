"""The deadline register: every deadline of the diagrams, read from the diagrams themselves.

For each person's task (and each sub-process with deadlines of its own) it lists the
timescale (the task's `dueAt`, with the diagram's named values and working-out filled in),
the reminders before it and the notices when it is missed, with who each notice goes to
(the roles in the `notify(...)` calls its timer leads to). A task without a timer of its own
is covered by the deadlines of the sub-processes around it ("missed: see ..."). The few tasks
that rightly have no deadline are listed in WITHOUT_DEADLINE with the reason, which the register
prints and the test of the shipped diagrams holds every other task to.

`flask --app run.py deadlines` prints it (README "The deadline register").
"""

import ast
from dataclasses import dataclass, field

from service.diagrams.xmlsafe import parse_xml
from service.workflow.engine import DEADLINE, OVERDUE, REMINDER
from service.workflow.named_values import literal_named_values

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
SHORT = 60  # a working-out longer than this is left as its name: the register is read, not run

# (diagram file, element id): why the task has no deadline of its own
WITHOUT_DEADLINE = {
    (
        "management_alert.bpmn",
        "raise_alert",
    ): "the IRO opened the alert form and has not raised it yet; no timescale runs until it is raised, "
    "and it waits in the IRO's tasks",
    (
        "significant_change.bpmn",
        "change_care_plan",
    ): "protocol 3.6.3: the change waits for a review that endorses it, whenever that is held; the review "
    "itself has its deadlines",
}


@dataclass
class Notice:
    kind: str  # reminder or overdue
    when: str  # the timer's date, as the diagram works it out
    to: list  # the roles (or expressions) its notices go to
    element: str  # the timer event's id


@dataclass
class Row:
    file: str
    element: str  # the task's (or sub-process's) id
    name: str
    role: str
    due: str  # the timescale, or "" for a sub-process whose deadline is its timers'
    notices: list = field(default_factory=list)
    covered_by: list = field(default_factory=list)  # names of the sub-processes around it with overdue notices
    exempt: str | None = None

    @property
    def reminders(self) -> list:
        return [n for n in self.notices if n.kind == REMINDER]

    @property
    def missed(self) -> list:
        return [n for n in self.notices if n.kind == OVERDUE]

    def has_overdue_path(self) -> bool:
        return bool(self.missed or self.covered_by)


def register(files: dict[str, str | bytes]) -> list[Row]:
    """Rows for every .bpmn file in `files` (name -> content), in the order of the files and elements."""
    rows = []
    for name in sorted(files):
        if name.endswith(".bpmn"):
            rows += _rows(name, parse_xml(files[name]))
    return rows


def _rows(file_name, root) -> list[Row]:
    rows: list[Row] = []
    for process in root.findall("bpmn:process", NS):
        scripts = _scripts(process)
        named = literal_named_values(scripts[0]) if scripts else {}
        assigned = _assignments(scripts)
        _container_rows(file_name, process, named, assigned, [], rows)
    return rows


def _container_rows(file_name, container, named, assigned, around, rows):
    lanes = {
        ref.text: lane.get("name")
        for lane in container.findall("bpmn:laneSet/bpmn:lane", NS)
        for ref in lane.findall("bpmn:flowNodeRef", NS)
    }
    for element in container:
        tag = _tag(element)
        if tag == "userTask":
            props = _properties(element)
            exempt = WITHOUT_DEADLINE.get((file_name, element.get("id")))
            rows.append(
                Row(
                    file_name,
                    element.get("id"),
                    element.get("name") or element.get("id"),
                    props.get("candidateRole") or lanes.get(element.get("id")) or "",
                    _explained(props.get("dueAt"), named, assigned) if props.get("dueAt") else "",
                    _notices(container, element, named, assigned),
                    list(around),
                    exempt,
                )
            )
        elif tag == "subProcess":
            notices = _notices(container, element, named, assigned)
            inner = around
            if notices:
                rows.append(
                    Row(
                        file_name,
                        element.get("id"),
                        element.get("name") or element.get("id"),
                        "",
                        "",
                        notices,
                        list(around),
                    )
                )
                if any(n.kind == OVERDUE for n in notices):
                    inner = [*around, element.get("name") or element.get("id")]
            _container_rows(file_name, element, named, assigned, inner, rows)


def _notices(container, element, named, assigned) -> list[Notice]:
    """The deadline timers attached to `element`, each with the roles its path notifies."""
    notices = []
    for event in container.findall("bpmn:boundaryEvent", NS):
        timer = event.find("bpmn:timerEventDefinition", NS)
        if event.get("attachedToRef") != element.get("id") or timer is None:
            continue
        kind = _properties(event).get(DEADLINE, OVERDUE)
        when = next((node.text or "" for node in timer if _tag(node) in ("timeDate", "timeDuration", "timeCycle")), "")
        notices.append(
            Notice(kind, _explained(when, named, assigned), _told(container, event.get("id")), event.get("id"))
        )
    return notices


def _told(container, start_id) -> list[str]:
    """The first arguments of the notify() calls on the path from `start_id` to its end."""
    by_id = {node.get("id"): node for node in container}
    flows: dict[str, list] = {}
    for flow in container.findall("bpmn:sequenceFlow", NS):
        flows.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    told, seen, todo = [], set(), list(flows.get(start_id, []))
    while todo:
        node_id = todo.pop(0)
        node = by_id.get(node_id)
        if node_id in seen or node is None or _tag(node) in ("userTask", "subProcess", "callActivity"):
            continue
        seen.add(node_id)
        if _tag(node) == "scriptTask":
            for role in _notified(node.findtext("bpmn:script", "", NS)):
                if role not in told:
                    told.append(role)
        todo += flows.get(node_id, [])
    return told


def _notified(script: str) -> list[str]:
    try:
        tree = ast.parse(script)
    except SyntaxError:
        return []
    roles = []
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "notify" and call.args:
            first = call.args[0]
            role = str(first.value) if isinstance(first, ast.Constant) else ast.unparse(first)
            person = next((ast.unparse(k.value) for k in call.keywords if k.arg == "to"), None)
            roles.append(f"{role} ({person})" if person else role)
    return roles


def _scripts(process) -> list[str]:
    return [
        node.text or "" for node in process.iter(f"{{{BPMN}}}scriptTask") for node in node.findall("bpmn:script", NS)
    ]


def _assignments(scripts) -> dict:
    """name -> the one expression the diagram's scripts give it (names given twice are left out)."""
    found: dict[str, list] = {}
    for script in scripts:
        try:
            statements = ast.parse(script).body
        except SyntaxError:
            continue
        for statement in statements:
            if (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
            ):
                found.setdefault(statement.targets[0].id, []).append(statement.value)
    return {name: values[0] for name, values in found.items() if len(values) == 1}


def _explained(expression: str | None, named: dict, assigned: dict) -> str:
    """The expression with each worked-out name replaced by its working-out (once, when short) and
    each named value by its value: `allocation_due` reads `add_working_days(started_on, 5)`."""
    if not expression:
        return ""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return expression.strip()

    class Fill(ast.NodeTransformer):
        def __init__(self):
            self.expanded = set()

        def visit_Name(self, node):
            if node.id in named and isinstance(named[node.id], (int, float, str)):
                return ast.copy_location(ast.Constant(named[node.id]), node)
            value = assigned.get(node.id)
            if value is not None and node.id not in self.expanded and node.id not in named:
                self.expanded.add(node.id)
                filled = self.visit(_without_isoformat(value))
                if len(ast.unparse(filled)) <= SHORT:
                    return filled
            return node

    return ast.unparse(Fill().visit(tree))


def _without_isoformat(value):
    """`x.isoformat()` reads as `x`: the register shows dates, not how they are stored."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "isoformat"
        and not value.args
    ):
        return value.func.value
    return value


def _properties(element) -> dict:
    return {
        p.get("name"): p.get("value")
        for p in element.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
    }


def _tag(element) -> str:
    return element.tag.split("}")[-1] if isinstance(element.tag, str) else ""


def as_markdown(rows: list[Row]) -> str:
    """The register as a Markdown table (readable in a terminal, and pasted into the README)."""
    lines = [
        "| Diagram | Task or stage | Role | Timescale | Reminder | When missed, who is told |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        if row.exempt:
            missed, reminder = f"no deadline: {row.exempt}", ""
        else:
            reminder = "; ".join(f"`{n.when}` to {', '.join(n.to) or 'nobody'}" for n in row.reminders)
            missed = "; ".join(f"`{n.when}`: {', '.join(n.to) or 'recorded, nobody told'}" for n in row.missed)
            if not missed and row.covered_by:
                missed = "see " + ", ".join(f'"{name}"' for name in row.covered_by)
        due = f"`{row.due}`" if row.due else ""
        lines.append(f"| {row.file} | {row.name} (`{row.element}`) | {row.role} | {due} | {reminder} | {missed} |")
    return "\n".join(lines)
