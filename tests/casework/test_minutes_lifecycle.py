"""The minutes of a child protection conference (docs/domain.md D, bpmn/cp_minutes.bpmn) on the
application clock, straight through and with a restart between steps: each step's reminder and
overdue notice, one overdue notice to the minute taker and the Business Support Manager for a set
not distributed within 20 working days (none when it is), the chair returning the draft, and the
backlog page counting the set in its age band and under its minute taker."""

import html
import re

import pytest
from sqlalchemy import select

from service.db import db
from service.errors import ScriptFailed
from service.models import ConferenceMinutes, MinutesStatus, TimerStatus
from service.people.accounts import user_by_username
from service.workflow import instances
from tests.support.app import RequestClient
from tests.support.lifecycle import STRAIGHT_AND_RESTARTED, Life
from tests.support.minutes import conference_held, minutes_of, notices_of, open_steps
from tests.support.pages import client_for, sign_in

HELD = "2022-01-28"  # a Friday: decisions by Mon 31 Jan, draft by Fri 11 Feb, distribution by Fri 25 Feb
CONFERENCE = "the initial conference held on 2022-01-28"
DISTRIBUTION_OVERDUE = f"Overdue: the minutes of {CONFERENCE} were due to be distributed by 2022-02-25"
DISTRIBUTION_REMINDER = f"Reminder: the minutes of {CONFERENCE} are to be distributed by 2022-02-25"


@pytest.fixture(params=STRAIGHT_AND_RESTARTED)
def run(app, request):
    app.test_client_class = RequestClient
    return Life(app, request.param, "2022-01-20")


def _held(run) -> tuple[int, int]:
    """A child whose initial conference is held on HELD; (child id, minutes' instance id)."""
    child = run.child()
    run.on("2022-01-21")
    run.looked_after(child, "2022-01-21")  # any running process of the child stands in as the CP process here
    [parent] = run.instances_of(child)
    run.on(HELD, 16)
    minutes = conference_held(parent, child, HELD)
    run.step()
    return child, minutes


def _to_approval(run, child):
    run.do(child, "circulate_decisions", done=True)  # the day of the conference: its reminder is that evening
    run.on("2022-02-09")
    run.do(child, "write_draft", done=True)
    run.on("2022-02-10")


def test_a_set_held_gives_the_minute_taker_the_first_step_and_is_recorded(run):
    child, instance = _held(run)
    assert open_steps(instance) == ["circulate_decisions"]
    task = run.task(child, "circulate_decisions")
    assert task.assignee == "minutes"
    assert task.due_at.date().isoformat() == "2022-01-31"
    minutes = minutes_of(instance)
    assert minutes.status == MinutesStatus.OUTSTANDING
    assert [
        d.isoformat() for d in (minutes.held_on, minutes.decisions_due, minutes.draft_due, minutes.distribution_due)
    ] == [
        "2022-01-28",
        "2022-01-31",
        "2022-02-11",
        "2022-02-25",
    ]
    assert (minutes.minute_taker_id, minutes.chair_id) == (_user_id("minutes"), _user_id("iro1"))


def test_minutes_not_distributed_in_time_give_one_overdue_notice_to_the_minute_taker_and_their_manager(run):
    child, instance = _held(run)
    _to_approval(run, child)
    run.do(child, "approve_minutes", approval="approve", returned_changes="")
    assert open_steps(instance) == ["distribute_minutes"]
    run.on("2022-02-28")  # the 20 working days ended on Friday 25 February
    told = [
        ("minutes", DISTRIBUTION_REMINDER),
        ("minutes", DISTRIBUTION_OVERDUE),
        ("bsm", DISTRIBUTION_OVERDUE),
    ]
    assert notices_of(instance) == told  # every earlier step was done in time: nothing else
    run.on("2022-04-29")  # weeks later: nothing more is sent
    assert notices_of(instance) == told
    run.do(child, "distribute_minutes", done=True)
    minutes = minutes_of(instance)
    assert (minutes.status, minutes.distributed_on.isoformat(), minutes.distribution_met) == (
        MinutesStatus.DISTRIBUTED,
        "2022-04-29",
        False,
    )
    assert open_steps(instance) == [] and [t for t in run.timers(instance) if t.status == TimerStatus.WAITING] == []


def test_minutes_distributed_in_time_give_no_notice(run):
    child, instance = _held(run)
    _to_approval(run, child)
    run.do(child, "approve_minutes", approval="approve", returned_changes="")
    run.on("2022-02-14")
    run.do(child, "distribute_minutes", done=True)
    run.on("2022-04-29")
    assert notices_of(instance) == []
    minutes = minutes_of(instance)
    assert (minutes.status, minutes.distribution_met) == (MinutesStatus.DISTRIBUTED, True)
    assert (minutes.decisions_on.isoformat(), minutes.draft_on.isoformat(), minutes.approved_on.isoformat()) == (
        "2022-01-28",
        "2022-02-09",
        "2022-02-10",
    )


