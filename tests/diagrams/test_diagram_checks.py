"""The checks that guard every deploy and upload of a diagram (service.diagrams.checks).

Bad diagrams are the shipped ones with one thing broken (string replacement), small
processes built here, or files in tests/bpmn_bad/ (unsafe XML, unreachable elements,
a diagram SpiffWorkflow refuses)."""

import shutil
import time
from xml.sax.saxutils import escape

import pytest

from service import create_app, load_shipped_specs
from service.db import db
from service.diagrams import checks as diagram_checks
from service.diagrams import specs
from service.diagrams.checks import Problem, check
from service.workflow import sandbox
from tests.support.app import config
from tests.support.diagrams import script_process, shipped_variant, small_process, timer_process
from tests.support.paths import SHIPPED_BPMN, UNSAFE_BPMN


@pytest.fixture(scope="module")
def shipped_app(sqlite_template, tmp_path_factory):
    """One app with the shipped diagrams stored, for the whole module: checking only reads."""
    path = tmp_path_factory.mktemp("diagram_checks") / "iro.sqlite"
    shutil.copy(sqlite_template, path)
    app = create_app(config(f"sqlite:///{path}"))
    load_shipped_specs(app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def stored(shipped_app):
    with shipped_app.app_context():
        yield
        db.session.remove()


def _only(problems) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


# --- what passes ---------------------------------------------------------------------------


def test_every_shipped_diagram_passes(stored):
    files = sorted(SHIPPED_BPMN.glob("*.bpmn")) + sorted(SHIPPED_BPMN.glob("*.dmn"))
    assert {p.name for p in files} >= {"management_alert.bpmn", "rag_history.dmn"}
    assert {p.name: check(p.name, p.read_bytes()) for p in files} == {p.name: [] for p in files}


def test_a_new_decision_table_passes_and_one_without_a_decision_does_not(stored):
    table = (SHIPPED_BPMN / "rag_history.dmn").read_text()
    assert check("other_rules.dmn", table.replace('id="rag_history_rules"', 'id="other_rules"')) == []
    empty = table[: table.index("<decision ")] + "</definitions>"
    problem = _only(check("no_rules.dmn", empty))
    assert problem.element_id is None and "no decision" in problem.message


# --- 1. safe XML, file name -------------------------------------------------------------------


def test_external_entity_is_refused_without_reading_it():
    problem = _only(check("external_entity.bpmn", (UNSAFE_BPMN / "external_entity.bpmn").read_bytes()))
    assert problem.element_id is None
    assert "DOCTYPE or ENTITY declaration is not accepted" in problem.message
    assert "root:" not in problem.message  # /etc/passwd was not read into the message


def test_billion_laughs_is_refused_quickly_without_expanding():
    start = time.monotonic()
    problem = _only(check("billion_laughs.bpmn", (UNSAFE_BPMN / "billion_laughs.bpmn").read_bytes()))
    assert time.monotonic() - start < 0.5
    assert "DOCTYPE or ENTITY declaration is not accepted" in problem.message and "lol" not in problem.message


def test_file_over_the_size_limit_is_refused_naming_size_and_limit():
    content = small_process('<bpmn:endEvent id="first" />').replace(
        "<bpmn:process ", "<!--" + "x" * specs.MAX_FILE_BYTES + "-->\n<bpmn:process "
    )
    problem = _only(check("huge.bpmn", content))
    assert problem.element_id is None
    assert f"is {len(content.encode())} bytes; the limit is {specs.MAX_FILE_BYTES}" in problem.message


def test_malformed_xml_names_the_line():
    problem = _only(check("malformed.bpmn", (UNSAFE_BPMN / "malformed.bpmn").read_text()))
    assert problem.element_id is None and "malformed at line 5" in problem.message


def test_only_bpmn_and_dmn_files(stored):
    problem = _only(check("notes.txt", small_process('<bpmn:endEvent id="first" />')))
    assert problem.element_id is None and "only .bpmn and .dmn" in problem.message


# --- 2. SpiffWorkflow parses it ---------------------------------------------------------------


def test_spiffworkflow_parse_error_names_its_element(stored):
    problem = _only(check("two_start_events.bpmn", (UNSAFE_BPMN / "two_start_events.bpmn").read_text()))
    assert problem.element_id == "inner"
    assert problem.message.startswith("inner (Two ways in): Exactly one start event is required")


def test_a_diagram_needs_an_executable_process(stored):
    content = small_process('<bpmn:endEvent id="first" />').replace('isExecutable="true"', 'isExecutable="false"')
    problem = _only(check("idle.bpmn", content))
    assert problem.element_id is None and "no executable process" in problem.message


# --- 3. forms ---------------------------------------------------------------------------------


def test_unknown_form_key_names_the_task_and_close_forms(stored):
    content = shipped_variant(
        "significant_change.bpmn", ('value="consider_significant_change"', 'value="consider_significant_chnage"')
    )
    problem = _only(check("significant_change.bpmn", content))
    assert problem.element_id == "consider_change"
    assert problem.message.startswith(
        'consider_change (Consider the significant change): form key "consider_significant_chnage" does not exist; '
        'known forms include "consider_significant_change"'
    )


def test_user_task_without_a_form_key(stored):
    content = shipped_variant(
        "significant_change.bpmn", ('<spiffworkflow:property name="formKey" value="change_care_plan" />', "")
    )
    problem = _only(check("significant_change.bpmn", content))
    assert problem.element_id == "change_care_plan" and "has no formKey" in problem.message


# --- 4. lanes and roles -----------------------------------------------------------------------


def test_lane_naming_no_role(stored):
    content = shipped_variant("significant_change.bpmn", ('name="Social Worker"', 'name="Social Workers"'))
    problem = _only(check("significant_change.bpmn", content))
    assert problem.element_id == "Lane_sw"
    assert problem.message.startswith('Lane_sw (Social Workers): "Social Workers" is not a role')


def test_stage_manager_lane_passes_only_while_its_tasks_give_their_role(stored):
    content = (SHIPPED_BPMN / "management_alert.bpmn").read_text()
    assert 'name="Stage manager"' in content and check("management_alert.bpmn", content) == []
    without_role = content.replace(
        '<spiffworkflow:property name="formKey" value="alert_response" />\n'
        '            <spiffworkflow:property name="candidateRole" value="stage_role" />',
        '<spiffworkflow:property name="formKey" value="alert_response" />',
    )
    assert without_role != content
    problem = _only(check("management_alert.bpmn", without_role))
    assert problem.element_id == "Lane_response_manager"
    assert '"Stage manager" is not a role' in problem.message and "candidateRole" in problem.message


def test_quoted_candidate_role_must_be_a_role(stored):
    made_up = shipped_variant(
        "management_alert.bpmn",
        ('name="candidateRole" value="stage_role"', 'name="candidateRole" value="\'Stage Boss\'"'),
    )
    problem = _only(check("management_alert.bpmn", made_up))
    assert problem.element_id == "respond"
    assert 'candidateRole "Stage Boss" is not a role' in problem.message
    real = shipped_variant(
        "management_alert.bpmn",
        ('name="candidateRole" value="stage_role"', 'name="candidateRole" value="\'Team Manager\'"'),
    )
    assert check("management_alert.bpmn", real) == []


# --- 5. code in the sandbox -------------------------------------------------------------------


def test_script_with_import_is_refused(stored):
    content = shipped_variant(
        "significant_change.bpmn",
        ("<bpmn:script>consider_within_wd = 2", "<bpmn:script>import os\nconsider_within_wd = 2"),
    )
    problem = _only(check("significant_change.bpmn", content))
    assert problem.element_id == "set_deadlines"
    assert problem.message.startswith("set_deadlines (Work out the deadlines): ") and "import" in problem.message


@pytest.mark.parametrize(
    "old, new, element_id",
    [
        (
            "<bpmn:script>consider_within_wd = 2",
            "<bpmn:script>classes = ().__class__.__base__.__subclasses__()\nconsider_within_wd = 2",
            "set_deadlines",
        ),
        ('decision == "convene_early_review"', 'decision == "convene_early_review" or ().__class__', "f8"),
        ('value="due_at"', "value=\"__import__('os').system('id')\"", "consider_change"),
    ],
)
def test_dunder_escapes_are_refused_on_their_element(stored, old, new, element_id):
    problem = _only(check("significant_change.bpmn", shipped_variant("significant_change.bpmn", (old, new))))
    assert problem.element_id == element_id
    assert 'starts with "_"' in problem.message or "invalid variable name" in problem.message


def test_code_too_deeply_nested_to_compile_is_a_problem_not_a_crash(stored):
    content = shipped_variant(
        "significant_change.bpmn",
        ('decision == "convene_early_review"', "-" * 100_000 + "1"),
        ("<bpmn:timeDate>due_at</bpmn:timeDate>", f"<bpmn:timeDate>{'-' * 100_000}1</bpmn:timeDate>"),
    )
    assert [(p.element_id, p.message) for p in check("significant_change.bpmn", content)] == [
        ("f8", "f8 (Yes): the code is nested too deeply to compile"),
        ("overdue", "overdue (Overdue): the code is nested too deeply to compile"),
    ]


@pytest.mark.parametrize(
    "code",
    [
        "text = open('/etc/passwd').read()",
        "shown = '{0.__class__}'.format(1)",
        "shown = '{a}'.format_map({'a': 1})",
        "kind = type(1)",
        "found = getattr(1, 'real')",
        "names = vars()",
        "names = globals()",
        "ordered = reversed([1, 2])",
    ],
)
def test_what_the_sandbox_refuses_at_run_time_is_refused_at_deploy_in_its_words(stored, code):
    with pytest.raises(Exception) as at_run_time:
        sandbox.RestrictedEnvironment().execute(code, {})
    problem = _only(check("refused.bpmn", script_process(code)))
    assert problem.element_id == "first"
    assert problem.message == f"first (Work out): Line 1: {at_run_time.value}"


def test_a_name_the_script_defines_itself_is_not_refused(stored):
    assert check("own.bpmn", script_process("type = 'visit'\nkind = type\ndef show(format):\n    return format")) == []


def test_a_loop_that_never_ends_is_refused_but_one_that_breaks_out_is_not(stored):
    problem = _only(check("spins.bpmn", script_process("n = 0\nwhile True:\n    n += 1")))
    assert problem.element_id == "first"
    assert problem.message == (
        "first (Work out): Line 2: this loop never ends: its condition is always true and "
        "nothing in it breaks out (break or return)"
    )
    assert check("stops.bpmn", script_process("n = 0\nwhile True:\n    n += 1\n    if n > 3:\n        break")) == []


@pytest.mark.parametrize(
    "code, bound",
    [
        ("x = 10**10**10", "about 10,000,000,000 digits; diagram code may make numbers of at most 4,000 digits"),
        ("padding = 'a' * 10**10", "10,000,000,000 items or characters; diagram code may make at most 1,000,000"),
        ("zeros = list(range(10**10))", "10,000,000,000 items or characters"),
        ("wide = 'x'.ljust(10**9)", "1,000,000,000 items or characters"),
    ],
)
def test_a_constant_part_past_a_bound_is_a_problem_on_its_element(stored, code, bound):
    started = time.monotonic()
    problem = _only(check("bomb.bpmn", script_process(code)))
    assert time.monotonic() - started < 5
    assert problem.element_id == "first" and problem.message.startswith("first (Work out): Line 1: the ")
    assert bound in problem.message


# --- 6. timers --------------------------------------------------------------------------------


def test_unquoted_timer_asks_for_quotes(stored):
    content = shipped_variant(
        "significant_change.bpmn",
        ("<bpmn:timeDate>reminder_at</bpmn:timeDate>", "<bpmn:timeDate>2027-05-01T09:00:00+01:00</bpmn:timeDate>"),
    )
    problem = _only(check("significant_change.bpmn", content))
    assert problem.element_id == "reminder"
    assert problem.message == (
        "reminder (Reminder): the timer 2027-05-01T09:00:00+01:00 is written without quotes, "
        'so it is read as code; put it in quotes: "2027-05-01T09:00:00+01:00"'
    )


@pytest.mark.parametrize("expression", ['"2027-05-01T09:00:00"', "datetime(2027, 5, 1)", "reported_on"])
def test_naive_timer_must_be_timezone_aware(stored, expression):
    content = shipped_variant(
        "significant_change.bpmn",
        ("<bpmn:timeDate>due_at</bpmn:timeDate>", f"<bpmn:timeDate>{expression}</bpmn:timeDate>"),
    )
    problem = _only(check("significant_change.bpmn", content))
    assert problem.element_id == "overdue"
    assert "has no UTC offset" in problem.message and "timezone-aware" in problem.message


def test_timer_reads_named_values_and_samples_by_name_ending(stored):
    reads = "deadline_after_working_days(received_on, allowed_wd + extra_wd)"
    assert check("small.bpmn", timer_process("timeDate", reads, "allowed_wd = 5")) == []
    problem = _only(check("small.bpmn", timer_process("timeDate", "deadline_after_working_days(received, 2)")))
    assert problem.element_id == "wait"
    assert "reads received, which the check cannot give a sample value" in problem.message
    assert "_at, _on, _by, _date, _due, _wd, _days, _weeks, _months" in problem.message
    wrong_type = _only(
        check(
            "small.bpmn", timer_process("timeDate", "add_working_days(received_on, allowed_wd)", 'allowed_wd = "five"')
        )
    )
    assert wrong_type.element_id == "wait" and "fails with sample values: TypeError" in wrong_type.message


@pytest.mark.parametrize(
    "expression, bound",
    [
        ("10**10**10", "about 10,000,000,000 digits"),
        ("10**5000", "about 5,000 digits"),
        ("'P' + 'T' * 10**10 + '1H'", "10,000,000,000 items or characters"),
    ],
)
def test_a_timer_past_a_bound_is_a_problem_on_its_event(stored, expression, bound):
    started = time.monotonic()
    problem = _only(check("bomb.bpmn", timer_process("timeDuration", escape(expression))))
    assert time.monotonic() - started < 5
    assert problem.element_id == "wait"
    assert problem.message.startswith("wait (Wait): the timer breaks a bound of the script sandbox: ")
    assert bound in problem.message


def test_a_timer_too_costly_to_check_is_stopped_and_named(stored, monkeypatch):
    """Each timer here takes about half a second, within the sandbox's bounds (two hundred calendar
    calls of ten years each); ten of them outlast the check's clock, and the child is killed."""
    monkeypatch.setattr(diagram_checks, "CHECK_SECONDS", 2)
    slow = "<bpmn:timeDate>[add_working_days(now(), 2600) for n in range(200)][-1]</bpmn:timeDate>"
    timers = "".join(
        f"""
    <bpmn:boundaryEvent id="slow{n}" name="Slow {n}" attachedToRef="first">
      <bpmn:timerEventDefinition id="slow{n}_timer">{slow}</bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>"""
        for n in range(10)
    )
    content = small_process(f"""<bpmn:userTask id="first" name="Review">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formKey" value="alert_response" />
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:userTask>{timers}
    <bpmn:sequenceFlow id="s2" sourceRef="first" targetRef="end" />
    <bpmn:endEvent id="end" />""")
    started = time.monotonic()
    problems = check("slow.bpmn", content)
    assert time.monotonic() - started < 4
    [stopped] = [p for p in problems if "too costly" in p.message]
    assert stopped.element_id in {f"slow{n}" for n in range(10)}
    assert stopped.message == (
        f"{stopped.element_id} (Slow {stopped.element_id[4:]}): checking its code did not "
        "finish within 2 seconds: it is too costly to evaluate"
    )


@pytest.mark.parametrize(
    "kind, good, bad",
    [
        ("timeDuration", '"P3D"', "timedelta(days=3)"),
        ("timeDuration", '"PT" + str(hours) + "H"', '"3 days"'),
        ("timeCycle", '"R3/PT1H"', '"every hour"'),
        ("timeCycle", '"R2/2027-05-01T09:00:00+01:00/P1D"', '"R2/2027-05-01T09:00:00/P1D"'),
    ],
)
def test_durations_and_cycles(stored, kind, good, bad):
    assert check("small.bpmn", timer_process(kind, good, "hours = 4")) == []
    problem = _only(check("small.bpmn", timer_process(kind, bad, "hours = 4")))
    assert problem.element_id == "wait" and problem.message.startswith("wait (Wait): the timer gives ")


def test_a_deadline_property_is_a_reminder_or_overdue_on_a_boundary_timer(stored):
    marked = '<spiffworkflow:property name="deadline" value="reminder" />'
    misspelt = _only(
        check("looked_after.bpmn", shipped_variant("looked_after.bpmn", (marked, marked.replace("reminder", "remind"))))
    )
    assert misspelt.element_id == "allocation_reminder"
    assert misspelt.message.endswith('deadline "remind" is neither reminder nor overdue')
    on_a_task = shipped_variant(
        "looked_after.bpmn",
        ('<spiffworkflow:property name="formKey"', f'{marked}<spiffworkflow:property name="formKey"'),
    )
    problem = _only(check("looked_after.bpmn", on_a_task))
    assert problem.element_id == "allocate" and "only a timer on the boundary of a task" in problem.message


# --- 7. called processes and decisions --------------------------------------------------------


def test_call_to_a_missing_process(stored):
    content = shipped_variant(
        "review_cycle.bpmn", ('calledElement="rag_notification"', 'calledElement="rag_notificatoin"')
    )
    problem = _only(check("review_cycle.bpmn", content))
    assert problem.element_id == "rag_notification"
    assert 'RAG notification): calls process "rag_notificatoin"' in problem.message


def test_call_to_a_missing_decision(stored):
    content = shipped_variant("rag_notification.bpmn", (">rag_history_rules<", ">rag_history<"))
    problem = _only(check("rag_notification.bpmn", content))  # once, though SpiffWorkflow refuses it too
    assert problem.element_id == "history_rules"
    assert problem.message.startswith(
        'history_rules (Apply the history rules): calls decision "rag_history", '
        'which no loaded decision table defines (loaded decisions: "rag_history_rules")'
    )


# --- 8. reachability, and every problem at once ---------------------------------------------------


def test_unreachable_elements_but_not_those_reached_by_boundary_link_or_event(stored):
    problems = check("unreachable.bpmn", (UNSAFE_BPMN / "unreachable.bpmn").read_text())
    assert [p.element_id for p in problems] == ["forgotten_task", "forgotten_end"]
    assert problems[0].message == (
        "forgotten_task (Forgotten task): cannot be reached: no sequence flow leads to it from a start event"
    )


def test_every_problem_is_reported_not_only_the_first(stored):
    content = shipped_variant(
        "significant_change.bpmn",
        ('value="consider_significant_change"', 'value="nope"'),
        ('name="Social Worker"', 'name="Social Workers"'),
        ('<bpmn:sequenceFlow id="f2e" sourceRef="change_care_plan" targetRef="tell_iro_care_plan_changed" />', ""),
        ("<bpmn:timeDate>due_at</bpmn:timeDate>", "<bpmn:timeDate>P3D</bpmn:timeDate>"),
    )
    assert [p.element_id for p in check("significant_change.bpmn", content)] == [
        "consider_change",
        "Lane_sw",
        "overdue",
        "tell_iro_care_plan_changed",
        "care_plan_changed",
    ]
