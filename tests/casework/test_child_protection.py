"""Child protection through the shipped diagram on the application clock (docs/domain.md D):
the enquiry, the initial conference within 15 working days, the plan's core group and review
conferences, a sibling group conferenced together, an unborn child, a take-on. Each scenario
runs straight through and with every cache dropped between steps, as after a restart."""

from datetime import date

import pytest

from service.casework import children as cases
from service.models import ConferenceKind, ConferenceStatus, CpEpisodeStatus, InstanceStatus
from tests.support.lifecycle import STRAIGHT_AND_RESTARTED
from tests.support.protection import Protection


@pytest.fixture(params=STRAIGHT_AND_RESTARTED)
def life(app_factory, request):
    app = app_factory()
    with app.app_context():
        yield lambda start: Protection(app, request.param, start)


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
    instance = run.cp_instance(child)
    assert "review_reminder" in run.waiting_timers(instance.id)
    run.event(child, "cp_plan_ended", "2022-05-03", reason="no_longer_at_risk")
    assert run.open_specs(child) == [] and run.waiting_timers(instance.id) == []
    assert run.instance(instance.id).status == InstanceStatus.COMPLETED
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
