"""Hostile diagrams cannot freeze the service: on the real server as `make run` starts it, each
is refused at upload with a problem on its element while the server goes on answering; and the
same runaway loop, stored without the checks, fails its step when the scheduler reaches it while
the sweep goes on (service.workflow.sandbox bounds, service.diagrams.checks)."""

import html
import re
import threading
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from service.db import db
from service.diagrams import specs
from service.models import AuditEvent, ProcessInstance, Timer, TimerStatus
from service.workflow import instances, timers
from tests.support import council, load
from tests.support.app import START
from tests.support.diagrams import script_process, timer_process

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
HOSTILE = [
    (
        "power_script.bpmn",
        script_process("x = 10**10**10"),
        "first (Work out): Line 1: the number would have about 10,000,000,000 digits",
    ),
    (
        "power_timer.bpmn",
        timer_process("timeDuration", "10**10**10"),
        "wait (Wait): the timer breaks a bound of the script sandbox: the number would have about",
    ),
    ("long_timer.bpmn", timer_process("timeDuration", "10**5000"), "wait (Wait): the timer breaks a bound"),
    ("spins.bpmn", script_process("while True:\n    pass"), "first (Work out): Line 1: this loop never ends"),
    (
        "reads.bpmn",
        script_process("text = open('/etc/passwd').read()"),
        "first (Work out): Line 1: open is not available to diagram code",
    ),
    (
        "formats.bpmn",
        script_process("shown = '{0.__class__}'.format(1)"),
        "first (Work out): Line 1: Using the format*() methods of `str` is not safe",
    ),
]


def _token(page: str) -> str:
    return CSRF.search(page).group(1)


@pytest.mark.server
def test_hostile_uploads_are_listed_problems_while_the_server_answers(app, database_url, tmp_path):
    load.seed(app)
    db.session.remove()
    with load.serve(database_url, tmp_path / "server.log") as base:
        owner = requests.Session()
        signed_in = owner.post(
            f"{base}/sign-in",
            allow_redirects=False,
            data={
                "username": "owner",
                "password": council.PASSWORD,
                "csrf_token": _token(owner.get(f"{base}/sign-in").text),
            },
        )
        assert signed_in.status_code == 302
        for file_name, content, problem in HOSTILE:
            token = _token(owner.get(f"{base}/processes").text)
            meanwhile, uploaded = [], threading.Event()

            def ask_health(meanwhile, uploaded):
                while not uploaded.is_set():
                    meanwhile.append(requests.get(f"{base}/api/v1/health", timeout=5).status_code)

            asking = threading.Thread(target=ask_health, args=(meanwhile, uploaded))
            asking.start()
            started = time.monotonic()
            answer = owner.post(
                f"{base}/processes/upload",
                allow_redirects=False,
                timeout=60,
                data={"comment": "probe", "csrf_token": token},
                files={"file": (file_name, content.encode())},
            )
            took = time.monotonic() - started
            uploaded.set()
            asking.join(10)
            assert answer.status_code == 400, file_name
            assert "The file was not deployed" in answer.text and problem in html.unescape(answer.text), file_name
            assert took < 8, file_name
            assert meanwhile and set(meanwhile) == {200}, file_name
        assert owner.get(f"{base}/processes/spins.bpmn").status_code == 404  # nothing was stored


SPINS_AFTER_TIMER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_spins_when_due">
  <bpmn:process id="spins_when_due" name="A timer whose follow-up script never ends" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait" name="Until due">
      <bpmn:timerEventDefinition id="wait_timer"><bpmn:timeDate>due</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="spin" />
    <bpmn:scriptTask id="spin" name="Spin forever">
      <bpmn:script>while True:
    pass</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="spin" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>"""


def test_a_runaway_loop_reached_at_run_time_fails_its_step_and_the_sweep_goes_on(app):
    specs.store_version("spins_when_due.bpmn", SPINS_AFTER_TIMER, "test")  # stored without the deploy checks
    db.session.commit()
    due = (START + timedelta(days=1)).isoformat()
    spinning = instances.start_instance("spins_when_due", {"due": due}, actor="iro1", child_id="S")
    version = db.session.get(ProcessInstance, spinning.instance_id).version
    started = time.monotonic()
    timers.move_clock(START + timedelta(days=2), actor="test")
    assert time.monotonic() - started < 10  # the sweep returned

    [failed] = db.session.scalars(select(Timer).where(Timer.instance_id == spinning.instance_id)).all()
    assert failed.status == TimerStatus.FAILED
    [audit] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "timer_failed")).all()
    assert "spin (Spin forever)" in audit.details["error"] and "steps" in audit.details["error"]
    assert db.session.get(ProcessInstance, spinning.instance_id).version == version  # its state is untouched
    assert timers.sweep("again") == 0
