"""Nothing statutory slips (issue 13): every person's task of the shipped diagrams has a
deadline that escalates, a review that is not held is escalated once on its statutory due
date whatever its booked date, and a deadline already past when its step begins gives one
overdue notice and no reminder (none at all when history is imported with notify false).
Scenarios on the application clock run straight through and with a restart between steps."""

import ast
from datetime import date

import pytest
from lxml import etree

from service import load_shipped_specs
from service.diagrams import deadline_register
from service.diagrams.specs import NS
from service.people import accounts as people
from service.people import tokens
from service.tasks import notifications
from service.workflow import outbox
from service.workflow import working_days as calendar
from service.workflow.named_values import literal_named_values
from tests.support.app import RequestClient
from tests.support.lifecycle import STRAIGHT_AND_RESTARTED, Life
from tests.support.paths import SHIPPED_BPMN

SHIPPED = {path.name: path.read_bytes() for path in SHIPPED_BPMN.glob("*.bpmn")}
REVIEW_1_OVERDUE = "Overdue: review 1 was due by 2019-05-16 and has not been held"


# --- the register ------------------------------------------------------------------------------------------
def test_every_task_of_the_shipped_diagrams_has_a_deadline_and_an_overdue_path_or_a_reason():
    rows = deadline_register.register(SHIPPED)
    tasks = [row for row in rows if row.role]  # a person's task (sub-process rows have no role)
    assert len(tasks) >= 32
    without = [(row.file, row.element) for row in tasks if not (row.due and row.has_overdue_path())]
    assert sorted(without) == sorted(deadline_register.WITHOUT_DEADLINE)
    assert all(reason.strip() for reason in deadline_register.WITHOUT_DEADLINE.values())
    for row in tasks:
        for notice in row.missed:
            assert notice.to, f"{row.file} {row.element}: its overdue path ({notice.element}) tells nobody"
        for notice in row.reminders:
            assert notice.to, f"{row.file} {row.element}: its reminder ({notice.element}) reminds nobody"


TIMESCALE_ENDINGS = ("_wd", "_days", "_weeks", "_months")


def test_every_timescale_set_in_a_shipped_diagram_is_one_of_its_named_values():
    """A timescale written into a later script is one a process owner cannot see or change,
    and a migration does not re-apply: each is among the diagram's named values."""
    for name, content in SHIPPED.items():
        root = etree.fromstring(content)
        scripts = root.findall(".//bpmn:scriptTask", NS)
        chosen = next((s for s in scripts if s.get("id") == "named_values"), scripts[0] if scripts else None)
        named = literal_named_values(chosen.findtext("bpmn:script", "", NS)) if chosen is not None else {}
        for script in scripts:
            for statement in ast.walk(ast.parse(script.findtext("bpmn:script", "", NS))):
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant):
                    for target in statement.targets:
                        if isinstance(target, ast.Name) and target.id.endswith(TIMESCALE_ENDINGS):
                            assert target.id in named and script is chosen, (
                                f"{name} {script.get('id')}: {target.id} is set outside the named values"
                            )


def test_the_register_names_the_new_statutory_deadlines_and_who_is_told():
    rows = {(row.file, row.element): row for row in deadline_register.register(SHIPPED)}
    held = rows[("review_cycle.bpmn", "until_held")]  # the statutory due date, booked or not
    assert [(n.kind, n.when, n.to) for n in held.notices] == [
        ("reminder", "deadline_after_working_days(due_date, -5)", ["IRO"]),
        ("overdue", "deadline_after_working_days(due_date, 0)", ["IRO", "Review and QA Manager"]),
    ]
    assert rows[("review_cycle.bpmn", "hold_review")].covered_by == ["Until the review is held"]
    contact = rows[("review_cycle.bpmn", "record_contact")]
    assert contact.reminders and contact.covered_by == ["Until the review is held"]
    starred = rows[("review_cycle.bpmn", "starred_done")]
    assert [n.to for n in starred.reminders] == [["Social Worker", "Team Manager"]]
    assert [n.to for n in starred.missed] == [["IRO"]]


