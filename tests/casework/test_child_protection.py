"""Child protection through the shipped diagram on the application clock (docs/domain.md D):
the enquiry, the initial conference within 15 working days, the plan's core group and review
conferences, a sibling group conferenced together, an unborn child, a take-on. Each scenario
runs straight through and with every cache dropped between steps, as after a restart."""

from datetime import date

import pytest
from sqlalchemy import select

import forms
from service.casework import children as cases
from service.db import db
from service.models import (
    ConferenceKind,
    ConferenceMinutes,
    ConferenceStatus,
    CpEpisodeStatus,
    InstanceChild,
    InstanceStatus,
)
from service.people.accounts import user_by_username
from tests.support.lifecycle import STRAIGHT_AND_RESTARTED
from tests.support.protection import Protection


@pytest.fixture(params=STRAIGHT_AND_RESTARTED)
def life(app_factory, request):
    app = app_factory()
    with app.app_context():
        yield lambda start: Protection(app, request.param, start)


@pytest.mark.postgres
def test_an_icpc_held_on_time_a_plan_its_core_group_and_reviews_then_the_plan_ended(life):
    run = life("2022-01-16")
    child = run.child()
    run.on("2022-01-17")
    seen = run.last_notice_id()
    run.strategy(child, "2022-01-17")
    episode = run.cp_episode(child)
    assert (episode.status, episode.icpc_due) == (CpEpisodeStatus.ENQUIRY, date(2022, 2, 7))
    assert run.task(child, "enquiry_outcome").assignee == "sw.north"
    run.enquiry_to_conference(child, chair="iro2")
    assert run.task(child, "icpc_book").assignee == "iro2"
    run.book(child, "icpc_book", "2022-01-28")
    assert run.open_specs(child) == ["icpc_record", "icpc_report"]
    assert run.task(child, "icpc_report").due_at.date() == date(2022, 1, 26)
    run.report(child, "icpc_report", "2022-01-17")
    run.on("2022-01-28", hour=15)
    run.held(child, "icpc_record", "2022-01-28", decision="plan", category="neglect")
    [icpc, first_review] = run.conferences(child)
    assert (icpc.kind, icpc.status, icpc.on_time, icpc.core_group_due, icpc.next_review_due) == (
        ConferenceKind.INITIAL,
        ConferenceStatus.HELD,
        True,
        date(2022, 2, 11),
        date(2022, 4, 28),
    )
    assert (first_review.number, first_review.status, first_review.due_date) == (
        1,
        ConferenceStatus.DUE,
        date(2022, 4, 28),
    )
    [plan] = run.plans(child)
    assert (plan.number, plan.started_on, plan.category, plan.ended_on) == (1, date(2022, 1, 28), "neglect", None)
    assert run.case(child).cp_plan and run.cp_episode(child).next_conference_due == date(2022, 4, 28)
    assert run.task(child, "core_group").due_at.date() == date(2022, 2, 11)

    run.on("2022-01-31")
    run.do(child, "core_group", core_group_on="2022-01-31")
    run.book(child, "rcpc_book", "2022-04-20")
    run.report(child, "rcpc_report", "2022-01-31")
    run.on("2022-04-20", hour=15)
    run.held(child, "rcpc_record", "2022-04-20", decision="continue")
    second = run.conferences(child)[2]
    assert (run.conferences(child)[1].next_review_due, second.due_date) == (date(2022, 10, 20), date(2022, 10, 20))
    assert run.cp_episode(child).next_conference_due == date(2022, 10, 20)
    assert run.deadline_notices(seen) == []  # every step done in time: no reminder, no overdue notice

    run.on("2022-05-03")
    instance_id = run.cp_instance(child).id
    assert "review_reminder" in run.waiting_timers(instance_id)
    run.event(child, "cp_plan_ended", "2022-05-03", reason="no_longer_at_risk")
    assert run.open_specs(child) == [] and run.waiting_timers(instance_id) == []
    assert run.instance(instance_id).status == InstanceStatus.COMPLETED
    [plan] = run.plans(child)
    assert (plan.ended_on, plan.end_reason) == (date(2022, 5, 3), "no_longer_at_risk")
    assert run.conferences(child)[2].status == ConferenceStatus.CANCELLED
    assert not run.case(child).cp_plan and run.cp_episode(child).status == CpEpisodeStatus.ENDED
    run.on("2022-11-01")
    assert run.deadline_notices(seen) == []


