"""The IRO management alert (docs/domain.md C), run by the shipped diagram on the application
clock. Each scenario runs twice: straight through, and with every cache dropped between
steps, as after a restart."""

import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from service.casework import alerts
from service.db import db
from service.errors import InvalidData, TaskAlreadyCompleted
from service.models import AlertStatus, CaseNote, HumanTask, TaskStatus
from service.people import accounts as people
from service.tasks import task_page as tasks
from service.tasks.task_context import TaskContext
from service.workflow import clock
from tests.support.alerts import ACTIONS, CONCERNS, AlertLife
from tests.support.lifecycle import STRAIGHT_AND_RESTARTED, at_nine
from tests.support.pages import client_for, text, ticked
from tests.support.paths import ROOT


@pytest.fixture(params=STRAIGHT_AND_RESTARTED)
def life(app_factory, request):
    app = app_factory()
    with app.app_context():
        yield lambda start: AlertLife(app, request.param, start)


def test_case_study_4_a_sibling_group_raised_at_stage_3_resolved_at_the_stage_4_meeting(life):
    run = life("2012-06-01")
    run.on("2012-06-04")
    siblings = [run.looked_after_child("2012-06-04", name=f"Child {n}", case_number=f"412038{n}A") for n in range(1, 8)]
    run.on("2012-06-28")
    for child in siblings:
        alert = run.raise_alert(child, resolve_by="2012-09-28", serious=True)
        assert (alert.start_stage, alert.stage, alert.stage_role) == (3, 3, "Head of Service")
        assert (alert.stage_received_on, alert.stage_due_on) == (date(2012, 6, 28), date(2012, 7, 5))
        assert alert.summary == CONCERNS and alert.actions_requested == ACTIONS
        assert (alert.child_dob, alert.social_worker, alert.line_manager) == (
            date(2012, 3, 4),
            "Sam North",
            "Tia Manager",
        )
        assert run.task(child, "respond").assignee == "hos.north"  # the Head of Service of the child's area
    first = siblings[0]
    assert (
        CaseNote.query.filter_by(child_id=first)
        .one()
        .text.startswith("IRO management alert raised at stage 3 (Head of Service)")
    )

    run.on("2012-07-04")
    for child in siblings:
        run.respond(child)
        run.outcome(child, "next_stage", "No long term referrals made yet.")
        assert (run.alert(child).stage, run.alert(child).stage_role) == (4, "Assistant Director")
        assert run.alert_specs(child) == ["iro_statement", "set_meeting"]
        assert run.task(child, "set_meeting").assignee == "ad"
        assert run.task(child, "iro_statement").assignee == "iro1"
    run.on("2012-07-05")
    for child in siblings:
        run.do(
            child,
            "set_meeting",
            meeting_date="2012-07-10",
            meeting_time="10:00",
            meeting_place="Civic Centre",
            invited="Social worker\nTeam manager\nHomefinding",
            minute_taker="minutes",
        )
        assert run.alert_specs(child) == ["iro_statement"]  # the meeting cannot be minuted without the statement
        run.do(child, "iro_statement", statement="Referrals to homefinding for all seven, with timescales.")
        assert run.alert_specs(child) == ["record_minutes"]
        minutes = run.task(child, "record_minutes")
        assert (minutes.assignee, minutes.candidate_role) == ("minutes", "Minute Taker")
    assert run.refused(first, "record_minutes", attended="AD", minutes="Too early") == {
        "minutes": "The meeting is on 10 July 2012: record its minutes on or after that day"
    }
    run.on("2012-07-10", hour=15)
    for child in siblings:
        run.do(child, "record_minutes", attended="Assistant Director\nSocial worker", minutes="Referrals agreed.")
        run.do(
            child,
            "meeting_outcome",
            response="Homefinding referrals made today.",
            actions_agreed=[{"action": "Placement search update to the review", "by": "2012-07-24"}],
        )
        run.outcome(child, "resolved", "Referrals made; the review is reconvened.")
        alert = run.alert(child)
        assert (alert.status, alert.stage, alert.closed_on) == (AlertStatus.RESOLVED, 4, date(2012, 7, 10))
        assert run.alert_specs(child) == []
    assert run.steps(first) == [
        (3, "received"),
        (3, "response"),
        (3, "outcome"),
        (4, "received"),
        (4, "meeting_set"),
        (4, "statement"),
        (4, "minutes"),
        (4, "meeting_outcome"),
        (4, "outcome"),
    ]
    assert [n.text for n in CaseNote.query.filter_by(child_id=first).order_by(CaseNote.id)][1] == (
        "IRO management alert resolved at stage 4 (Assistant Director) on 2012-07-10."
    )

    page = client_for(run.app, "rqam").get(f"/alerts/{run.alert(first).id}/form").text
    words = text(page)  # the printable form, in the shape of the report's
    assert "Independent Review Officer Management Alert Form" in words and "Date of Alert: 28 June 2012" in words
    assert ticked(page, "The stages the alert has reached") == ["Stage 1:", "Stage 2:", "Stage 3:", "Stage 4:"]
    assert ticked(page, "If not resolved progress to:") == ["Stage 4"]
    assert "At each stage a formal response is expected within 5 working days" in words
    assert "Name of Child: Child 1" in words and "SW/ Line Manager: Tia Manager" in words
    assert CONCERNS in words and ACTIONS[0]["action"] in words
    assert "Response by Head of Service (Hal North) Date: 4 July 2012" in words
    assert "Resolution of Alert (recorded by IRO) Date: 10 July 2012" in words
    assert "Resolved at stage 4 (Assistant Director)" in words