def test_the_chair_returning_the_draft_sends_it_back_to_the_minute_taker(run):
    child, instance = _held(run)
    _to_approval(run, child)
    assert run.task(child, "approve_minutes").assignee == "iro1"
    assert "returned_changes" in run.refused(child, "approve_minutes", approval="return", returned_changes="")
    run.do(child, "approve_minutes", approval="return", returned_changes="Add the police's actions.")
    assert open_steps(instance) == ["write_draft"]
    redraft = run.task(child, "write_draft")
    assert (redraft.assignee, redraft.due_at.date().isoformat()) == ("minutes", "2022-02-17")  # 5 WD from the return
    assert notices_of(instance) == [("minutes", f"The chair returned the draft minutes of {CONFERENCE}")]
    assert minutes_of(instance).draft_on is None
    run.on("2022-02-14")
    run.do(child, "write_draft", done=True)
    run.do(child, "approve_minutes", approval="approve", returned_changes="")
    minutes = minutes_of(instance)
    assert (minutes.draft_on.isoformat(), minutes.approved_on.isoformat()) == ("2022-02-14", "2022-02-14")
    assert open_steps(instance) == ["distribute_minutes"]


def test_each_step_has_its_reminder_and_its_overdue_notice(run):
    child, instance = _held(run)
    run.on("2022-02-01")  # decisions were due by Monday 31 January
    assert notices_of(instance) == [
        ("minutes", f"Reminder: circulate the decisions and outline plan of {CONFERENCE} by 2022-01-31"),
        ("bsm", f"Overdue: the decisions and outline plan of {CONFERENCE} were due by 2022-01-31"),
    ]
    run.do(child, "circulate_decisions", done=True)
    run.on("2022-02-14")  # the draft was due by Friday 11 February
    assert notices_of(instance)[2:] == [
        ("minutes", f"Reminder: the draft minutes of {CONFERENCE} are due to the chair by 2022-02-11"),
        ("bsm", f"Overdue: the draft minutes of {CONFERENCE} were due to the chair by 2022-02-11"),
    ]
    run.do(child, "write_draft", done=True)
    run.on("2022-02-23")  # approval was due by Monday 21 February; distribution's reminder is the evening of the 22nd
    assert notices_of(instance)[4:] == [
        ("iro1", f"Reminder: approve the draft minutes of {CONFERENCE} by 2022-02-21"),
        ("rqam", f"Overdue: the chair's approval of the minutes of {CONFERENCE} was due by 2022-02-21"),
        ("minutes", DISTRIBUTION_REMINDER),
    ]


def test_the_backlog_counts_a_late_set_in_its_age_band_and_under_its_minute_taker(run, app):
    child, _ = _held(run)
    _to_approval(run, child)
    run.do(child, "approve_minutes", approval="approve", returned_changes="")
    run.on("2022-03-01")  # 22 working days since the conference
    client = app.test_client()
    sign_in(client, "bsm")
    page = client.get("/reports/minutes-backlog")
    assert page.status_code == 200
    text = html.unescape(page.text)
    by_band = _table(text, "by-band")
    assert by_band == [
        ["Within timescale (20 working days or fewer)", "0"],
        ["21 to 40 working days", "1"],
        ["41 to 60 working days", "0"],
        ["Over 60 working days", "0"],
        ["Total", "1"],
    ]
    assert _table(text, "by-minute-taker") == [["Mina Minutes", "0", "1", "0", "0", "1"]]
    assert _table(text, "sets") == [
        ["28 January 2022", "4120389A", "Initial", "Mina Minutes", "Distribute the minutes", "22"]
    ]
    trend = dict(tuple(row) for row in _table(text, "trend"))
    assert trend["31 January 2022"] == "1" and trend["31 December 2021"] == "0" and len(trend) == 12
    run.do(child, "distribute_minutes", done=True)
    assert _table(html.unescape(client.get("/reports/minutes-backlog").text), "by-band")[-1] == ["Total", "0"]


def test_the_backlog_is_linked_for_the_business_support_manager_and_the_review_and_qa_manager_only(app):
    app.test_client_class = RequestClient
    Life(app, False, "2022-01-20")
    link = 'href="/reports/minutes-backlog"'
    for username, sees in (("bsm", True), ("rqam", True), ("minutes", False), ("iro1", False), ("ad", False)):
        client = app.test_client()
        sign_in(client, username)
        assert (link in client.get("/tasks").text) is sees, username
        assert client.get("/reports/minutes-backlog").status_code == (200 if sees else 404), username
    assert link in client_for(app, "rqam").get("/reports/reviews").text  # and from the reports


def _user_id(username):
    return user_by_username(username).id


def _table(text, table_id) -> list[list[str]]:
    body = re.search(rf'<table class="govuk-table" id="{table_id}">.*?<tbody[^>]*>(.*?)</tbody>', text, re.S).group(1)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def test_minutes_of_a_conference_that_was_not_recorded_fail_naming_it_and_start_nothing(run):
    child = run.child()
    run.on("2022-01-21")
    run.looked_after(child, "2022-01-21")
    [parent] = run.instances_of(child)
    payload = {"conference_number": 3, "held_on": HELD, "chair": "iro1", "minute_taker": "minutes", "kind": "review"}
    with pytest.raises(ScriptFailed, match=f"instance {parent} has no conference number 3"):
        instances.send_message(
            "conference_held", {**payload, "parent_instance_id": parent}, actor="test", child_id=str(child)
        )
    db.session.rollback()
    assert run.instances_of(child) == [parent]
    assert db.session.scalars(select(ConferenceMinutes)).all() == []