def test_a_missed_icpc_gives_one_reminder_and_one_overdue_notice(life):
    run = life("2021-05-17")
    child = run.child()
    run.on("2021-05-18")  # Tuesday; the Spring bank holiday, Monday 31 May, is in the window
    run.strategy(child, "2021-05-18")
    assert run.cp_episode(child).icpc_due == date(2021, 6, 9)
    run.enquiry_to_conference(child, chair="iro2")
    seen = run.last_notice_id()
    for day in ("2021-06-01", "2021-06-03", "2021-06-09", "2021-06-10", "2021-06-14", "2021-07-01"):
        run.on(day)
    subject = "Overdue: the initial conference was due by 2021-06-09 and has not been held"
    assert sorted(run.deadline_notices(seen)) == [
        ("iro2", subject),
        ("iro2", "Reminder: the initial conference is due by 2021-06-09"),
        ("rqam", subject),
    ]


def test_a_strategy_discussion_without_a_section_47_enquiry_starts_nothing(life):
    run = life("2022-01-09")
    child = run.child()
    run.on("2022-01-10")
    recorded = run.strategy(child, "2022-01-10", s47=False)
    assert recorded.instance_ids == [] and run.open_specs(child) == [] and run.cp_episode(child) is None


def _plan_made(run, child, chair="iro2", strategy_on="2022-01-17", held_on="2022-01-28"):
    run.on(strategy_on)
    run.strategy(child, strategy_on)
    run.enquiry_to_conference(child, chair=chair)
    run.book(child, "icpc_book", held_on)
    run.on(held_on, hour=15)
    run.held(child, "icpc_record", held_on, decision="plan", category="emotional")


@pytest.mark.postgres
def test_a_sibling_group_of_three_has_one_conference_and_three_plans(life):
    run = life("2022-01-16")
    eldest = run.child("Ann North", "5100001")
    middle = run.child("Ben North", "5100002", siblings=[eldest])
    youngest = run.child("Cat North", "5100003", siblings=[eldest, middle])
    run.on("2022-01-17")
    started = run.strategy(eldest, "2022-01-17")
    assert run.strategy(middle, "2022-01-17").instance_ids == []  # they join the eldest's enquiry
    assert run.strategy(youngest, "2022-01-17").instance_ids == []
    run.enquiry_to_conference(eldest, chair="iro1")
    assert {run.case(c).cp_iro_id for c in (eldest, middle, youngest)} == {run.case(eldest).cp_iro_id} != {None}
    run.book(eldest, "icpc_book", "2022-01-28")
    run.on("2022-01-28", hour=15)
    run.held(eldest, "icpc_record", "2022-01-28", decision="plan", category="neglect")
    assert [c.number for c in run.conferences(eldest)] == [0, 1]  # one conference, and its review to come
    held = [a for a in run.audit("message_routed") if a.details["message"] == "conference_held"]
    assert [(a.instance_id, a.child_id) for a in held] == [(started.instance_ids[0], str(eldest))]
    assert [(p.child_id, p.number, p.category) for p in run.plans()] == [
        (eldest, 1, "neglect"),
        (middle, 1, "neglect"),
        (youngest, 1, "neglect"),
    ]
    assert all(run.case(c).cp_plan for c in (eldest, middle, youngest))
    # one set of minutes, for the three, with the minute taker the manager allocated
    [minutes] = db.session.scalars(select(ConferenceMinutes)).all()
    assert minutes.conference_id == run.conferences(eldest)[0].id and minutes.minute_taker_id is not None
    instance_children = db.session.scalars(
        select(InstanceChild.child_id).where(InstanceChild.instance_id == minutes.instance_id)
    ).all()
    assert sorted(instance_children) == sorted(str(c) for c in (eldest, middle, youngest))
    assert run.minutes_specs(eldest) == ["circulate_decisions"] and run.minutes_specs(middle) == []


def test_an_unborn_child_has_a_pre_birth_conference_and_the_plan_carries_on_after_the_birth(life):
    run = life("2022-01-16")
    unborn = cases.create_child(
        {
            "case_number": "5100009",
            "name": "Baby North",
            "expected_birth": "2022-03-01",
            "gender": "F",
            "team": "NE",
            "social_worker": "sw.north",
        },
        actor="test",
    ).id
    run.step()
    _plan_made(run, unborn)
    [pre_birth, review] = run.conferences(unborn)
    assert (pre_birth.kind, pre_birth.decision, run.cp_episode(unborn).pre_birth) == (
        ConferenceKind.PRE_BIRTH,
        "plan",
        True,
    )
    run.on("2022-02-10")
    run.do(unborn, "core_group", core_group_on="2022-02-10")
    run.on("2022-03-01")
    cases.change_child(unborn, {"dob": "2022-02-25"}, actor="test")
    run.step()
    run.book(unborn, "rcpc_book", "2022-04-20")
    run.on("2022-04-20", hour=15)
    run.held(unborn, "rcpc_record", "2022-04-20", decision="continue")
    child = run.case(unborn)
    assert child.dob == date(2022, 2, 25) and child.cp_plan
    assert [(c.kind, c.status) for c in run.conferences(unborn)] == [
        (ConferenceKind.PRE_BIRTH, ConferenceStatus.HELD),
        (ConferenceKind.REVIEW, ConferenceStatus.HELD),
        (ConferenceKind.REVIEW, ConferenceStatus.DUE),
    ]


