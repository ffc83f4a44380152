"""A bounded load against the real server as `make run` starts it (tests/workflow/test_under_load.py,
bench/bench_concurrent.py).

`serve` runs `python run.py` in demo mode (scheduler in process, 0.25 s ticks) on a seeded
database, with SMTP pointed at a closed port so every e-mail fails and the outbox keeps
retrying. `run` then drives it from threads, each with its own HTTP session: people sign in
(CSRF), open their worklists, child pages and notifications, mark them read, complete their
tasks through the task form and sign out; a case-management system reports significant
changes and completes tasks through the API; and the application clock moves a day at a
time, so the scheduler fires reminders and overdue notices meanwhile. Every answer is
recorded: a 5xx is what the load is looking for.
"""

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import requests

from service import load_shipped_specs
from service.casework import children as cases
from service.people import tokens
from service.workflow import clock
from service.workflow import working_days as calendar

from . import council
from .app import START
from .paths import ROOT

PEOPLE = ("iro1", "iro2", "tm.ne", "rqam")  # the IROs complete their tasks; everyone reads
SYSTEM = "case-system"
ANSWER = {"decision": "no_early_review", "reason": "Placement stable again; the next review keeps its date."}
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@dataclass
class Result:
    seconds: float = 0.0
    answers: Counter = field(default_factory=Counter)  # (kind of request, status) -> how many
    server_errors: list = field(default_factory=list)  # (method, path, status) of every 5xx
    failures: list = field(default_factory=list)  # a client's own failure (no answer, no form)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind, method, path, status):
        with self.lock:
            self.answers[kind, status] += 1
            if status >= 500:
                self.server_errors.append((method, path, status))

    @property
    def requests(self) -> int:
        return sum(self.answers.values())

    def count(self, kind, status) -> int:
        return self.answers[kind, status]


def seed(app) -> tuple[str, list[int]]:
    """The test council on the clock's START, and an API token; returns the token and the children
    the load works on. One more child, looked after from START and left for the Review and QA
    Manager to allocate (nobody in the load does), has timers that fall due as the clock moves:
    the allocation reminder after 3 working days, the overdue notice after 5."""
    load_shipped_specs(app)
    with app.app_context():
        clock.start_at(START, "test")
        town = council.build()
        waiting = cases.create_child(
            {
                "case_number": "4120399A",
                "name": "Ola Waits",
                "dob": "2013-05-06",
                "gender": "F",
                "team": "NE",
                "social_worker": "sw.north",
            },
            actor="test",
        )
        cases.record_event(
            waiting.id,
            {
                "type": "became_looked_after",
                "date": START.date().isoformat(),
                "legal_status": "C2",
                "placement_type": "foster",
                "placement_regulated": True,
            },
            actor="test",
        )
        return tokens.create(SYSTEM), [town.north_child, town.south_child]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(database_url: str, log_path: Path):
    """`python run.py` as `make run` starts it, on this database; yields its base URL."""
    port = free_port()
    # mail failing: the SMTP port is bound here and never listens, so the demo's own mail server
    # cannot take it (it says so) and every delivery is refused and retried
    mail_down = socket.socket()
    mail_down.bind(("127.0.0.1", 0))
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        IRO_MODE="demo",
        IRO_PORT=str(port),
        IRO_SCHEDULER_IN_PROCESS="1",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(mail_down.getsockname()[1]),
    )
    with open(log_path, "w") as log:
        server = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {log_path}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(30)
        mail_down.close()


def run(base: str, token: str, children: list[int], seconds: float) -> Result:
    """Every client for `seconds`, at once."""
    result, stop_at = Result(), time.monotonic() + seconds
    clients = [
        threading.Thread(target=_guarded, args=(_person, result, base, username, children, stop_at))
        for username in PEOPLE
    ]
    clients.append(threading.Thread(target=_guarded, args=(_case_system, result, base, token, children, stop_at)))
    clients.append(threading.Thread(target=_guarded, args=(_clock_mover, result, base, token, stop_at)))
    began = time.monotonic()
    for client in clients:
        client.start()
    for client in clients:
        client.join(seconds + 60)
    result.seconds = time.monotonic() - began
    return result


