"""bpmnlint with the project's configuration (.bpmnlintrc, through frontend/lint.mjs as the editor
applies it): the shipped diagrams show no error, and the mistakes the kept rules are there for
(an element nothing leads to, a start event that leads nowhere) are still reported."""

import json
import shutil
import subprocess

import pytest

from tests.support.paths import ROOT, SHIPPED_BPMN, UNSAFE_BPMN

pytestmark = pytest.mark.server  # runs node

if not (ROOT / "node_modules" / "bpmnlint").exists() or shutil.which("node") is None:
    pytest.skip("Node.js and bpmnlint (npm) are needed: `make test` installs them", allow_module_level=True)

STRANDED_START = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="stranded" isExecutable="true">
    <bpmn:startEvent id="begin" name="Begin" />
    <bpmn:userTask id="work" name="Do the work" />
    <bpmn:sequenceFlow id="f1" sourceRef="work" targetRef="done" />
    <bpmn:endEvent id="done" name="Done" />
  </bpmn:process>
</bpmn:definitions>
"""


def lint(*paths):
    """(exit code, [(category, element id, rule)]) of frontend/lint.mjs on `paths`."""
    run = subprocess.run(
        ["node", "frontend/lint.mjs", *map(str, paths)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert not run.stderr, run.stderr
    problems = []
    for line in run.stdout.splitlines()[:-1]:
        category, element_id, rule = line.split(": ", 2)[1].split(" ")
        problems.append((category, element_id, rule))
    return run.returncode, problems


def test_the_shipped_diagrams_show_no_error():
    shipped = sorted(SHIPPED_BPMN.glob("*.bpmn"))
    code, problems = lint(*shipped)
    assert [p for p in problems if p[0] == "error"] == []
    assert code == 0


def test_an_element_nothing_leads_to_is_an_error():
    code, problems = lint(UNSAFE_BPMN / "unreachable.bpmn")
    assert code == 1
    assert ("error", "forgotten_task", "no-implicit-start") in problems


def test_a_start_event_that_leads_nowhere_is_an_error_though_its_flows_name_only_their_ends(tmp_path):
    diagram = tmp_path / "stranded.bpmn"
    diagram.write_text(STRANDED_START)
    code, problems = lint(diagram)
    assert code == 1
    assert ("error", "begin", "no-disconnected") in problems
    assert ("error", "work", "no-implicit-start") in problems
    assert not any(element_id == "done" for _, element_id, _ in problems)  # its flow in counts


def test_every_rule_turned_off_or_down_says_why():
    config = json.loads((ROOT / ".bpmnlintrc").read_text())
    assert config["extends"] == "bpmnlint:recommended"
    assert set(config["rules"]) <= set(config["//"]) and config["rules"]