def test_flask_deadlines_prints_the_register_from_the_diagrams(app_factory):
    app = app_factory()
    load_shipped_specs(app)
    with app.app_context():
        printed = app.test_cli_runner().invoke(args=["deadlines", "--dir", str(SHIPPED_BPMN)])
        deployed = app.test_cli_runner().invoke(args=["deadlines"])
    assert printed.exit_code == 0, printed.output
    lines = printed.output.splitlines()
    assert lines[0].startswith("| Diagram | Task or stage | Role | Timescale | Reminder | When missed")
    assert len(lines) == 2 + len(deadline_register.register(SHIPPED))
    [review] = [line for line in lines if "(`until_held`)" in line]
    assert "`deadline_after_working_days(due_date, 0)`: IRO, Review and QA Manager" in review
    [allocation] = [line for line in lines if "(`allocate`)" in line]
    assert "`add_working_days(started_on, 5)`" in allocation  # the named value filled in
    assert "`deadline_after_working_days(started_on, 5 - 2)` to Review and QA Manager" in allocation
    assert any("no deadline: protocol 3.6.3" in line for line in lines)
    # without --dir it reads the newest deployed versions: the shipped ones and the tests' own here
    assert deployed.exception is None and set(lines) < set(deployed.output.splitlines())
    assert any(line.startswith("| chained_cycles.bpmn |") for line in deployed.output.splitlines())


def test_the_readme_shows_the_register_as_the_command_prints_it():
    readme = (SHIPPED_BPMN.parent / "README.md").read_text(encoding="utf-8")
    register = deadline_register.as_markdown(deadline_register.register(SHIPPED))
    assert register in readme, "README.md: paste in the output of `flask --app run.py deadlines --dir bpmn`"


# --- a review that is not held on time ----------------------------------------------------------------------
@pytest.fixture(params=STRAIGHT_AND_RESTARTED)
def mailed(app_factory, smtp, request):
    app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    with app.app_context():
        yield Life(app, request.param, "2019-04-14"), smtp


def _first_review_booked(run, on: str) -> int:
    """A child looked after from 15 April 2019 whose first review is due on 16 May, booked `on`."""
    child = run.child()
    run.on("2019-04-15")
    run.looked_after(child, "2019-04-15")
    run.do(child, "allocate", iro="iro1")
    assert run.reviews(child)[0].due_date == date(2019, 5, 16)
    run.do(child, "book_review", review_date=on)
    run.do(child, "record_contact", contact_date="2019-04-15", contact_method="visit")
    run.do(child, "review_report", report_summary="Settled in placement.")
    return child


def _who(username):
    return people.identity(people.user_by_username(username).id)


def _overdue(run, smtp):
    """The review's overdue notices so far: in the app (by username) and at the SMTP server."""
    outbox.deliver_due("test")
    in_app = sorted(
        who
        for who in ("iro1", "rqam")
        for n in notifications.listing(_who(who)).notices
        if n.message.subject == REVIEW_1_OVERDUE
    )
    mailed = sorted(m.to[0] for m in smtp.received if m.subject == REVIEW_1_OVERDUE)
    return in_app, mailed


@pytest.mark.postgres
def test_a_review_booked_for_its_due_date_and_not_held_is_overdue_once_the_day_after(mailed):
    run, smtp = mailed
    child = _first_review_booked(run, "2019-05-16")
    run.on("2019-05-16", hour=22)  # the due date itself: not late yet
    assert _overdue(run, smtp) == ([], [])
    run.on("2019-05-17")
    told = (["iro1", "rqam"], ["iro1@council.example", "rqam@council.example"])
    assert _overdue(run, smtp) == told
    run.on("2019-05-20")
    run.on("2019-06-03")
    assert _overdue(run, smtp) == told  # still exactly one each
    assert run.open_specs(child) == ["hold_review"]  # the review is still to be held