def _guarded(client, result, *args):
    try:
        client(result, *args)
    except Exception as exc:  # noqa: BLE001  a client that stops early is reported, not lost
        with result.lock:
            result.failures.append(f"{client.__name__}: {type(exc).__name__}: {exc}")


class _Http:
    """One client's session; every answer is noted, redirects are not followed."""

    def __init__(self, result, base, headers=None):
        self.result, self.base, self.session = result, base, requests.Session()
        self.session.headers.update(headers or {})

    def __call__(self, kind, method, path, **kwargs):
        response = self.session.request(method, self.base + path, allow_redirects=False, timeout=60, **kwargs)
        self.result.note(kind, method, path, response.status_code)
        return response


def _token(page: str) -> str:
    found = CSRF.search(page)
    if not found:
        raise AssertionError("no CSRF token on the page")
    return found.group(1)


def _person(result, base, username, children, stop_at):
    while time.monotonic() < stop_at:
        http = _Http(result, base)
        signed_in = http(
            "sign in",
            "POST",
            "/sign-in",
            data={
                "username": username,
                "password": council.PASSWORD,
                "csrf_token": _token(http("sign-in page", "GET", "/sign-in").text),
            },
        )
        if signed_in.status_code != 302:
            continue
        worklist = http("worklist", "GET", "/tasks").text
        http("worklist", "GET", "/tasks/unassigned")
        for child_id in children:
            http("child page", "GET", f"/children/{child_id}")
        notifications = http("notifications", "GET", "/notifications").text
        http("mark all read", "POST", "/notifications/read", data={"csrf_token": _token(notifications)})
        for task_id in re.findall(r'href="/tasks/(\d+)"', worklist)[:2]:
            page = http("task page", "GET", f"/tasks/{task_id}")
            version = re.search(r'name="instance_version" value="(\d+)"', page.text)
            if page.status_code == 200 and version and 'value="no_early_review"' in page.text:
                http(
                    "task submit",
                    "POST",
                    f"/tasks/{task_id}",
                    data=[
                        *ANSWER.items(),
                        *(("early_review_date", "") for _ in range(3)),
                        ("action", "submit"),
                        ("csrf_token", _token(page.text)),
                        ("instance_version", version.group(1)),
                    ],
                )
        http("sign out", "POST", "/sign-out", data={"csrf_token": _token(worklist)})


def _case_system(result, base, token, children, stop_at):
    http, n = _Http(result, base, {"Authorization": f"Bearer {token}"}), 0
    while time.monotonic() < stop_at:
        today = datetime.fromisoformat(http("api health", "GET", "/api/v1/health").json()["now"])
        http(
            "api event",
            "POST",
            f"/api/v1/children/{children[n % len(children)]}/events",
            json={
                "type": "significant_change",
                "date": calendar.london_date(today).isoformat(),
                "kind": "missing_over_3_days",
                "details": "Missing for four days; now home.",
                "care_plan_change": None,
            },
        )
        n += 1
        open_tasks = http("api tasks", "GET", "/api/v1/tasks?open=true").json()["tasks"]
        changes = [t["id"] for t in open_tasks if t["spec_name"] == "consider_change"]
        if n % 3 == 0 and changes:  # the people complete the others
            http("api complete", "POST", f"/api/v1/tasks/{changes[-1]}/complete", json={"data": ANSWER})


def _clock_mover(result, base, token, stop_at):
    """A day on every second and a half: reminders and overdue notices fall due while people work."""
    http = _Http(result, base, {"Authorization": f"Bearer {token}"})
    while time.monotonic() < stop_at - 1.5:
        time.sleep(1.5)
        now = datetime.fromisoformat(http("api health", "GET", "/api/v1/health").json()["now"])
        http("clock", "POST", "/api/v1/clock", json={"now": (now + timedelta(days=1)).isoformat()})