def test_a_child_who_becomes_looked_after_on_a_plan_is_cp_to_lac_and_the_chair_is_suggested_first(life):
    from service.tasks.task_context import TaskContext

    run = life("2022-01-16")
    child = run.child()
    _plan_made(run, child, chair="iro2")
    run.on("2022-02-07")
    run.looked_after(child, "2022-02-07")
    [plan] = run.plans(child)
    assert plan.became_looked_after_on == date(2022, 2, 7)
    options = TaskContext(run.task(child, "allocate")).iro_options()
    assert (options[0].username, options[0].preferred) == ("iro2", "child protection IRO")


def test_a_plan_taken_on_has_its_review_conference_due_on_the_day_given(life):
    run = life("2022-01-16")
    child = run.child()
    run.on("2022-01-17")
    run.event(child, "cp_plan_started", "2021-11-01", category="physical", iro="iro1", next_review_due="2022-02-14")
    # it comes with its chair; the Business Support Manager names the minute taker of its conferences
    assert run.open_specs(child) == ["name_minute_taker"] and run.task(child, "name_minute_taker").assignee == "bsm"
    assert run.task(child, "name_minute_taker").due_at.date() == date(2022, 1, 19)  # within 2 WD
    run.do(child, "name_minute_taker", minute_taker="minutes")
    assert run.cp_episode(child).minute_taker_id == user_by_username("minutes").id
    [review] = run.conferences(child)
    assert (review.number, review.kind, review.due_date, review.status) == (
        1,
        ConferenceKind.REVIEW,
        date(2022, 2, 14),
        ConferenceStatus.DUE,
    )
    assert run.open_specs(child) == ["rcpc_book"] and run.task(child, "rcpc_book").assignee == "iro1"
    [plan] = run.plans(child)
    assert (plan.started_on, plan.category, plan.number) == (date(2021, 11, 1), "physical", 1)
    assert run.cp_episode(child).next_conference_due == date(2022, 2, 14)
    run.book(child, "rcpc_book", "2022-02-10")
    run.on("2022-02-10", hour=15)
    run.held(child, "rcpc_record", "2022-02-10", decision="continue")
    assert run.minutes_specs(child) == ["circulate_decisions"]  # the review's minutes, to the named minute taker
    assert run.task(child, "circulate_decisions").assignee == "minutes"


# --- the chair suggestion (docs/domain.md D2) --------------------------------------------------------------
def _chairs(run, child):
    """(username, why, caseload) of the allocation task's choices, in the order shown."""
    from service.tasks.task_context import TaskContext

    return [(o.username, o.why, o.caseload) for o in TaskContext(run.task(child, "allocate_chair")).cp_chair_options()]


def _to_allocation(run, child, day="2022-01-17"):
    run.strategy(child, day)
    run.do(child, "enquiry_outcome", convene="yes")


def test_the_chair_suggested_first_is_the_iro_who_reviews_the_child_as_looked_after(life):
    run = life("2022-01-16")
    child = run.allocated(day="2022-01-17", iro="iro2")  # iro2's one child: iro1 has the lighter caseload
    _to_allocation(run, child)
    assert _chairs(run, child)[:2] == [("iro2", "reviews the child as looked after", 1), ("iro1", None, 0)]
    labels = [
        c.label
        for c in forms.form_for("allocate_cp_chair", api=True, data={}, context=_context(run, child)).iro.choices
    ]
    assert labels[0] == "Ira Two (reviews the child as looked after; 1 children, 1.0 per FTE)"


def test_then_the_iro_who_reviews_or_chairs_for_a_sibling(life):
    run = life("2022-01-16")
    sibling = run.child("Ann North", "5100001")
    run.on("2022-01-17")
    run.event(sibling, "cp_plan_started", "2021-11-01", category="neglect", iro="iro2", next_review_due="2022-03-01")
    child = run.child("Ben North", "5100002", siblings=[sibling])
    _to_allocation(run, child)
    assert _chairs(run, child)[:2] == [("iro2", "reviews or chairs for a sibling", 1), ("iro1", None, 0)]


def test_then_the_lowest_caseload_per_fte_counting_plans_chaired(life):
    run = life("2022-01-16")
    run.allocated(day="2022-01-17", iro="iro1", name="Lee East", case_number="5100005")  # iro1: one looked after
    for case_number in ("5100006", "5100007"):  # iro2: two plans chaired
        other = run.child("Kim West", case_number)
        run.event(other, "cp_plan_started", "2021-11-01", category="neglect", iro="iro2", next_review_due="2022-03-01")
    child = run.child("Alex North", "5100008")
    _to_allocation(run, child)
    assert _chairs(run, child)[:2] == [("iro1", None, 1), ("iro2", None, 2)]
    takers = [
        c.label
        for c in forms.form_for(
            "allocate_cp_chair", api=True, data={}, context=_context(run, child)
        ).minute_taker.choices
    ]
    assert takers == ["Mina Minutes (0 sets of minutes outstanding)"]


