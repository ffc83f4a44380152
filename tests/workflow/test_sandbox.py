import time
from datetime import date

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from service.workflow import sandbox
from service.workflow.sandbox import BoundExceeded, RestrictedEnvironment, ScriptRefused, check_source

ESCAPES = [
    "import os",
    "from os import path",
    "().__class__.__base__.__subclasses__()",
    "x.__dict__",
    "_secret",
]


@pytest.fixture
def env():
    return RestrictedEnvironment(functions={"add_working_days": lambda d, n: d + n})


def test_expression_reads_task_data(env):
    assert env.evaluate("x + 1", {"x": 1}) == 2


def test_script_assignments_stay_in_task_data_and_helpers_do_not(env):
    context = {"x": 3}
    assert env.execute("y = x * 2\nprint(y)", context) is True
    assert context == {"x": 3, "y": 6}


def test_injected_function_is_callable(env):
    context = {"d": 10}
    env.execute("due = add_working_days(d, 5)", context)
    assert context == {"d": 10, "due": 15}


def test_task_data_shadowing_a_function_is_refused(env):
    with pytest.raises(ValueError, match="add_working_days"):
        env.execute("y = 1", {"add_working_days": 1})


def test_common_script_features_work(env):
    context = {"d": {"k": "v"}, "items": [3, 1, 2], "total": 0, "names": ["a"]}
    env.execute(
        "label = f'{d[\"k\"]}-%s' % len(items)\n"
        "squares = [i * i for i in sorted(items) if i > 1]\n"
        "for i, n in enumerate(items):\n"
        "    total += n\n"
        "names += ['b']\n"
        "d['new'] = max(items)\n"
        "when = (datetime(2024, 1, 1) + timedelta(days=1)).strftime('%Y-%m-%d')\n"
        "parsed = datetime.strptime(when, '%Y-%m-%d').date()\n",
        context,
    )
    assert context["label"] == "v-3"
    assert context["squares"] == [4, 9]
    assert context["total"] == 6
    assert context["names"] == ["a", "b"]
    assert context["d"] == {"k": "v", "new": 3}
    assert context["when"] == "2024-01-02"
    assert context["parsed"] == date(2024, 1, 2)


@pytest.mark.parametrize("source", ESCAPES)
def test_check_source_refuses_escapes(source):
    errors = check_source(source, "exec")
    assert errors and all(isinstance(e, str) for e in errors)


def test_check_source_accepts_plain_code_and_reports_syntax_errors():
    assert check_source("x > 1 and y == 'a'", "eval") == []
    assert check_source("y = x + 1", "exec") == []
    assert "SyntaxError" in check_source("x +", "eval")[0]
    assert "SyntaxError" in check_source("return 1", "exec")[0]


@pytest.mark.parametrize("source", ESCAPES)
def test_execute_refuses_escapes(env, source):
    with pytest.raises(ScriptRefused):
        env.execute(source, {"x": 1})


def test_evaluate_refuses_escapes(env):
    with pytest.raises(ScriptRefused):
        env.evaluate("().__class__.__base__.__subclasses__()", {})


@pytest.mark.parametrize(
    "source, error",
    [
        ("open('/etc/passwd')", ScriptRefused),
        ("__import__('os')", ScriptRefused),
        ("getattr(x, '__class__')", ScriptRefused),
        ("type(x)", ScriptRefused),
        ("eval('1')", ScriptRefused),
        ("'{0.__class__}'.format(x)", NotImplementedError),
    ],
)
def test_dangerous_calls_fail(env, source, error):
    with pytest.raises(error):
        env.evaluate(source, {"x": 1})


PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs"
                  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="proc_id" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="script" scriptFormat="python">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script"/>
    <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _workflow(script):
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(PROCESS.format(script=script).encode())
    engine = PythonScriptEngine(environment=RestrictedEnvironment())
    wf = BpmnWorkflow(parser.get_spec("proc_id"), script_engine=engine)
    wf.task_tree.data = {"x": 1}
    return wf


