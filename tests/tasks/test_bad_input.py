"""Bad input is refused with an error naming the problem, and nothing is written: unknown
or finished tasks, data that is not JSON, broken or hostile diagrams, and diagram code
that fails when it runs."""

import time
from contextlib import contextmanager
from datetime import datetime

import pytest
from sqlalchemy import func, select

from service.db import db
from service.diagrams import specs
from service.errors import InvalidData, NotFound, ScriptFailed, SpecError, TaskAlreadyCompleted
from service.models import AuditEvent, HumanTask, OutboxMessage, ProcessInstance, ProcessVersion, TaskStatus, Timer
from service.workflow import instances
from tests.support.harness import PEOPLE
from tests.support.paths import BAD_BPMN

TABLES = (ProcessInstance, HumanTask, AuditEvent, ProcessVersion, Timer, OutboxMessage)


def row_counts():
    return {table.__tablename__: db.session.scalar(select(func.count()).select_from(table)) for table in TABLES}


@contextmanager
def refused(error, *fragments):
    """The block raises `error`, its message holds every fragment, and no row was written."""
    before = row_counts()
    with pytest.raises(error) as caught:
        yield
    for fragment in fragments:
        assert fragment in str(caught.value)
    assert row_counts() == before


def diagram(step, step_id="step", executable="true"):
    """A one-step process: start -> step -> end."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="Definitions_bad" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="bad_input" isExecutable="{executable}">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{step_id}" />
    {step}
    <bpmn:sequenceFlow id="f2" sourceRef="{step_id}" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


SCRIPT = '<bpmn:scriptTask id="step" name="Work it out"><bpmn:script>{}</bpmn:script></bpmn:scriptTask>'
FINE = diagram(SCRIPT.format("x = 1"))


def start_reminder_escalation():
    return instances.start_instance("reminder_escalation", {"people": PEOPLE}, actor="iro1", child_id="C1")


def store_and_commit(file_name):
    specs.store_version(file_name, (BAD_BPMN / file_name).read_text(), "test")
    db.session.commit()


# --- tasks and data ----------------------------------------------------------


def test_an_unknown_task_is_not_found(app):
    with refused(NotFound, "task 999999 does not exist"):
        instances.complete_task(999999, {}, actor="iro1")


def test_a_task_cannot_be_completed_twice(app):
    [task_id] = start_reminder_escalation().open_task_ids
    instances.complete_task(task_id, {"review_date": "2027-05-01"}, actor="iro1")
    with refused(TaskAlreadyCompleted, f"task {task_id} is already completed"):
        instances.complete_task(task_id, {"review_date": "2027-05-02"}, actor="iro1")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"when": datetime.now()}, "field 'when' is not JSON-serialisable (datetime)"),
        ({"tags": {"urgent", "late"}}, "field 'tags' is not JSON-serialisable (set)"),
        ({"review": {"dates": [object()]}}, "field 'review' is not JSON-serialisable (dict)"),
    ],
    ids=["datetime", "set", "nested"],
)
def test_data_that_is_not_json_is_refused(app, data, message):
    [task_id] = start_reminder_escalation().open_task_ids
    with refused(InvalidData, message):
        instances.complete_task(task_id, data, actor="iro1")
    with refused(InvalidData, message):
        instances.start_instance("reminder_escalation", {"people": PEOPLE, **data}, actor="iro1")
    assert db.session.get(HumanTask, task_id).status == TaskStatus.OPEN


@pytest.mark.postgres
def test_not_a_number_is_refused_as_not_json(app):
    [task_id] = start_reminder_escalation().open_task_ids
    with refused(InvalidData, "field 'score'"):
        instances.complete_task(task_id, {"score": float("nan")}, actor="iro1")


def test_starting_an_unknown_process_is_refused(app):
    with refused(SpecError, "no process called 'no_such_process' has been loaded"):
        instances.start_instance("no_such_process", {"people": PEOPLE}, actor="iro1")


# --- diagram files -----------------------------------------------------------


def test_a_file_that_does_not_parse_is_refused(app):
    with refused(SpecError, "broken.bpmn", "malformed at line 1"):
        specs.store_version("broken.bpmn", "<bpmn:definitions", "test")


def test_a_file_without_an_executable_process_is_refused(app):
    with refused(SpecError, "draft.bpmn", "no executable process"):
        specs.store_version("draft.bpmn", diagram(SCRIPT.format("x = 1"), executable="false"), "test")


def test_a_file_with_the_wrong_extension_is_refused(app):
    with refused(SpecError, "process.xml", "only .bpmn and .dmn files can be loaded"):
        specs.store_version("process.xml", FINE, "test")


def with_dtd(dtd, step_name):
    """FINE with a document type declaration, its step named by an entity."""
    body = FINE.split("\n", 1)[1].replace('name="Work it out"', f'name="{step_name}"')
    return f'<?xml version="1.0"?>\n<!DOCTYPE definitions [{dtd}]>\n{body}'


LAUGHS = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
HOSTILE = {
    "xxe": with_dtd('<!ENTITY xxe SYSTEM "file:///etc/passwd">', "&xxe;"),
    "billion-laughs": with_dtd(LAUGHS, "&lol9;"),  # 10**9 "lol"s if expanded
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_xml_is_refused_quickly(app, kind):
    began = time.perf_counter()
    with refused(SpecError, "hostile.bpmn", "DOCTYPE"):
        specs.store_version("hostile.bpmn", HOSTILE[kind], "test")
    assert time.perf_counter() - began < 1.0


def test_a_file_over_the_size_limit_is_refused_naming_the_sizes(app):
    content = FINE + "<!--" + "x" * 2_000_000 + "-->"
    with refused(SpecError, "big.bpmn", f"{len(content.encode())} bytes", "the limit is 2000000"):
        specs.store_version("big.bpmn", content, "test")


@pytest.mark.parametrize(
    "step, fragments",
    [
        (SCRIPT.format("import os"), ["step (Work it out)", "import"]),
        (SCRIPT.format("x = ().__class__.__base__.__subclasses__()"), ["step (Work it out)", "__class__"]),
        (
            '<bpmn:intermediateCatchEvent id="step" name="Wait a while"><bpmn:timerEventDefinition>'
            "<bpmn:timeDuration>now().__class__</bpmn:timeDuration></bpmn:timerEventDefinition>"
            "</bpmn:intermediateCatchEvent>",
            ["step (Wait a while)", "__class__"],
        ),
    ],
    ids=["import", "subclasses", "timer-dunder"],
)
def test_code_that_could_escape_the_sandbox_is_refused_naming_the_element(app, step, fragments):
    with refused(SpecError, "escape.bpmn", *fragments):
        specs.store_version("escape.bpmn", diagram(step), "test")


def test_a_refused_timer_names_its_event_as_the_modeler_writes_it(app):
    step = (
        '<bpmn:intermediateCatchEvent id="step" name="Wait a while">'
        '<bpmn:timerEventDefinition id="TimerEventDefinition_0x1y2z">'
        "<bpmn:timeDuration>now().__class__</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>"
    )
    with refused(SpecError, "step (Wait a while)"):
        specs.store_version("escape.bpmn", diagram(step), "test")


# --- diagram code failing at run time -----------------------------------------


def test_a_script_reaching_outside_the_sandbox_fails_the_start_and_writes_nothing(app):
    store_and_commit("reads_a_file.bpmn")
    with refused(ScriptFailed, "read_passwd (Read the password file)", "open"):
        instances.start_instance("reads_a_file", {"people": PEOPLE}, actor="iro1", child_id="C1")


def test_a_failing_script_after_a_task_leaves_the_task_open_and_the_instance_as_it_was(app):
    store_and_commit("fails_after_task.bpmn")
    started = instances.start_instance("fails_after_task", {"people": PEOPLE}, actor="iro1", child_id="C1")
    [task_id] = started.open_task_ids
    instance = db.session.get(ProcessInstance, started.instance_id)
    version, state = instance.version, instance.state
    with refused(ScriptFailed, "add_one (Add one)", "undefined_name"):
        instances.complete_task(task_id, {"note": "done"}, actor="iro1")
    db.session.expire_all()
    assert db.session.get(HumanTask, task_id).status == TaskStatus.OPEN
    assert (instance.version, instance.state) == (version, state)
