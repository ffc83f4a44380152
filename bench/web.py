"""Web benchmark on the demo-sized council (about 1,150 children, 13 IROs).

Prints `worklist_p95_ms` (an IRO with 150 open tasks; target <= 50),
`worklist_with_counts_p95_ms` (the same IRO's My tasks with its due counts, unfiltered and
filtered to each count's tasks; target <= 50), `search_p95_ms` (the same IRO finding their
children by surname, case number and date of birth; target <= 30), `case_page_p95_ms`
(target <= 80), `alerts_for_me_p95_ms` (a Team Manager with 60 open
management alerts; target <= 50) and `alert_register_p95_ms` (the Review and QA
Manager's register of those alerts; target <= 80), `process_page_p95_ms` (the process
owner's page of review_cycle.bpmn, the diagram with the most running instances; target
<= 80) and `instance_page_p95_ms` (an instance's live diagram with its timers, steps and
audit trail; target <= 150): server time through the Flask test client; and
`api_complete_vs_spiff_ratio` (target <= 7) with `api_complete_p50_ms` and
`api_complete_p95_ms`: 300 completions with POST /api/v1/tasks/<id>/complete
against `python run.py` (the server and in-process scheduler `make run` starts),
over loopback with one client, against bare SpiffWorkflow completing the same task
of bpmn/significant_change.bpmn with a JSON round trip, in the same run.
"""

import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from urllib.parse import quote

from common import ROOT, bench_app, report, spiff_round_trip
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import func, select

from service.casework import alerts
from service.casework import children as cases
from service.db import db
from service.demo import council as demo
from service.diagrams import deployments
from service.models import Child, HumanTask, TaskStatus, Team, User, UserRole
from service.people import accounts as people
from service.people import tokens
from service.tasks import task_page as tasks
from service.workflow import clock, instances
from service.workflow import working_days as calendar

PAGE_SAMPLES = 100
COMPLETIONS = 300
WORKLIST_TASKS = 150
ALERTS = 60
DUE_VIEWS = ("/tasks", "/tasks?due=overdue", "/tasks?due=today", "/tasks?due=week")
ANSWER = {"decision": "no_early_review", "reason": "Placement stable again; the next review keeps its date."}


def p95(samples):
    return statistics.quantiles(samples, n=100)[94] * 1000


def open_tasks(username=None):
    query = select(func.count()).select_from(HumanTask).where(HumanTask.status == TaskStatus.OPEN)
    if username:
        query = query.where(HumanTask.assignee == username)
    return db.session.scalar(query)


def report_changes(children, wanted, username=None):
    """Significant changes, round the children again and again, until `wanted` tasks are open."""
    day = calendar.london_date(clock.now()).isoformat()
    n = 0
    while open_tasks(username) < wanted:
        cases.record_event(
            children[n % len(children)],
            {
                "type": "significant_change",
                "date": day,
                "kind": "change_of_placement",
                "details": "Moved to a new foster home.",
                "care_plan_change": None,
            },
            actor="bench",
        )
        n += 1


def signed_in_client(app, username):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    response = client.post(
        "/sign-in", data={"csrf_token": token.group(1), "username": username, "password": demo.PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    return client


def timed_gets(client, paths):
    samples = []
    for path in paths:
        began = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - began)
        assert response.status_code == 200, (path, response.status_code)
    return samples


def pages(app):
    with app.app_context():
        iro_id = db.session.scalar(select(User.id).where(User.username == "iro08"))
        children = list(db.session.scalars(select(Child.id).where(Child.iro_id == iro_id, Child.looked_after)))
        report_changes(children, WORKLIST_TASKS, "iro08")
        db.session.remove()
        client = signed_in_client(app, "iro08")
        worklist = timed_gets(client, ["/tasks"] * PAGE_SAMPLES)
        with_counts = timed_gets(client, [DUE_VIEWS[n % len(DUE_VIEWS)] for n in range(PAGE_SAMPLES)])
        searches = timed_gets(client, [f"/search?q={quote(q)}" for q in search_queries(children)])
        case_pages = timed_gets(client, [f"/children/{children[n % len(children)]}" for n in range(PAGE_SAMPLES)])
    return p95(worklist), p95(with_counts), p95(searches), p95(case_pages)


def search_queries(children):
    """PAGE_SAMPLES searches for the IRO's children, in turn by surname, case number and date of birth
    (typed as 4/3/2012)."""
    rows = db.session.execute(select(Child.name, Child.case_number, Child.dob).where(Child.id.in_(children))).all()
    kinds = (
        lambda row: row.name.split()[-1],
        lambda row: row.case_number,
        lambda row: f"{row.dob.day}/{row.dob.month}/{row.dob.year}",
    )
    return [kinds[n % 3](rows[n % len(rows)]) for n in range(PAGE_SAMPLES)]


def raise_alerts(team_code, count):
    """`count` management alerts on the team's looked-after children, raised by their IROs through
    the alert diagram and its form; returns the Team Manager's username."""
    today = calendar.london_date(clock.now())
    children = db.session.execute(
        select(Child.id, Child.iro_id)
        .join(Team, Team.id == Child.team_id)
        .where(Team.code == team_code, Child.looked_after, Child.iro_id.is_not(None))
        .order_by(Child.id)
    ).all()
    answers = {
        "serious_or_urgent": False,
        "summary_of_concerns": "Statutory visits have not been undertaken.",
        "actions_requested": [{"action": "Visit the child within five working days"}],
        "resolve_by": calendar.add_months(today, 2).isoformat(),
    }
    for n in range(count):
        child_id, iro_id = children[n % len(children)]
        task_id = alerts.request(people.identity(iro_id), child_id)
        task = db.session.get(HumanTask, task_id)
        checked = tasks.checked_answers(task, answers)
        db.session.rollback()
        instances.complete_task(task_id, checked, actor=task.assignee)
    return db.session.scalar(
        select(User.username)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role == "Team Manager",
            UserRole.team_id == select(Team.id).where(Team.code == team_code).scalar_subquery(),
        )
    )


