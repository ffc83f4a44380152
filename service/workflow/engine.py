"""The one place that knows SpiffWorkflow, with elements, version_diff and named_values beside it.

It turns versioned specs and stored state into running workflows and back, lists
what a person or a timer is waiting for, and runs the engine. It knows nothing of
Flask or the database: the service layer hands it specs and state and stores what
it returns. Diagram code runs in the restricted environment (service.workflow.sandbox) with
the functions of `diagram_functions`.
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition as BaseMessageDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from service.errors import ScriptFailed
from service.workflow import version_diff as moves
from service.workflow import working_days as calendar
from service.workflow.sandbox import RestrictedEnvironment

# A timer event's `deadline` property says what its notices are: a reminder before a deadline, or the
# notice that it was missed (the default). See `Engine.settle_notices` for the rules they follow.
DEADLINE = "deadline"
REMINDER, OVERDUE = "reminder", "overdue"
_NOTIFIED = "notified_deadlines"  # root task internal data: the deadlines whose notices have gone
_STARTED = "waiting_since"  # timer task internal data: when it started waiting

_current_task = ContextVar("current_task", default=None)
_effects = ContextVar("effects", default=None)


@dataclass
class Notification:
    """A `notify(...)` call from a diagram, keyed so that a retry cannot queue it twice."""

    key: str
    role: str
    subject: str
    body: str
    context: dict  # the notifying task's data, for resolving the role to an address
    deadline: str | None = None  # "element@due" of the timer whose firing raised it, if one did
    stale_reminder: bool = False  # a reminder whose time had passed when its step began


@dataclass(frozen=True)
class CaseRecord:
    """A diagram's change to the child's case (see service.casework.case_records): kind and fields."""

    kind: str
    fields: dict
    deadline: str | None = None  # as for Notification: the deadline whose timer led to it


@dataclass
class Effects:
    notifications: list = field(default_factory=list)
    records: list = field(default_factory=list)
    _counts: dict = field(default_factory=dict)

    def add(self, task, role, subject, body, to=None):
        n = self._counts.get(task.id, 0)
        self._counts[task.id] = n + 1
        context = task.data
        if to is not None:  # a person named by username, who need not hold the role on the case
            context = {**task.data, "people": {**(task.data.get("people") or {}), role: {"username": to}}}
        deadline, stale_reminder = _deadline_of(task)
        self.notifications.append(
            Notification(f"{task.id}:{n}", role, subject, body, context, deadline, stale_reminder)
        )


@dataclass(frozen=True)
class UserTaskView:
    task_id: str
    spec_name: str
    title: str
    process_name: str
    form_key: str | None
    lane: str | None  # the role: the task's `candidateRole` expression if it has one, else its lane
    due_at: datetime | None
    assignee: str | None
    data: dict  # the task's own data, for resolving the lane to a person


@dataclass(frozen=True)
class Snapshot:
    """What an instance waits for: ready user tasks, timers (id -> due) and messages (id -> name).

    Comparing the snapshot taken at load with the one taken before saving tells the
    projections exactly what changed, without reading them back.
    """

    user_tasks: frozenset = frozenset()
    timers: dict = field(default_factory=dict)
    messages: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ThrownMessage:
    name: str
    payload: object
    event: BpmnEvent


def notify(role: str, subject: str, body: str = "", to: str | None = None) -> None:
    """Diagram function: queue a notification to whoever holds `role` on this case, or to the
    person whose username is `to` (a minute taker chosen for one meeting)."""
    effects, task = _effects.get(), _current_task.get()
    if effects is None or task is None:
        raise RuntimeError("notify() can only be called from a diagram script")
    effects.add(task, str(role), str(subject), str(body), None if to is None else str(to))


def _case_record(kind: str, doc: str):
    def record(*args, **fields):
        effects = _effects.get()
        if effects is None or _current_task.get() is None:
            raise RuntimeError(f"{kind}() can only be called from a diagram script")
        if args:
            raise TypeError(f"{kind}() takes named values only, e.g. {kind}(held_on=...)")
        effects.records.append(CaseRecord(kind, dict(fields), _deadline_of(_current_task.get())[0]))

    record.__name__, record.__doc__ = kind, doc
    return record


CASE_RECORDS = {
    "record_episode": "Record facts of this looked-after episode (allocation, ceasing) on the case.",
    "record_review": "Record facts of this review (dates, outcome, deadlines met) on the case.",
    "record_decision": "Record facts of one of this review's decisions (index=..., done_on=..., completion_note=...).",
    "allocate_iro": "Make a person (iro=username) the child's named IRO.",
    "end_episode": "Close every other open process of the child: the episode has ended.",
    "record_alert": "Record facts of this management alert (stage, deadlines, outcome) on the case.",
    "record_alert_step": "Add a step (step=..., stage=..., and its answers) to this alert's history.",
    "case_note": "Write a line (text=...) in the child's case notes.",
    "record_rag": "Record this review's RAG notification (status, criteria, actions, progress, alert) on the case.",
    "record_minutes": "Record facts of this conference's minutes (parent_instance_id=..., conference_number=..., "
    "minute_taker=..., chair=... first; then steps' dates, status).",
    "record_cp": "Record facts of this child protection episode (status, strategy discussion, due dates, outcome).",
    "allocate_cp_chair": "Make a person (iro=username) the episode's chair, and its minute taker (minute_taker=...).",
    "record_conference": "Record facts of one conference of this episode (number=n, its dates, attendance, decision).",
    "start_cp_plans": "Start a plan (started_on=..., category=...) for each child this process concerns.",
    "end_cp_plans": "End the open plans of this episode (ended_on=..., reason=...) and cancel its conferences to come.",
}


def diagram_functions(now) -> dict:
    """What diagram scripts and expressions may call, beside the safe builtins."""
    functions = {name: getattr(calendar, name) for name in calendar.__all__}
    functions.update(now=now, today=lambda: calendar.london_date(now()), notify=notify)
    functions.update({kind: _case_record(kind, doc) for kind, doc in CASE_RECORDS.items()})
    return functions


class _ScriptEngine(PythonScriptEngine):
    """Remembers which task runs a script, hands timers ISO strings they can store, and notes
    when each timer started waiting (the application clock's instant when its date was worked out)."""

    def __init__(self, now, **kwargs):
        super().__init__(**kwargs)
        self._now = now

    def execute(self, task, script, external_context=None):
        token = _current_task.set(task)
        try:
            return super().execute(task, script, external_context)
        finally:
            _current_task.reset(token)

    def evaluate(self, task, expression, external_context=None):
        value = super().evaluate(task, expression, external_context)
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition) and expression == definition.expression:
            task.internal_data.setdefault(_STARTED, self._now().isoformat())
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ScriptFailed(
                    f"{task.task_spec.name}: {expression!r} gave a naive datetime; give a timezone-aware one"
                )
            return value.isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return value