def _to_stage(run, child, stage):
    """An alert received at `stage` on Wed 24 Aug 2022 (raised on Monday where it must pass stage 1 or 3)."""
    if stage in (1, 3):
        run.on("2022-08-24")
        return run.raise_alert(child, resolve_by="2022-11-24", serious=stage == 3)
    run.on("2022-08-22")
    run.raise_alert(child, resolve_by="2022-11-22", serious=stage == 4)
    run.on("2022-08-23")
    run.respond(child)
    run.on("2022-08-24")
    if stage in (2, 4):
        run.outcome(child, "next_stage")
    else:
        run.outcome(child, "escalate_early", escalate_to=str(stage))
    return run.alert(child)


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5, 6])
def test_every_stage_has_5_working_days_across_the_bank_holiday_with_one_reminder_and_one_overdue_notice(life, stage):
    run = life("2022-08-19")
    child = run.looked_after_child("2022-08-19")
    alert = _to_stage(run, child, stage)
    role = alert.stage_role
    assert (alert.stage, alert.stage_received_on, alert.stage_due_on) == (stage, date(2022, 8, 24), date(2022, 9, 1))
    task = run.task(child, "respond" if stage <= 3 else "set_meeting")
    assert task.due_at.date() == date(2022, 9, 1)  # the end of Thu 1 Sep, London (29 Aug was a bank holiday)
    holder = task.assignee
    seen = run.last_notice_id()
    run.on("2022-08-30")
    assert run.alert_notices(seen) == []
    run.on("2022-08-31")  # two working days left: Wed 31 Aug and Thu 1 Sep
    reminders = run.alert_notices(seen)
    statement = (
        []
        if stage <= 3
        else [  # the IRO's statement for the meeting has the same deadline
            (
                "iro1",
                f"Reminder: your statement for the stage {stage} meeting of the management alert is due by 2022-09-01",
            )
        ]
    )
    assert (
        len(reminders) == 1 + len(statement)
        and reminders[0][0] == holder
        and reminders[0][1].startswith(f"Reminder: IRO management alert, stage {stage}")
        and reminders[1:] == statement
    )
    seen = run.last_notice_id()
    run.on("2022-09-01", hour=23)
    assert run.alert_notices(seen) == []
    run.on("2022-09-02")
    statement = (
        []
        if stage <= 3
        else [
            (
                "rqam",
                f"Overdue: the IRO's statement for the stage {stage} meeting of a management alert was due by "
                "2022-09-01",
            )
        ]
    )
    assert sorted(run.alert_notices(seen)) == sorted(
        [
            (
                "iro1",
                f"Overdue: no {'response to' if stage <= 3 else 'meeting set for'} the management alert at stage "
                f"{stage} ({role})",
            ),
            (
                "rqam",
                f"Overdue: no {'response to' if stage <= 3 else 'meeting set for'} a management alert at stage "
                f"{stage} ({role})",
            ),
            *statement,
        ]
    )
    seen = run.last_notice_id()
    run.on("2022-09-20")
    assert run.alert_notices(seen) == []  # once each
    assert run.steps(child)[-1] == (stage, "overdue")