def test_bpmn_script_task_runs_in_sandbox():
    wf = _workflow("y = x + 1")
    wf.do_engine_steps()
    assert wf.is_completed()
    assert wf.data["y"] == 2


def test_bpmn_script_task_with_import_fails_without_running():
    wf = _workflow("ran = True\nimport os")
    with pytest.raises(WorkflowTaskException, match="import"):
        wf.do_engine_steps()
    task = wf.get_next_task(spec_name="script")
    assert task.state == TaskState.ERROR
    assert "ran" not in task.data and "os" not in task.data


# --- bounds: one bad script or expression cannot freeze the process that runs it -----------------

BOMBS = [
    "10**10**10",
    "pow(10, 10**10)",
    "1 << 10**10",
    "'a' * 10**10",
    "[0] * 10**10",
    "10**10 * (0,)",
    "str([[0] * 10**6] * 10**6)",
    "list(range(10**10))",
    "'a'.ljust(10**10)",
    "'a'.center(10**10)",
    "str.zfill('1', 10**10)",
    "f'{1:>{10**10}}'",
    "'%10000000000d' % 1",
    "'%*d' % (10**10, 1)",
    "'-'.join(['a'] * 10**6)",
    "('a' * 10**6).replace('a', 'aa')",
    "[i for i in range(10**6) for j in range(10**6)]",
    "sum(i for i in range(10**6) for j in range(10**6))",
]


@pytest.mark.parametrize("source", BOMBS)
def test_an_expression_past_a_bound_stops_at_once_naming_it(env, source):
    started = time.monotonic()
    with pytest.raises(BoundExceeded, match=r"at most [\d,]+|more than [\d,]+ steps"):
        env.evaluate(source, {})
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "script",
    [
        "while True:\n    pass",
        "n = 2\nwhile n:\n    n = n * n",
        "s = 'ab'\nfor i in range(64):\n    s += s",
        "held = []\nwhile len(held) < 10**6:\n    held.append('x' * 10**6)",
        "grown = [0] * 10**6\nfor i in range(64):\n    grown.extend(grown)",
        "def grow(n):\n    return grow(n - 1) + grow(n - 1) if n else 1\ntotal = grow(60)",
        "boom = lambda n: boom(n - 1) + boom(n - 1) if n else 1\ntotal = boom(60)",
    ],
)
def test_a_script_that_would_run_away_stops(env, script):
    started = time.monotonic()
    with pytest.raises(BoundExceeded):
        env.execute(script, {"x": 1})
    assert time.monotonic() - started < sandbox.TIME_BUDGET_S + 1


def test_slow_steps_stop_on_the_time_budget(env):
    with pytest.raises(BoundExceeded, match=f"ran for more than {sandbox.TIME_BUDGET_S:g}s"):
        env.execute("while True:\n    ordered = sorted(data)", {"data": [(i * 7919) % 1000003 for i in range(10**6)]})


def test_values_up_to_the_bounds_are_made(env):
    assert len(str(env.evaluate("10**3999", {}))) == 4000
    assert len(env.evaluate("'a' * 10**6", {})) == 10**6
    assert env.evaluate("len(list(range(10**6)))", {}) == 10**6
    assert env.evaluate("f'{7:>5}' + '%3d' % 1 + 'x'.ljust(3, '.')", {}) == "    7  1x.."
    context = {}
    env.execute("total = 0\nfor i in range(10000):\n    total += i\nsquares = [i * i for i in range(3)]", context)
    assert (context["total"], context["squares"]) == (49995000, [0, 1, 4])


def test_a_runaway_script_task_fails_its_step_on_its_element():
    wf = _workflow("while True:\n    pass")
    started = time.monotonic()
    with pytest.raises(WorkflowTaskException, match="steps") as caught:
        wf.do_engine_steps()
    assert time.monotonic() - started < sandbox.TIME_BUDGET_S + 1
    assert caught.value.task.task_spec.name == "script"
    assert wf.get_next_task(spec_name="script").state == TaskState.ERROR