@pytest.mark.postgres
def test_a_review_adjourned_past_its_due_date_stays_late_and_is_escalated_once(mailed):
    run, smtp = mailed
    child = _first_review_booked(run, "2019-05-14")
    run.on("2019-05-14", hour=15)
    run.do(
        child,
        "hold_review",
        outcome="adjourned",
        adjourn_reason="The health assessment is missing.",
        new_date="2019-05-23",
    )
    run.do(child, "sign_off_late_review", sign_off="approve")  # signed off late: still late
    run.do(child, "record_contact", contact_date="2019-05-14", contact_method="phone")
    run.do(child, "review_report", report_summary="Health assessment booked.")
    run.on("2019-05-16", hour=22)
    assert _overdue(run, smtp) == ([], [])
    run.on("2019-05-17")
    told = (["iro1", "rqam"], ["iro1@council.example", "rqam@council.example"])
    assert _overdue(run, smtp) == told
    run.on("2019-05-20")
    run.on("2019-05-23", hour=15)
    assert _overdue(run, smtp) == told
    run.do(
        child,
        "hold_review",
        outcome="held",
        held_on="2019-05-23",
        attendees="Alex",
        participation_code="PN1",
        decisions=[{"text": "Nursery place", "owner": "SW", "due": "2019-07-01"}],
    )
    assert run.reviews(child)[0].on_time is False
    run.on("2019-06-03")
    assert _overdue(run, smtp) == told


# --- deadlines already past when their step begins --------------------------------------------------------
@pytest.fixture(params=STRAIGHT_AND_RESTARTED)
def life(app_factory, request):
    app = app_factory()
    with app.app_context():
        yield Life(app, request.param, "2019-06-09")


def _forty_working_days_ago() -> str:
    day = date(2019, 6, 10)
    start = day
    while calendar.working_days_between(start, day) < 40:
        start = date.fromordinal(start.toordinal() - 1)
    return start.isoformat()


@pytest.mark.postgres
def test_a_looked_after_event_dated_40_working_days_ago_gives_one_missed_allocation_notice(life):
    run = life
    child = run.child()
    run.on("2019-06-10")
    seen = run.last_notice_id()
    run.looked_after(child, _forty_working_days_ago())
    run.on("2019-06-11")
    assert run.notices(seen) == [("rqam", "Overdue: no IRO allocated")]  # no reminder with it
    run.on("2019-06-12")
    assert run.notices(seen) == [("rqam", "Overdue: no IRO allocated")]


def test_imported_history_with_notify_false_runs_but_tells_nobody(life):
    run = life
    child = run.child()
    run.on("2019-06-10")
    seen = run.last_notice_id()
    run.event(
        child,
        "became_looked_after",
        _forty_working_days_ago(),
        legal_status="C2",
        placement_type="foster",
        placement_regulated=True,
        notify=False,
    )
    run.on("2019-06-11")
    assert run.notices(seen) == []
    assert run.open_specs(child) == ["allocate"]  # it runs: the allocation is still to be made
    assert [e.details["notify"] for e in run.audit("event_became_looked_after")] == [False]


def test_the_api_takes_notify_false_and_refuses_anything_but_true_or_false(life):
    run = life
    child = run.child()
    run.on("2019-06-10")
    run.app.test_client_class = RequestClient
    api = run.app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens.create('test-system')}"
    event = {
        "type": "became_looked_after",
        "date": _forty_working_days_ago(),
        "legal_status": "C2",
        "placement_type": "foster",
        "placement_regulated": True,
    }
    refused = api.post(f"/api/v1/children/{child}/events", json={**event, "notify": "no"})
    assert refused.status_code == 422 and "notify" in refused.json["fields"]
    assert run.open_specs(child) == []
    seen = run.last_notice_id()
    assert api.post(f"/api/v1/children/{child}/events", json={**event, "notify": False}).status_code == 202
    run.on("2019-06-11")
    assert run.notices(seen) == [] and run.open_specs(child) == ["allocate"]