def _cafcass_requested(run, child, at_stage):
    alert = _to_stage(run, child, at_stage)
    if at_stage <= 3:
        run.respond(child)
    else:
        run.do(
            child,
            "set_meeting",
            meeting_date="2022-08-26",
            meeting_time="09:30",
            meeting_place="Council House",
            invited="Everyone",
            minute_taker="minutes",
        )
        run.do(child, "iro_statement", statement="A placement plan by Friday.")
        run.on("2022-08-26")
        run.do(child, "record_minutes", attended="All", minutes="No plan yet.")
        run.do(child, "meeting_outcome", response="No plan yet.", actions_agreed=[])
    run.outcome(child, "cafcass", "The child's human rights may be breached.")
    return alert


@pytest.mark.parametrize("stage", [1, 5])
def test_a_cafcass_referral_waits_for_both_consultations_then_is_allowed_from_any_stage(life, stage):
    run = life("2022-08-19")
    child = run.looked_after_child("2022-08-19")
    _cafcass_requested(run, child, stage)
    run.on("2022-08-26", hour=11)
    assert run.alert_specs(child) == ["consult_head_of_service", "consult_safeguarding"]
    assert run.task(child, "consult_safeguarding").assignee == "hos.safeguarding"
    assert run.task(child, "consult_head_of_service").assignee == "hos.north"  # the child's area's Head of Service
    assert run.refused(child, "consult_safeguarding", consulted_on="2022-08-26", advice="Refer.") == {
        "confirmed": "Confirm the IRO consulted you"
    }
    run.do(child, "consult_safeguarding", consulted_on="2022-08-26", advice="Refer.", confirmed=True)
    assert run.alert_specs(child) == ["consult_head_of_service"]  # no referral with one consultation
    run.do(child, "consult_head_of_service", consulted_on="2022-08-26", advice="Agreed.", confirmed=True)
    assert run.alert_specs(child) == ["make_referral"]
    assert run.refused(
        child, "make_referral", refer="yes", conditions=["stages_exhausted", "no_other_adult"], case_summary="Summary"
    ) == {
        "conditions": f"The alert is at stage {stage}: the stages up to the Chief Executive are not exhausted",
        "exceptional_circumstances": "State the exceptional circumstances for referring now",
    }
    seen = run.last_notice_id()
    run.do(
        child,
        "make_referral",
        refer="yes",
        conditions=["no_other_adult"],
        case_summary="Summary",
        exceptional_circumstances="Placement breakdown imminent; no plan after three stages.",
    )
    alert = run.alert(child)
    assert (alert.status, alert.cafcass_referred_on) == (AlertStatus.REFERRED, date(2022, 8, 26))
    assert sorted(run.alert_notices(seen)) == [  # the stages were not exhausted: told in writing
        ("hos.north", "Notice: IRO management alert referred to CAFCASS"),
        ("ism.north", "Notice: IRO management alert referred to CAFCASS"),
    ]
    assert [s for _, s in run.steps(child)][-4:] == ["consultation", "consultation", "cafcass_referral", "notice"]
    assert run.alert_specs(child) == []


