"""The checks that guard every deploy and upload of a diagram (issue 7).

Process owners edit diagrams. A mistake in one would otherwise show only when a case
reaches the faulty element, maybe weeks later, as a task nobody can open, a timer that
never fires or an instance stuck on an error. So before a version is stored, `check`
reads the file as the engine will and lists every problem it can find, each naming the
element to mark in the modeller (`Problem.element_id`) and saying in plain English what
is wrong. An empty list means the file can be deployed.

What is checked, in order:

1. The XML is safe (size, no DOCTYPE or ENTITY: nothing is ever expanded or fetched)
   and well formed, and the file is a `.bpmn` or a `.dmn`. A file that fails here is
   not read any further.
2. SpiffWorkflow parses it: a `.bpmn` has an executable process, a `.dmn` a decision.
3. Every user task names, with its `formKey` property, a form that exists.
4. Every lane names a role, except a lane whose user tasks all say who does them with
   a `candidateRole` property (e.g. "Stage manager"); a quoted `candidateRole` is a role.
5. All diagram code (scripts, conditions, message payloads, the task properties the
   engine evaluates) compiles in the script sandbox, uses no name or attribute the
   sandbox refuses at run time (open, eval, getattr, type, str.format...: the sandbox's
   own list and words), has no loop that can never end (`while True` with no break),
   and no constant part that breaks a bound of the sandbox (`10**10**10`, `'a' * 10**10`).
6. Every timer compiles and, with sample data, gives what the engine needs: timeDate a
   timezone-aware date and time, timeDuration an ISO 8601 duration ("P3D", "PT1H"),
   timeCycle an ISO 8601 repeating interval ("R3/PT1H"). A `deadline` property (which
   notice a timer gives: `reminder` or `overdue`) is on a timer on a task's boundary.
7. Every call activity calls a process, and every business rule task a decision, that
   this file or a stored version defines.
8. Every flow node can be reached by sequence flows from a start event.

Timer sample data. A timer is evaluated with the engine's own functions
(`engine.diagram_functions`, `now()` being SAMPLE_NOW) in the sandbox, reading:

- the diagram's named values (the script task with id `named_values`, else the file's
  first script task): the literal values its opening lines give, by the engine's rule
  (`named_values.literal_named_values`, what a migration re-applies); nothing of it runs;
- for any other name, a sample chosen by how the name ends (SAMPLE_BY_ENDING):
  `_at` an instant ("2027-04-12T09:00:00+00:00"); `_on`, `_by`, `_date`, `_due` a day
  ("2027-04-12"); `_wd`, `_days`, `_weeks`, `_months` the number 2.

A name that is neither is a problem: the check cannot know what it would hold.

Whatever evaluates diagram code (timers, the bounds of constant parts) runs in a child
process (service.diagrams.check_process, forked from a fork server) with CHECK_CPU_SECONDS of
processor time, CHECK_MEMORY_BYTES of memory and CHECK_SECONDS on the clock, so a diagram that
is too costly to evaluate becomes a problem on the element being evaluated when the child was
stopped, and the server's own process never runs it.
"""

import ast
import difflib
import multiprocessing
import re
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from service.diagrams import specs, xmlsafe
from service.diagrams.specs import NS
from service.errors import SpecError
from service.people import roles
from service.workflow import clock, sandbox
from service.workflow.engine import DEADLINE, OVERDUE, REMINDER, diagram_functions
from service.workflow.named_values import literal_named_values

SAMPLE_NOW = datetime(2027, 4, 12, 9, 0, tzinfo=UTC)  # a Monday, no bank holiday near
SAMPLE_BY_ENDING = {
    "_at": SAMPLE_NOW.isoformat(),
    **dict.fromkeys(("_on", "_by", "_date", "_due"), SAMPLE_NOW.date().isoformat()),
    **dict.fromkeys(("_wd", "_days", "_weeks", "_months"), 2),
}
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
FLOW_NODES = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "transaction",
    "adHocSubProcess",
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
}
# an ISO 8601 value written as code: a repeating interval, a duration or a date
_BARE_ISO = re.compile(r"\s*(R\d*/|PT?\d|\d{4}-\d\d-\d\d)", re.IGNORECASE)
# The evaluating checks of one file: the shipped diagrams need well under a second and
# 150 MB (the child's Python and libraries); a diagram past these is too costly to run.
CHECK_SECONDS = 10
CHECK_CPU_SECONDS = 8
CHECK_MEMORY_BYTES = 1 << 30
# children forked from a fork server that has loaded the checks: no Python start per check,
# and nothing of the web server's threads and connections in the child
_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["service.diagrams.check_process"])