def _context(run, child):
    from service.tasks.task_context import TaskContext

    return TaskContext(run.task(child, "allocate_chair"))


def test_a_late_report_does_not_hold_the_conference_up_and_a_missed_core_group_tells_the_chair_once(life):
    run = life("2022-01-16")
    child = run.child()
    run.on("2022-01-17")
    run.strategy(child, "2022-01-17")
    run.enquiry_to_conference(child, chair="iro2")
    run.book(child, "icpc_book", "2022-01-28")
    seen = run.last_notice_id()
    run.on("2022-01-27")
    report = "the report for the conference on 2022-01-28"
    assert run.deadline_notices(seen) == [
        ("sw.north", f"Reminder: {report} is due by 2022-01-26"),
        ("iro2", f"Reminder: {report} is due by 2022-01-26"),
        ("sw.north", f"Overdue: {report} was due by 2022-01-26"),
        ("iro2", f"Overdue: {report} was due by 2022-01-26"),
    ]
    run.on("2022-01-28", hour=15)
    run.held(child, "icpc_record", "2022-01-28", decision="plan", category="physical")
    assert run.open_specs(child) == ["core_group", "rcpc_book"]  # the report task closed with the conference
    seen = run.last_notice_id()
    for day in ("2022-02-10", "2022-02-14", "2022-02-21"):
        run.on(day)
    assert run.deadline_notices(seen) == [
        ("sw.north", "Reminder: the first core group meeting is due by 2022-02-11"),
        ("sw.north", "Overdue: the first core group meeting was due by 2022-02-11"),
        ("iro2", "Overdue: the first core group meeting was due by 2022-02-11"),
    ]


def test_an_enquiry_without_a_conference_and_a_conference_without_a_plan_each_end_the_process(life):
    run = life("2022-01-16")
    first, second = run.child("Ann North", "5100001"), run.child("Ben South", "5100002")
    run.on("2022-01-17")
    run.strategy(first, "2022-01-17")
    run.do(first, "enquiry_outcome", convene="no", outcome="child_in_need", outcome_note="Family support agreed.")
    episode = run.cp_episode(first)
    assert (episode.status, episode.outcome, episode.next_conference_due) == (
        CpEpisodeStatus.NO_CONFERENCE,
        "child_in_need",
        None,
    )
    assert run.conferences(first)[0].status == ConferenceStatus.CANCELLED
    assert run.instance(episode.instance_id).status == InstanceStatus.COMPLETED and run.open_specs(first) == []

    run.strategy(second, "2022-01-17")
    run.enquiry_to_conference(second)
    run.book(second, "icpc_book", "2022-01-28")
    run.on("2022-01-28", hour=15)
    run.held(second, "icpc_record", "2022-01-28", decision="no_plan")
    episode = run.cp_episode(second)
    assert (episode.status, run.plans(second), run.open_specs(second)) == (CpEpisodeStatus.NO_PLAN, [], [])
    assert run.instance(episode.instance_id).status == InstanceStatus.COMPLETED


def test_a_transfer_in_goes_straight_to_its_chair_and_a_review_can_end_the_plan(life):
    run = life("2022-01-16")
    child = run.child()
    run.on("2022-01-17")
    run.strategy(child, "2022-01-17", s47=False, transfer_in=True)
    assert run.open_specs(child) == ["allocate_chair"]  # no section 47 enquiry to record
    run.do(child, "allocate_chair", iro="iro1", minute_taker="minutes")
    run.book(child, "icpc_book", "2022-01-28")
    run.on("2022-01-28", hour=15)
    run.held(child, "icpc_record", "2022-01-28", decision="plan", category="sexual")
    assert run.conferences(child)[0].kind == ConferenceKind.TRANSFER_IN
    run.on("2022-02-01")
    run.book(child, "rcpc_book", "2022-04-20")
    run.on("2022-04-20", hour=15)
    run.held(child, "rcpc_record", "2022-04-20", decision="end", end_reason="no_longer_at_risk")
    [plan] = run.plans(child)
    assert (plan.ended_on, plan.end_reason) == (date(2022, 4, 20), "no_longer_at_risk")
    assert run.open_specs(child) == []  # the core group task closed with the plan
    episode = run.cp_episode(child)
    assert (episode.status, episode.next_conference_due) == (CpEpisodeStatus.ENDED, None)
    assert run.instance(episode.instance_id).status == InstanceStatus.COMPLETED and not run.case(child).cp_plan