def test_an_alert_left_unresolved_reaches_the_iros_decision_the_day_after_its_timescale(life):
    run = life("2022-08-19")
    child = run.looked_after_child("2022-08-19")
    run.on("2022-08-24")
    alerts.request(people.identity(people.user_by_username("iro1").id), child)
    assert run.refused(
        child, "raise_alert", summary_of_concerns=CONCERNS, actions_requested=ACTIONS, resolve_by="2022-11-25"
    ) == {"resolve_by": "The date cannot be after 24 November 2022: an alert is resolved within 3 months at most"}
    run.do(
        child,
        "raise_alert",
        serious_or_urgent=False,
        summary_of_concerns=CONCERNS,
        actions_requested=ACTIONS,
        resolve_by="2022-09-30",
    )
    respond = run.task(child, "respond").id
    run.on("2022-09-30", hour=23)
    assert run.alert_specs(child) == ["respond"]
    run.on("2022-10-01")
    assert run.alert_specs(child) == ["timescale_reached"]
    assert run.task_status(respond) == TaskStatus.CANCELLED
    assert run.refused(
        child, "timescale_reached", outcome="extend", outcome_notes="Holiday", new_resolve_by="2022-11-25"
    ) == {"new_resolve_by": "The date cannot be after 24 November 2022: an alert is resolved within 3 months at most"}
    seen = run.last_notice_id()
    run.do(
        child,
        "timescale_reached",
        outcome="extend",
        outcome_notes="The manager is on leave.",
        new_resolve_by="2022-11-24",
    )
    assert run.alert_specs(child) == ["respond"]  # the stage carries on, its deadline unchanged
    assert run.task(child, "respond").due_at.date() == date(2022, 9, 1)
    assert run.alert(child).resolve_by == date(2022, 11, 24)
    run.on("2022-10-03")
    assert run.alert_notices(seen) == []  # the reminder and the overdue notice were sent before: not again
    run.on("2022-11-24", hour=23)
    assert run.alert_specs(child) == ["respond"]
    run.on("2022-11-25")  # the cap ran out with it
    assert run.alert_specs(child) == ["timescale_reached"]
    assert run.refused(child, "timescale_reached", outcome="next_stage", outcome_notes="Go on") == {
        "outcome": "The alert reached its cap on 24 November 2022: refer it to CAFCASS, record it resolved or close it"
    }
    run.outcome(child, "cafcass", spec="timescale_reached")
    assert run.alert_specs(child) == ["consult_head_of_service", "consult_safeguarding"]


def test_a_manager_sees_only_the_alerts_at_their_stage_for_their_area_and_a_late_response_is_refused(life):
    run = life("2022-08-19")
    north = run.looked_after_child("2022-08-19")
    south = run.looked_after_child("2022-08-19", name="Bo South", case_number="43235", team="South", worker="sw.south")
    run.on("2022-08-24")
    run.raise_alert(north, resolve_by="2022-09-30")
    run.raise_alert(south, resolve_by="2022-09-30", serious=True)

    def seen_by(username):
        who = people.identity(people.user_by_username(username).id)
        return [(a.child_name, a.alert.stage, a.working_days_left, a.task_title) for a in alerts.for_me(who)]

    assert seen_by("tm.ne") == [
        ("Alex North", 1, 5, "Respond to the management alert")
    ]  # Thu 25 Aug to Thu 1 Sep, the bank holiday skipped
    assert seen_by("tm.south") == [] and seen_by("ism.north") == [] and seen_by("hos.north") == []
    assert seen_by("hos.south") == [("Bo South", 3, 5, "Respond to the management alert")]
    assert seen_by("ad") == [] and seen_by("iro1") == []
    stale = run.task(north, "respond").id
    run.on("2022-10-01")  # the IRO's timescale ran out: the stage is interrupted
    tm = people.identity(people.user_by_username("tm.ne").id)
    with pytest.raises(TaskAlreadyCompleted) as refused:
        tasks.submit(tm, stale, {"response": "Late", "actions_agreed": []})
    assert str(refused.value) == (
        "This task was withdrawn when the alert's timescale ran out; the IRO is deciding "
        "what happens next. Your response was not recorded."
    )
    run.outcome(north, "next_stage", spec="timescale_reached", new_resolve_by="2022-11-01")
    assert seen_by("tm.ne") == [] and seen_by("ism.north") == [("Alex North", 2, 5, "Respond to the management alert")]
    with pytest.raises(TaskAlreadyCompleted) as refused:
        tasks.submit(tm, stale, {"response": "Late", "actions_agreed": []})
    assert str(refused.value) == (
        "This task was withdrawn when the alert moved on; the alert is now at stage 2 "
        "(Integrated Service Manager). Your response was not recorded."
    )
    assert [s for _, s in run.steps(north)].count("response") == 0