@dataclass(frozen=True)
class Problem:
    element_id: str | None  # the BPMN/DMN element to mark in the diagram; None for the whole file
    message: str  # plain English for a process owner, naming the element (id and name)


def check(file_name: str, content: bytes | str) -> list[Problem]:
    """Every problem found in a diagram file; an empty list means it can be deployed.
    What evaluates diagram code runs in a child process with limits (see above)."""
    kind, problems = None, []
    try:
        kind = specs._kind(file_name)
    except SpecError as exc:
        problems.append(Problem(None, str(exc)))
    try:
        root = xmlsafe.parse_xml(content, max_bytes=specs.MAX_FILE_BYTES)
    except ValueError as exc:  # unsafe or malformed: read no further
        return problems + [Problem(None, f"{file_name}: {exc}")]
    if kind == "dmn":
        return _dmn_problems(file_name, root)
    if kind == "bpmn":
        return _bpmn_problems(file_name, root, content)
    return problems


def _dmn_problems(file_name, root):
    if root.find("{*}decision") is None:  # SpiffWorkflow would fail with an IndexError
        return [Problem(None, f"{file_name}: has no decision")]
    try:
        specs._analyse_dmn(file_name, root)
    except SpecError as exc:
        return [Problem(None, str(exc))]
    return []


def _bpmn_problems(file_name, root, content):
    elements = {e.get("id"): e for e in root.iter(etree.Element) if e.get("id")}
    problems = [
        *_form_problems(root),
        *_lane_problems(root, elements),
        *_code_problems(root),
        *_isolated_problems(content),
        *_deadline_problems(root),
        *_reference_problems(file_name, root),
        *_reachability_problems(root),
    ]
    # SpiffWorkflow stops at its first error, often one said more plainly above (a missing decision)
    reported = {p.element_id for p in problems}
    return problems + [
        p for p in _parse_problems(file_name, root, elements) if p.element_id is None or p.element_id not in reported
    ]


def _label(element) -> str:
    """How a message names an element: `id (name)`."""
    label = element.get("id") or etree.QName(element).localname
    return f"{label} ({element.get('name')})" if element.get("name") else label


def _problem(element, message) -> Problem:
    return Problem(element.get("id"), f"{_label(element)}: {message}")


def _properties(element) -> dict:
    path = "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
    return {p.get("name"): p.get("value") or "" for p in element.iterfind(path, NS)}


# --- 2. SpiffWorkflow parses it --------------------------------------------------------