class _StateConverter(BpmnWorkflowConverter):
    """Serializes an instance without its spec: specs are stored once per version."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, bundle):
        workflow = self.target_class(bundle.spec, bundle.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class Engine:
    def __init__(self, now):
        self._script_engine = _ScriptEngine(now, environment=RestrictedEnvironment(diagram_functions(now)))
        config = dict(SPIFF_CONFIG)
        config[BpmnWorkflow] = _StateConverter
        self._serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))

    # --- state -------------------------------------------------------------
    def new(self, bundle, data: dict) -> BpmnWorkflow:
        workflow = BpmnWorkflow(bundle.spec, bundle.subprocess_specs, script_engine=self._script_engine)
        workflow.task_tree.data = dict(data)
        return workflow

    def load(self, bundle, state: str) -> BpmnWorkflow:
        dct = json.loads(state)
        self._serializer.migrate(dct)
        workflow = self._serializer.from_dict(dct, bundle=bundle)
        workflow.script_engine = self._script_engine
        return workflow

    def dump(self, workflow: BpmnWorkflow) -> str:
        registry = self._serializer.registry
        registry._encoder_mode = True
        try:
            dct = self._serializer.to_dict(workflow)
            dct[self._serializer.VERSION_KEY] = self._serializer.VERSION
            return json.dumps(dct, cls=self._serializer._encoder_cls)
        finally:
            registry._encoder_mode = False

    # --- running -----------------------------------------------------------
    @contextmanager
    def running(self):
        """Collect a step's side effects; turn a diagram's failure into ScriptFailed."""
        effects = Effects()
        token = _effects.set(effects)
        try:
            yield effects
        except SpiffWorkflowException as exc:
            raise ScriptFailed(_describe(exc)) from exc
        finally:
            _effects.reset(token)

    def settle_notices(self, workflow, effects: Effects, *, notify: bool = True) -> None:
        """Apply the deadline rules, the same for every diagram, to the notices one step raised.

        A notice raised by a timer's firing belongs to that timer's deadline (its element and
        date). A reminder whose time had passed before its step began is not sent; a missed
        deadline's notice goes once, whenever its step began, and never again in this instance
        for the same element and date (a stage carried on, a step started again): what such a
        repeat would record on the case is not recorded twice either. With `notify=False`
        (history being imported) nothing is sent, and what the step's timers raised counts
        as given.
        """
        root = workflow.task_tree.internal_data
        given = set(root.get(_NOTIFIED, ()))
        effects.notifications = [
            n for n in effects.notifications if notify and not n.stale_reminder and n.deadline not in given
        ]
        effects.records = [r for r in effects.records if r.deadline not in given]
        new = sorted({d for d in (*_deadlines(effects.notifications), *_deadlines(effects.records))} - given)
        if new:
            root[_NOTIFIED] = [*root.get(_NOTIFIED, ()), *new]

    def run(self, workflow):
        workflow.do_engine_steps()

    def complete(self, workflow, task_id: str, data: dict):
        task = workflow.get_task_from_id(UUID(task_id))
        task.set_data(**data)
        task.run()
        workflow.do_engine_steps()

    def cancel(self, workflow):
        workflow.cancel()

    def fire_timers(self, workflow):
        workflow.refresh_timers()
        workflow.do_engine_steps()

    def deliver(self, workflow, message: "ThrownMessage"):
        workflow.send_event(message.event)
        workflow.do_engine_steps()

    def thrown_messages(self, workflow) -> list[ThrownMessage]:
        return [
            ThrownMessage(e.event_definition.name, e.payload, e)
            for e in workflow.get_events()
            if isinstance(e.event_definition, BaseMessageDefinition)
        ]

    @staticmethod
    def message(name: str, payload: dict) -> ThrownMessage:
        """A message from outside any instance (an API event)."""
        return ThrownMessage(name, payload, BpmnEvent(MessageEventDefinition(name), payload=payload))

    # --- what the instance waits for ---------------------------------------
    def snapshot(self, workflow) -> Snapshot:
        timers, messages = {}, {}
        for task in workflow.event_manager.tasks.values():
            if task.state != TaskState.WAITING:
                continue
            definition = task.task_spec.event_definition
            if isinstance(definition, TimerEventDefinition):
                value = definition.details(task).value
                if isinstance(value, str):
                    timers[str(task.id)] = _aware(value)
            elif isinstance(definition, BaseMessageDefinition):
                messages[str(task.id)] = definition.name
        return Snapshot(frozenset(_ready_manual_task_ids(workflow)), timers, messages)

    def user_task(self, workflow, task_id: str) -> UserTaskView:
        task = workflow.get_task_from_id(UUID(task_id))
        spec = task.task_spec
        props = (getattr(spec, "extensions", None) or {}).get("properties", {})
        return UserTaskView(
            task_id=task_id,
            spec_name=spec.name,
            title=spec.bpmn_name or spec.name,
            process_name=workflow.spec.description or workflow.spec.name,
            form_key=props.get("formKey"),
            lane=self._evaluate(task, props.get("candidateRole")) or spec.lane,
            due_at=self._instant(task, props.get("dueAt")),
            assignee=self._evaluate(task, props.get("assignee")),
            data=task.data,
        )

    def timer_spec_name(self, workflow, task_id: str) -> str:
        return workflow.get_task_from_id(UUID(task_id)).task_spec.name

    def task_state(self, workflow, task_id: str) -> str:
        task = workflow.get_task_from_id(UUID(task_id))
        return TaskState.get_name(task.state)

    def is_completed(self, workflow) -> bool:
        return workflow.is_completed()

    def _evaluate(self, task, expression):
        if not expression:
            return None
        return self._script_engine.evaluate(task, expression)

    def _instant(self, task, expression):
        value = self._evaluate(task, expression)
        if value is None:
            return None
        if len(value) == 10:  # a date: the deadline is the end of that day
            return calendar.end_of_day(date.fromisoformat(value))
        return _aware(value)

    # --- moving to new versions (service.diagrams.instance_migration) -------------------------
    def version_diff(self, workflow, bundle) -> moves.VersionDiff:
        """What moving `workflow` onto the specs of `bundle` changes, and what stops it (`moves.version_diff`)."""
        return moves.version_diff(self._serializer.registry, workflow, bundle)

    def migrate_to(self, workflow, bundle) -> list[str]:
        """Move `workflow` onto the specs of `bundle` (`moves.migrate`); the ids of a person's
        tasks that were started again."""
        return moves.migrate(self._serializer.registry, workflow, bundle)


def _ready_manual_task_ids(workflow):
    """READY user tasks of the workflow and its subprocesses: a scan, cheaper than the tree walk."""
    for each in (workflow, *workflow.subprocesses.values()):
        for task in each.tasks.values():
            if task.state == TaskState.READY and task.task_spec.manual:
                yield str(task.id)


def _deadlines(items):
    return (item.deadline for item in items if item.deadline is not None)


def _deadline_of(task) -> tuple[str | None, bool]:
    """The deadline ("element@due") of the timer behind `task`, and whether that timer is a
    reminder that was already due when it started; (None, False) if no timer is behind it."""
    timer = _timer_behind(task)
    if timer is None:
        return None, False
    deadline = f"{timer.task_spec.name}@{timer.internal_data.get('event_value')}"
    return deadline, _is_reminder(timer.task_spec) and _was_due_when_started(timer)


def _timer_behind(task):
    """The timer event whose firing started the steps that led to `task`, or None: a path that
    began with a person's task, a message or anything but scripts and decisions is no timer's."""
    while task is not None:
        spec = task.task_spec
        if isinstance(getattr(spec, "event_definition", None), TimerEventDefinition):
            return task
        if not isinstance(spec, (ScriptTask, ExclusiveGateway)):
            return None
        task = task.parent
    return None


def _is_reminder(spec) -> bool:
    return (getattr(spec, "extensions", None) or {}).get("properties", {}).get(DEADLINE) == REMINDER


def _was_due_when_started(timer) -> bool:
    """Whether the timer's date had passed when it started waiting (so it fired at once)."""
    due, started = timer.internal_data.get("event_value"), timer.internal_data.get(_STARTED)
    if not isinstance(due, str) or started is None:
        return False  # a cycle, or a timer from before starts were noted: treat it as on time
    return TimerEventDefinition.get_datetime(due) <= datetime.fromisoformat(started)


def _aware(value: str) -> datetime:
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise ScriptFailed(f"{value!r} has no UTC offset; diagrams must give timezone-aware instants")
    return instant


def _describe(exc: SpiffWorkflowException) -> str:
    task = getattr(exc, "task", None) or getattr(exc, "task_spec", None)
    where = ""
    if task is not None:
        spec = getattr(task, "task_spec", task)
        where = f"{spec.name}" + (f" ({spec.bpmn_name})" if getattr(spec, "bpmn_name", None) else "") + ": "
    return where + str(exc).split("\n")[0]