def test_only_an_iro_who_sees_a_looked_after_child_raises_an_alert(life):
    run = life("2022-08-19")
    child = run.child()
    iro = people.identity(people.user_by_username("iro1").id)
    with pytest.raises(Exception) as not_theirs:
        alerts.request(iro, child)
    assert "does not exist" in str(not_theirs.value)  # iro1 is not this child's IRO yet
    run.looked_after(child, "2022-08-19")
    run.do(child, "allocate", iro="iro1")
    tm = people.identity(people.user_by_username("tm.ne").id)
    with pytest.raises(Exception) as manager:
        alerts.request(tm, child)
    assert "only an IRO" in str(manager.value)
    run.on("2022-08-22")
    run.event(child, "ceased_looked_after", "2022-08-22", reason="returned_home")
    with pytest.raises(InvalidData) as ceased:
        alerts.request(iro, child)
    assert "is not looked after" in str(ceased.value)


def test_the_next_review_hears_of_the_alerts_raised_since_the_last(life):
    run = life("2022-08-19")
    child = run.looked_after_child("2022-08-19")
    run.on("2022-08-24")
    run.raise_alert(child, resolve_by="2022-09-30", serious=True)
    booking = db.session.scalar(
        select(HumanTask).where(HumanTask.child_id == str(child), HumanTask.spec_name == "book_review")
    )
    assert TaskContext(booking).alerts_since_last_review() == [
        "Raised 24 August 2022 at stage 3: open at stage 3 (Head of Service)"
    ]
    run.do(child, "book_review", review_date="2022-08-26")
    run.do(child, "record_contact", contact_date="2022-08-24", contact_method="visit")
    run.do(child, "review_report", report_summary="Settled.")
    run.on("2022-08-26")
    hold = run.task(child, "hold_review")
    assert TaskContext(hold).alerts_since_last_review() == [
        "Raised 24 August 2022 at stage 3: open at stage 3 (Head of Service)"
    ]
    run.do(
        child,
        "hold_review",
        outcome="held",
        held_on="2022-08-26",
        attendees="Alex",
        participation_code="PN1",
        decisions=[{"text": "Placement search", "owner": "Sam North", "due": "2022-09-30"}],
    )
    next_booking = run.task(child, "book_review")
    assert TaskContext(next_booking).alerts_since_last_review() == []  # heard at the review of 26 August


def _sweeper(url, owner):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.sweeper_process", url, owner, "sweep"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def _sweep_with_two_schedulers(url, instant):
    clock.move_to(instant, "test")  # time moves on; nothing fires until the schedulers sweep
    db.session.commit()
    db.session.remove()
    sweepers = [_sweeper(url, f"scheduler-{n}") for n in (1, 2)]
    for process in sweepers:
        process.communicate(timeout=300)
        assert process.returncode == 0