def _parse_problems(file_name, root, elements):
    executable = [p.get("id") for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"]
    if not executable:
        return [Problem(None, f'{file_name}: has no executable process (isExecutable="true")')]
    parser = SpiffBpmnParser()
    try:
        specs._add_stored_decisions(parser)
        parser.add_bpmn_xml(root, file_name)
        for process_id in executable:
            parser.get_process_parser(process_id).get_spec()
    except ValidationException as exc:
        message = str(exc).split("\n")[0].strip().rstrip(".")
        element = elements.get(exc.id)
        if element is None:
            return [Problem(None, f"{file_name}: {message}")]
        return [_problem(element, message)]
    except Exception as exc:  # the parser raises plain exceptions on some odd diagrams
        return [Problem(None, f"{file_name}: SpiffWorkflow cannot read it: {type(exc).__name__}: {exc}")]
    return []


# --- 3. forms ---------------------------------------------------------------------------


# The task forms' names (forms.FORMS), handed down by create_app: forms use casework's rules,
# which lie above the diagrams.
_forms: Collection[str] = ()


def know_forms(names: Collection[str]) -> None:
    global _forms
    _forms = names


def _form_problems(root):
    problems = []
    for task in root.iterfind(".//bpmn:userTask", NS):
        key = _properties(task).get("formKey")
        if not key:
            problems.append(_problem(task, "has no formKey property naming its form"))
        elif key not in _forms:
            close = difflib.get_close_matches(key, list(_forms), n=4, cutoff=0.5) or sorted(_forms)[:4]
            known = ", ".join(f'"{k}"' for k in close)
            problems.append(_problem(task, f'form key "{key}" does not exist; known forms include {known}'))
    return problems


# --- 4. lanes and roles -----------------------------------------------------------------


def _lane_problems(root, elements):
    problems = []
    for lane in root.iterfind(".//bpmn:lane", NS):
        if lane.find("bpmn:childLaneSet", NS) is not None:
            continue  # tasks belong to its inner lanes
        if lane.get("name") not in roles.ALL and not _tasks_name_their_role(lane, elements):
            problems.append(
                _problem(
                    lane,
                    (
                        f'"{lane.get("name") or ""}" is not a role; a lane must name one of {", ".join(roles.ALL)} '
                        "(or each user task in it must give its role with a candidateRole property)"
                    ),
                )
            )
    for task in root.iterfind(".//bpmn:userTask", NS):
        role = _quoted(_properties(task).get("candidateRole"))
        if role is not None and role not in roles.ALL:
            problems.append(_problem(task, f'candidateRole "{role}" is not a role; roles are {", ".join(roles.ALL)}'))
    return problems


def _tasks_name_their_role(lane, elements):
    """True when the lane has user tasks and each gives its role with `candidateRole`."""
    nodes = [elements.get((ref.text or "").strip()) for ref in lane.iterfind("bpmn:flowNodeRef", NS)]
    user_tasks = [n for n in nodes if n is not None and etree.QName(n).localname == "userTask"]
    return bool(user_tasks) and all(_properties(t).get("candidateRole") for t in user_tasks)


def _quoted(source):
    """The text of an expression that is a plain string literal, else None."""
    try:
        value = ast.literal_eval((source or "").strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, str) else None


# --- 5. code compiles in the sandbox ---------------------------------------------------------


def _code_problems(root):
    problems = []
    for path, mode in specs._CODE_PLACES:
        if not path.endswith(TIMER_KINDS):  # timers: see _timer_problems
            for node in root.iterfind(path, NS):
                problems += _refusals(node, node.text, mode)
    for prop in root.iterfind(".//spiffworkflow:property", NS):
        if prop.get("name") in specs.EXPRESSION_PROPERTIES:
            problems += _refusals(prop, prop.get("value"), "eval")
    return problems


def _refusals(node, source, mode):
    source = (source or "").strip()
    refused = _static_refusals(source, mode) if source else []
    return [_problem(specs._owning_element(node), _joined(refused))] if refused else []


def _static_refusals(source, mode):
    return sandbox.check_source(source, mode) or sandbox.static_refusals(source, mode)


def _joined(messages):
    return "; ".join(m.rstrip(".") for m in messages)


# --- 5 and 6, what evaluates code: in a child process with limits -----------------------------


def evaluation_problems(root, progress=lambda element: None) -> list[Problem]:
    """The problems only evaluating the diagram's code can find: its timers, and the bounds
    its constant parts break. `progress(element)` is told of each element before it is
    evaluated. Run by service.diagrams.check_process, in the child."""
    return [*_timer_problems(root, progress), *_bound_problems(root, progress)]


def _bound_problems(root, progress):
    problems = []
    for path, mode in specs._CODE_PLACES:
        if not path.endswith(TIMER_KINDS):  # a timer is evaluated whole
            for node in root.iterfind(path, NS):
                problems += _breaches(node, node.text, mode, progress)
    for prop in root.iterfind(".//spiffworkflow:property", NS):
        if prop.get("name") in specs.EXPRESSION_PROPERTIES:
            problems += _breaches(prop, prop.get("value"), "eval", progress)
    return problems


def _breaches(node, source, mode, progress):
    source, element = (source or "").strip(), specs._owning_element(node)
    if not source or _static_refusals(source, mode):
        return []  # refused already, or nothing to evaluate
    progress(element)
    breached = sandbox.bound_refusals(source, mode)
    return [_problem(element, _joined(breached))] if breached else []


def _isolated_problems(content) -> list[Problem]:
    """evaluation_problems, run in a child process (service.diagrams.check_process) within the limits."""
    from service.diagrams import check_process  # it imports this module

    data = content.encode("utf-8") if isinstance(content, str) else content
    reader, writer = _FORKS.Pipe(duplex=False)
    child = _FORKS.Process(target=check_process.evaluate, args=(data, writer), daemon=True)
    child.start()
    writer.close()
    deadline, evaluating = time.monotonic() + CHECK_SECONDS, None
    try:
        while True:
            if not reader.poll(max(deadline - time.monotonic(), 0)):
                return [_unfinished(evaluating, f"did not finish within {CHECK_SECONDS} seconds")]
            try:
                message = reader.recv()
            except EOFError:  # the child was stopped by its limits
                return [
                    _unfinished(
                        evaluating,
                        "was stopped: it needed more processor time or memory than a "
                        f"check may use ({CHECK_CPU_SECONDS} s, {CHECK_MEMORY_BYTES >> 20} MB)",
                    )
                ]
            if message[0] == "done":
                return [Problem(element_id, text) for element_id, text in message[1]]
            evaluating = message[1:]
    finally:
        reader.close()
        child.kill()
        child.join()


def _unfinished(evaluating, what) -> Problem:
    """A problem on the element the child was evaluating when it stopped."""
    if evaluating is None:
        return Problem(None, f"checking the diagram's code {what}")
    element_id, label = evaluating
    return Problem(element_id, f"{label}: checking its code {what}: it is too costly to evaluate")


# --- 6. timers ----------------------------------------------------------------------------


def _timer_problems(root, progress):
    environment = sandbox.RestrictedEnvironment(diagram_functions(lambda: SAMPLE_NOW))
    named = _named_values(root)
    problems = []
    with clock.frozen_at(SAMPLE_NOW):  # SpiffWorkflow reads the clock for a cycle without a start
        for kind in TIMER_KINDS:
            for node in root.iterfind(f".//bpmn:{kind}", NS):
                element = specs._owning_element(node)
                progress(element)
                problem = _timer_problem(kind, (node.text or "").strip(), named, environment)
                if problem:
                    problems.append(_problem(element, problem))
    return problems


def _deadline_problems(root):
    problems = []
    for element in root.iter(etree.Element):
        kind = _properties(element).get(DEADLINE)
        if kind is None:
            continue
        is_timer = element.find("bpmn:timerEventDefinition", NS) is not None
        if etree.QName(element).localname != "boundaryEvent" or not is_timer:
            problems.append(
                _problem(
                    element,
                    f"has a {DEADLINE} property, which only a timer on the boundary of a task or sub-process can have",
                )
            )
        elif kind not in (REMINDER, OVERDUE):
            problems.append(_problem(element, f'{DEADLINE} "{kind}" is neither {REMINDER} nor {OVERDUE}'))
    return problems


def _named_values(root) -> dict:
    """The diagram's named values, by the engine's rule (what a migration re-applies)."""
    script = root.find(".//bpmn:scriptTask[@id='named_values']/bpmn:script", NS)
    if script is None:
        script = root.find(".//bpmn:scriptTask/bpmn:script", NS)
    return literal_named_values((script.text or "") if script is not None else "")


def _timer_problem(kind, expression, named, environment) -> str | None:
    """What is wrong with one timer expression, or None."""
    if not expression:
        return f"the timer ({kind}) is empty"
    if _BARE_ISO.match(expression):
        return (
            f'the timer {expression} is written without quotes, so it is read as code; put it in quotes: "{expression}"'
        )
    refused = _static_refusals(expression, "eval")
    if refused:
        return _joined(refused)
    context = dict(named)
    while True:
        try:
            value = environment.evaluate(expression, dict(context))
            break
        except NameError as exc:
            if exc.name in context or _sample(exc.name) is None:
                return (
                    f"the timer reads {exc.name}, which the check cannot give a sample value: it is not "
                    "set in the named values, and its name does not end in "
                    f"{', '.join(SAMPLE_BY_ENDING)}"
                )
            context[exc.name] = _sample(exc.name)
        except sandbox.BoundExceeded as exc:
            return f"the timer breaks a bound of the script sandbox: {exc}"
        except Exception as exc:
            return f"the timer fails with sample values: {type(exc).__name__}: {exc}"
    return _timer_value_problem(kind, value)


def _sample(name):
    return next((value for ending, value in SAMPLE_BY_ENDING.items() if (name or "").endswith(ending)), None)


def _timer_value_problem(kind, value) -> str | None:
    """Whether the engine can use the value: it turns dates and aware datetimes into ISO strings."""
    if kind == "timeDate":
        if isinstance(value, date):
            value = value.isoformat()
        try:
            instant = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            instant = None
        if instant is None:
            return f'the timer gives {_shown(value)}, not a date and time (e.g. "2027-05-01T09:00:00+01:00")'
        if instant.tzinfo is None:
            return (
                f"the timer gives {_shown(value)}, which has no UTC offset: a timer's date and time must be "
                'timezone-aware, e.g. "2027-05-01T09:00:00+01:00" or deadline_after_working_days(...)'
            )
        return None
    example = '"P3D" or "PT1H"' if kind == "timeDuration" else '"R3/PT1H"'
    what = "duration" if kind == "timeDuration" else "repeating interval"
    wrong = f"the timer gives {_shown(value)}, not an ISO 8601 {what} string such as {example}"
    if not isinstance(value, str):
        return wrong
    try:
        if kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
        else:
            TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:
        return wrong
    if kind == "timeCycle" and any(_naive(part) for part in value.split("/")[1:]):
        return f"the timer gives {_shown(value)}, whose start or end has no UTC offset: it must be timezone-aware"
    return None


def _shown(value, limit=80):
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print
        return f"a {type(value).__name__} too long to show"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _naive(part):
    """A date and time of a repeating interval without a UTC offset."""
    try:
        return not part.upper().startswith("P") and datetime.fromisoformat(part).tzinfo is None
    except ValueError:  # an ISO week date, which SpiffWorkflow reads itself
        return False


# --- 7. called processes and decisions ------------------------------------------------------


def _reference_problems(file_name, root):
    stored = [v for v in specs.latest_versions() if v.file_name != file_name]
    processes = {p.get("id") for p in root.iterfind("bpmn:process[@isExecutable='true']", NS)}
    processes |= {name for v in stored if v.kind == "bpmn" for name in v.defines}
    decisions = {name for v in stored if v.kind == "dmn" for name in v.defines}
    problems = []
    for call in root.iterfind(".//bpmn:callActivity", NS):
        called = call.get("calledElement")
        if called not in processes:
            problems.append(
                _problem(
                    call,
                    f'calls process "{called or ""}", which neither this file (as an '
                    "executable process) nor any loaded diagram defines",
                )
            )
    for node in root.iterfind(".//spiffworkflow:calledDecisionId", NS):
        decision = (node.text or "").strip()
        if decision not in decisions:
            known = ", ".join(f'"{d}"' for d in sorted(decisions)) or "none"
            problems.append(
                _problem(
                    specs._owning_element(node),
                    f'calls decision "{decision}", which no loaded decision table defines (loaded decisions: {known})',
                )
            )
    return problems


# --- 8. reachability ----------------------------------------------------------------------


def _reachability_problems(root):
    problems = []
    for container in root.iter(*(f"{{{specs.BPMN_NS}}}{tag}" for tag in ("process", "subProcess", "transaction"))):
        nodes = {n.get("id"): n for n in container if _is_flow_node(n)}
        reached = _reached(container, nodes)
        problems += [
            _problem(node, "cannot be reached: no sequence flow leads to it from a start event")
            for node_id, node in nodes.items()
            if node_id not in reached
        ]
    return problems


def _is_flow_node(element):
    return isinstance(element.tag, str) and etree.QName(element).localname in FLOW_NODES and element.get("id")


def _reached(container, nodes) -> set:
    """Ids reachable from the container's start events, event subprocesses and compensation handlers."""
    following: dict = {}
    for flow in container.iterfind("bpmn:sequenceFlow", NS):
        following.setdefault(flow.get("sourceRef"), set()).add(flow.get("targetRef"))
    for node_id, node in nodes.items():
        if node.get("attachedToRef"):
            following.setdefault(node.get("attachedToRef"), set()).add(node_id)
    catches: dict[str, set] = {}
    for catch in container.iterfind("bpmn:intermediateCatchEvent", NS):
        for link in catch.iterfind("bpmn:linkEventDefinition", NS):
            catches.setdefault(link.get("name"), set()).add(catch.get("id"))
    for throw in container.iterfind("bpmn:intermediateThrowEvent", NS):
        for link in throw.iterfind("bpmn:linkEventDefinition", NS):
            following.setdefault(throw.get("id"), set()).update(catches.get(link.get("name"), ()))
    todo = [
        node_id
        for node_id, node in nodes.items()
        if etree.QName(node).localname == "startEvent"
        or node.get("triggeredByEvent") == "true"
        or node.get("isForCompensation") == "true"
    ]
    reached = set()
    while todo:
        node_id = todo.pop()
        if node_id not in reached:
            reached.add(node_id)
            todo.extend(following.get(node_id, ()))
    return reached