def alert_pages(app):
    with app.app_context():
        manager = raise_alerts("NE", ALERTS)
        db.session.remove()
    samples = {}
    for username, path in ((manager, "/alerts"), ("rqam", "/reports/alerts")):
        with app.app_context():  # one signed-in person per context: Flask-Login keeps the user in it
            samples[path] = timed_gets(signed_in_client(app, username), [path] * PAGE_SAMPLES)
    return p95(samples["/alerts"]), p95(samples["/reports/alerts"]), manager


def process_pages(app):
    """The process owner's page of the busiest diagram, and the pages of its running instances."""
    with app.app_context():
        owner = people.identity(people.user_by_username("owner").id)
        running = [i.id for i in deployments.versions("review_cycle.bpmn", owner, listed=100_000)[0].instances]
        client = signed_in_client(app, "owner")
        process = timed_gets(client, ["/processes/review_cycle.bpmn"] * PAGE_SAMPLES)
        instance = timed_gets(client, [f"/instances/{running[n % len(running)]}" for n in range(PAGE_SAMPLES)])
    return p95(process), p95(instance), len(running)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api_completions(app, database_url):
    with app.app_context():
        children = list(db.session.scalars(select(Child.id).where(Child.looked_after)))
        report_changes(children, open_tasks() + COMPLETIONS)
        task_ids = list(
            db.session.scalars(
                select(HumanTask.id)
                .where(HumanTask.status == TaskStatus.OPEN, HumanTask.spec_name == "consider_change")
                .order_by(HumanTask.id.desc())
                .limit(COMPLETIONS)
            )
        )
        token = tokens.create("bench")
        db.session.remove()
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, IRO_MODE="demo", IRO_PORT=str(port))
    server = subprocess.Popen(
        [sys.executable, "run.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        connection = _connect(port)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = json.dumps({"data": ANSWER})
        spiff_round_trip = bare_spiff()
        api, spiff = [], []
        for task_id in task_ids:
            began = time.perf_counter()
            connection.request("POST", f"/api/v1/tasks/{task_id}/complete", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            api.append(time.perf_counter() - began)
            assert response.status == 200, (task_id, response.status)
            spiff.append(spiff_round_trip())
    finally:
        server.terminate()
        server.wait(30)
    return api, spiff


def _connect(port):
    deadline = time.monotonic() + 60
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/api/v1/health")
            connection.getresponse().read()
            return connection
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def bare_spiff():
    """Deserialize, complete the IRO's task with the same answer, serialize (spec included)."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(ROOT / "bpmn" / "significant_change.bpmn"))
    engine = PythonScriptEngine(
        environment=TaskDataEnvironment({"deadline_after_working_days": calendar.deadline_after_working_days})
    )
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    workflow = BpmnWorkflow(parser.get_spec("significant_change"), script_engine=engine)
    with clock.frozen_at(datetime.now(UTC)):  # our clock seam is in SpiffWorkflow's timer module
        workflow.do_engine_steps()
        workflow.send_event(
            BpmnEvent(
                MessageEventDefinition("significant_change"),
                payload={
                    "event_id": 1,
                    "date": datetime.now(UTC).date().isoformat(),
                    "kind": "change_of_placement",
                    "details": "Moved to a new foster home.",
                    "care_plan_change": None,
                },
            )
        )
        workflow.do_engine_steps()
    saved = serializer.serialize_json(workflow)

    def round_trip():
        with clock.frozen_at(datetime.now(UTC)):
            return spiff_round_trip(serializer, engine, saved, ANSWER)

    return round_trip


def main():
    app = bench_app()
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        demo.load()
    worklist, with_counts, searches, case_page = pages(app)
    report("worklist_p95_ms", worklist, f"iro08 with {WORKLIST_TASKS} open tasks, {PAGE_SAMPLES} requests")
    report(
        "worklist_with_counts_p95_ms",
        with_counts,
        f"iro08's My tasks with its due counts, unfiltered and by each count, {PAGE_SAMPLES} requests",
    )
    report("search_p95_ms", searches, f"iro08 by surname, case number and date of birth, {PAGE_SAMPLES} searches")
    report("case_page_p95_ms", case_page, f"{PAGE_SAMPLES} case pages of iro08's children")
    for_me, register, manager = alert_pages(app)
    report("alerts_for_me_p95_ms", for_me, f"{manager} with {ALERTS} open alerts, {PAGE_SAMPLES} requests")
    report("alert_register_p95_ms", register, f"rqam, the last 12 months' alerts, {PAGE_SAMPLES} requests")
    process, instance, running = process_pages(app)
    report(
        "process_page_p95_ms", process, f"review_cycle.bpmn with {running} running instances, {PAGE_SAMPLES} requests"
    )
    report("instance_page_p95_ms", instance, f"{PAGE_SAMPLES} pages of those instances")
    api, spiff = api_completions(app, database_url)
    api_ms, spiff_ms = statistics.median(api) * 1000, statistics.median(spiff) * 1000
    report(
        "api_complete_vs_spiff_ratio", api_ms / spiff_ms, f"API {api_ms:.2f} ms, bare SpiffWorkflow {spiff_ms:.2f} ms"
    )
    report("api_complete_p50_ms", api_ms)
    report("api_complete_p95_ms", p95(api))


if __name__ == "__main__":
    main()