@pytest.mark.server
@pytest.mark.postgres
def test_the_timers_of_alerts_fire_once_each_with_two_schedulers_running(app, database_url):
    run = AlertLife(app, False, "2022-08-19")
    children = [run.looked_after_child("2022-08-19", name=f"Child {n}", case_number=f"43{n:03d}") for n in range(12)]
    run.on("2022-08-24")
    for child in children:
        run.raise_alert(child, resolve_by="2022-09-30")
    seen = run.last_notice_id()

    _sweep_with_two_schedulers(database_url, at_nine("2022-09-02"))
    notices = run.alert_notices(seen)
    for child in children:
        assert [s for _, s in run.steps(child)] == ["received", "overdue"]
    assert sorted(subject.split(":")[0] for _, subject in notices) == sorted(["Reminder", "Overdue", "Overdue"] * 12)
    assert len([n for n in notices if n[0] == "tm.ne"]) == 12  # one reminder per alert to its Team Manager

    _sweep_with_two_schedulers(database_url, at_nine("2022-10-03"))  # the IRO's timescale ran out on 30 Sep
    for child in children:
        assert run.alert_specs(child) == ["timescale_reached"]
    assert (
        db.session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.spec_name == "timescale_reached"))
        == 12
    )


def test_the_safeguarding_service_escalates_early_and_the_ism_and_head_of_service_are_told_in_writing(life):
    run = life("2022-08-19")
    child = run.looked_after_child("2022-08-19")
    run.on("2022-08-24")
    run.raise_alert(child, resolve_by="2022-11-24")
    run.respond(child)
    assert run.refused(child, "record_outcome", outcome="escalate_early", outcome_notes="Urgent") == {
        "escalate_to": "Choose the stage to escalate to"
    }
    seen = run.last_notice_id()
    run.outcome(child, "escalate_early", "Extremely serious drift.", escalate_to="4")
    alert = run.alert(child)
    assert (alert.stage, alert.stage_role) == (4, "Assistant Director")
    notice = "Notice: IRO management alert escalated early to stage 4"
    assert sorted(run.alert_notices(seen)) == [
        ("ad", "IRO management alert, stage 4: set the meeting by 2022-09-01"),
        ("hos.north", notice),
        ("ism.north", notice),
    ]
    assert [s for _, s in run.steps(child)][-3:] == ["outcome", "notice", "received"]


def test_a_meeting_stage_interrupted_by_the_timescale_and_extended_carries_on_where_it_was(life):
    run = life("2022-08-19")
    child = run.looked_after_child("2022-08-19")
    run.on("2022-08-22")
    run.raise_alert(child, resolve_by="2022-10-14", serious=True)
    run.respond(child)
    run.outcome(child, "next_stage")
    run.do(
        child,
        "set_meeting",
        meeting_date="2022-10-20",
        meeting_time="10:00",
        meeting_place="Council House",
        invited="Everyone",
        minute_taker="minutes",
    )
    run.do(child, "iro_statement", statement="A placement plan.")
    assert run.alert_specs(child) == ["record_minutes"]
    run.on("2022-10-17")
    assert run.alert_specs(child) == ["timescale_reached"]
    assert run.refused(
        child,
        "timescale_reached",
        outcome="extend",
        outcome_notes="The meeting is on Thursday.",
        new_resolve_by="2022-10-14",
    ) == {"new_resolve_by": "The date must be today or in the future"}
    run.outcome(child, "extend", "The meeting is on Thursday.", spec="timescale_reached", new_resolve_by="2022-11-04")
    assert run.alert_specs(child) == ["record_minutes"]  # the meeting set and the statement given stand
    assert [s for _, s in run.steps(child)].count("meeting_set") == 1


def test_an_open_alert_closes_when_the_child_ceases_to_be_looked_after(life):
    run = life("2022-08-19")
    child = run.looked_after_child("2022-08-19")
    run.on("2022-08-24")
    run.raise_alert(child, resolve_by="2022-09-30")
    run.event(child, "ceased_looked_after", "2022-08-24", reason="returned_home")
    alert = run.alert(child)
    assert (alert.status, alert.closed_on) == (AlertStatus.CANCELLED, date(2022, 8, 24))
    assert run.alert_specs(child) == []
    tm = people.identity(people.user_by_username("tm.ne").id)
    assert alerts.for_me(tm) == []
