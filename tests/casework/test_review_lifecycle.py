"""A looked-after child's reviews, run by the shipped diagrams on the application clock
(docs/domain.md A). Each scenario runs twice: straight through, and with every cache dropped
between steps, as after a restart."""

from datetime import date

import pytest

from service.casework import children as cases
from service.errors import InvalidData
from service.models import ReviewStatus
from service.reports import review_figures
from service.workflow import outbox
from tests.support.lifecycle import STRAIGHT_AND_RESTARTED, Life


@pytest.fixture(params=STRAIGHT_AND_RESTARTED)
def life(app_factory, request):
    app = app_factory()
    with app.app_context():
        yield lambda start: Life(app, request.param, start)


@pytest.mark.postgres
def test_first_months_allocation_booking_review_and_its_record(life):
    run = life("2019-04-14")
    child = run.child()
    run.on("2019-04-15")
    run.looked_after(child, "2019-04-15")
    allocation = run.task(child, "allocate")
    assert allocation.assignee == "rqam"
    assert allocation.due_at.date().isoformat() == "2019-04-24"  # Good Friday and Easter Monday skipped
    seen = run.last_notice_id()
    run.on("2019-04-23")
    assert run.notices(seen) == [("rqam", "Reminder: allocate an IRO by 2019-04-24")]
    run.do(child, "allocate", iro="iro1")
    episode = run.episode(child)
    assert (episode.allocated_on, episode.allocation_met) == (date(2019, 4, 23), True)
    [first] = run.reviews(child)
    assert (first.number, first.due_date, first.status) == (1, date(2019, 5, 16), ReviewStatus.DUE)
    booking = run.task(child, "book_review")
    assert (booking.assignee, booking.due_at.date()) == ("iro1", date(2019, 5, 8))  # 10 WD, 6 May skipped

    run.on("2019-04-24")
    run.do(child, "book_review", review_date="2019-05-14")
    assert run.open_specs(child) == ["record_contact", "review_report"]
    report = run.task(child, "review_report")
    assert (report.assignee, report.due_at.date()) == ("sw.north", date(2019, 5, 9))
    run.on("2019-05-07")
    run.do(child, "review_report", report_summary="Settled in placement; school attendance 96%.")
    run.on("2019-05-10")
    run.do(child, "record_contact", contact_date="2019-05-10", contact_method="visit")
    assert run.open_specs(child) == ["hold_review"]

    run.on("2019-05-14", hour=16)
    run.do(
        child,
        "hold_review",
        outcome="held",
        held_on="2019-05-14",
        attendees="Alex\nSam North\nFoster carer",
        participation_code="PN1",
        decisions=[
            {
                "text": "Referral to CAMHS",
                "owner": "Sam North",
                "due": "2019-06-14",
                "starred": True,
                "category": "accessing_resources",
            },
            {"text": "Contact with grandmother monthly", "owner": "Sam North", "due": "2019-05-31"},
        ],
    )
    first, second = run.reviews(child)
    assert (first.status, first.held_on, first.on_time, first.participation_code, first.iro_id is not None) == (
        ReviewStatus.HELD,
        date(2019, 5, 14),
        True,
        "PN1",
        True,
    )
    assert (first.decisions_to_managers_due, first.decisions_due, first.record_due, first.distribution_due) == (
        date(2019, 5, 17),
        date(2019, 5, 21),
        date(2019, 6, 5),
        date(2019, 6, 12),
    )  # 27 May skipped
    assert (second.number, second.due_date) == (2, date(2019, 8, 14))  # within 3 months of the first
    assert run.open_specs(child) == ["book_review", "grade_care_plan", "send_decisions"]

    seen = run.last_notice_id()
    run.on("2019-05-16")
    run.do(child, "send_decisions", done=True)
    run.do(
        child,
        "grade_care_plan",
        worker_qualified="qualified",
        rag_status="green",
        green_criteria=["green_1"],
        details_green_1="Plan on track.",
        green_actions=["passed_on", "review_in_timescale"],
    )
    subject = "Decisions of the review held on 2019-05-14 (starred recommendations marked *)"
    assert run.notices(seen) == [  # sent on 16 May, before the reminder due at the end of that day
        ("sw.north", subject),
        ("tm.ne", subject),
        ("ism.north", subject),
        ("sw.north", "Care plan graded Green at the review held on 2019-05-14"),
        ("tm.ne", "Care plan graded Green at the review held on 2019-05-14"),
        ("ism.north", "Care plan graded Green at the review held on 2019-05-14"),
    ]
    seen = run.last_notice_id()
    run.on("2019-05-20")
    run.do(child, "starred_done", completion_note="Referral accepted 17 May.")
    run.do(child, "book_review", review_date="2019-08-20", late_reason="stakeholder_unavailable")  # due 14 Aug
    assert "sign_off_late_review" in run.open_specs(child)
    run.on("2019-05-21")
    run.do(child, "sign_off_late_review", sign_off="approve")
    run.on("2019-05-22")  # the decisions were due to be circulated by the end of 21 May
    run.do(child, "circulate_decisions", done=True)
    run.on("2019-06-04")
    run.do(child, "complete_record", done=True)
    run.on("2019-06-12")
    run.do(child, "distribute_record", done=True)
    assert run.notices(seen) == [
        ("iro1", "Starred recommendation done (review held on 2019-05-14)"),
        ("iro1", "Reminder: circulating the decisions is due by 2019-05-21"),
        ("rqam", "Overdue: circulating the decisions was due by 2019-05-21"),
        ("iro1", "Reminder: distributing the record to everyone who attended is due by 2019-06-12"),
    ]
    first = run.reviews(child)[0]
    assert [(first.decisions_to_managers_met, first.decisions_met, first.record_met, first.distribution_met)] == [
        (True, False, True, True)
    ]
    assert [d.get("done_on") for d in first.decisions] == ["2019-05-20", None]
    assert run.instance(first.instance_id).status.value == "completed"
    second = run.reviews(child)[1]
    assert (second.booked_date, second.late_reason, second.late_signed_off_on) == (
        date(2019, 8, 20),
        "stakeholder_unavailable",
        date(2019, 5, 21),
    )
    assert run.open_specs(child) == ["record_contact", "review_report"]

    # the second review: the report never comes, and it is held late
    seen = run.last_notice_id()
    run.on("2019-08-19")
    run.do(child, "record_contact", contact_date="2019-08-19", contact_method="phone")
    run.on("2019-08-20", hour=15)
    overdue = "Overdue: review 2 was due by 2019-08-14 and has not been held"
    assert run.notices(seen) == [
        ("iro1", "Reminder: see or consult the child before review 2 on 2019-08-20"),
        ("sw.north", "Reminder: your report for the review on 2019-08-20 is due by 2019-08-15"),
        ("iro1", "Reminder: review 2 is due by 2019-08-14"),
        ("iro1", overdue),
        ("rqam", overdue),  # signed off late, still late: told once
        ("iro1", "No social worker's report for the review on 2019-08-20"),
    ]
    run.do(
        child,
        "hold_review",
        outcome="held",
        held_on="2019-08-20",
        attendees="Alex\nSam North",
        participation_code="PN5",
        decisions=[{"text": "Review contact plan", "owner": "Sam North", "due": "2019-09-30"}],
    )
    second, third = run.reviews(child)[1:]
    assert (second.on_time, second.report_missing, second.participation_code) == (False, True, "PN5")
    assert (third.number, third.due_date) == (3, date(2020, 2, 20))  # then at most 6 months apart

    # a significant change: the IRO convenes an early review; the care plan change waits for it
    run.on("2019-10-01")
    run.event(
        child,
        "significant_change",
        "2019-10-01",
        kind="unplanned_placement_change",
        details="Residential placement ended after an incident.",
        care_plan_change={"circumstance": "move_from_settled_residential", "description": "Move to a foster placement"},
    )
    assert run.refused(child, "change_care_plan", change_made_on="2019-10-01", change_notes="Moved") == {
        "change_made_on": "The care plan cannot change until a review endorses it (protocol 3.6.3): the IRO "
        "records the endorsement when the next review is held"
    }
    run.do(
        child,
        "consider_change",
        decision="convene_early_review",
        early_review_date="2019-10-15",
        reason="Unplanned end of a settled residential placement.",
    )
    assert run.reviews(child)[2].booked_date == date(2019, 10, 15)
    assert run.reviews(child)[2].brought_forward is True
    run.on("2019-10-02")
    run.do(child, "record_contact", contact_date="2019-10-02", contact_method="visit")
    run.do(child, "review_report", report_summary="Placement ended; interim foster placement found.")
    run.on("2019-10-15", hour=15)
    run.do(
        child,
        "hold_review",
        outcome="held",
        held_on="2019-10-15",
        attendees="Alex\nSam North",
        participation_code="PN2",
        care_plan_changes_endorsed="yes",
        decisions=[{"text": "Long-term foster placement", "owner": "Sam North", "due": "2019-12-01"}],
    )
    run.on("2019-10-16")
    run.do(child, "change_care_plan", change_made_on="2019-10-16", change_notes="Moved to foster placement.")

    # ceasing 12 working days after that review: no flag; the open work closes
    open_before = [t.id for t in run.open_tasks(str(child))]
    seen = run.last_notice_id()
    run.on("2019-10-31")
    run.event(child, "ceased_looked_after", "2019-10-31", reason="returned_home")
    assert run.open_tasks(str(child)) == []
    assert {run.task_status(t).value for t in open_before} == {"cancelled"}
    episode = run.episode(child)
    assert (episode.ceased_on, episode.reviewed_before_ceasing) == (date(2019, 10, 31), True)
    assert ("rqam", "A child ceased to be looked after without a review") not in run.notices(seen)
    assert run.reviews(child)[-1].status == ReviewStatus.CANCELLED

    # what the managers' figures and the DfE return make of it
    figures = review_figures.report(date(2019, 4, 1), date(2020, 3, 31), today=date(2019, 10, 31))
    assert (figures.overall.reviews.held, figures.overall.reviews.on_time) == (3, 2)
    assert (figures.overall.participation.coded, figures.overall.participation.participating) == (3, 3)
    assert review_figures.ssda903_reviews_csv(date(2019, 4, 1), date(2020, 3, 31)).splitlines() == [
        "CHILD,DOB,REVIEW,REVIEW_CODE",
        "4120389A,04/03/2012,14/05/2019,PN1",
        "4120389A,04/03/2012,20/08/2019,PN5",
        "4120389A,04/03/2012,15/10/2019,PN2",
    ]


def test_the_december_2023_review_deadlines_skip_christmas_and_new_year(life):
    run = life("2023-10-31")
    child = run.child()
    run.on("2023-11-01")
    run.looked_after(child, "2023-11-01")
    run.do(child, "allocate", iro="iro1")
    run.do(child, "book_review", review_date="2023-11-28")
    run.do(child, "record_contact", contact_date="2023-11-01", contact_method="visit")
    run.do(child, "review_report", report_summary="Settled.")
    run.on("2023-11-28", hour=15)
    run.do(
        child,
        "hold_review",
        outcome="adjourned",
        adjourn_reason="The health assessment is missing.",
        new_date="2023-12-21",
    )
    adjourned = run.reviews(child)[0]
    assert (adjourned.status, adjourned.booked_date, adjourned.adjournments) == (
        ReviewStatus.ADJOURNED,
        date(2023, 12, 21),
        1,
    )
    # the first review was due within 20 WD (29 Nov): the new date is late, so it needs a sign-off
    assert run.open_specs(child) == ["sign_off_late_review"]
    run.do(child, "sign_off_late_review", sign_off="approve")
    run.do(child, "record_contact", contact_date="2023-11-28", contact_method="written")
    run.do(child, "review_report", report_summary="Health assessment now done.")
    run.on("2023-12-21", hour=15)
    run.do(
        child,
        "hold_review",
        outcome="held",
        held_on="2023-12-21",
        attendees="Alex\nSam North",
        participation_code="PN3",
        decisions=[{"text": "Dental check", "owner": "Carer", "due": "2024-01-31"}],
    )
    review = run.reviews(child)[0]
    assert (review.on_time, review.adjournments) == (False, 1)  # adjourned past its due date: out of timescale
    assert (review.decisions_due, review.record_due, review.distribution_due) == (
        date(2024, 1, 2),
        date(2024, 1, 16),
        date(2024, 1, 23),
    )
    assert review.decisions_to_managers_due == date(2023, 12, 28)


def test_a_short_break_child_is_reviewed_within_3_months_then_every_6(life):
    run = life("2024-01-07")
    child = run.child(name="Cam Breaks", dob="2015-06-01", team="NE")
    run.on("2024-01-08")
    run.looked_after(child, "2024-01-08", legal_status="V4")
    assert run.episode(child).short_breaks is True
    run.do(child, "allocate", iro="iro2")
    [first] = run.reviews(child)
    assert first.due_date == date(2024, 4, 8)  # 3 months, not 20 working days
    run.do(child, "book_review", review_date="2024-04-02")
    run.do(child, "record_contact", contact_date="2024-01-08", contact_method="visit")
    run.do(child, "review_report", report_summary="Short breaks going well.")
    run.on("2024-04-02", hour=15)
    run.do(
        child,
        "hold_review",
        outcome="held",
        held_on="2024-04-02",
        attendees="Cam\nMum",
        participation_code="PN1",
        decisions=[{"text": "Continue breaks", "owner": "CDT", "due": "2024-10-01"}],
    )
    assert run.reviews(child)[1].due_date == date(2024, 10, 2)  # then 6-monthly


def test_ceasing_without_a_review_in_the_previous_20_working_days_is_flagged(life):
    run = life("2024-01-07")
    child = run.child()
    run.on("2024-01-08")
    run.looked_after(child, "2024-01-08")
    seen = run.last_notice_id()
    run.on("2024-01-22")
    run.event(child, "ceased_looked_after", "2024-01-22", reason="returned_home")
    assert run.notices(seen) == [
        ("rqam", "Reminder: allocate an IRO by 2024-01-15"),
        ("rqam", "Overdue: no IRO allocated"),
        ("rqam", "A child ceased to be looked after without a review"),
    ]
    episode = run.episode(child)
    assert (episode.allocated_on, episode.reviewed_before_ceasing, episode.ceased_reason) == (
        None,
        False,
        "returned_home",
    )
    assert run.open_tasks(str(child)) == []
    assert run.instance(episode.instance_id).status.value == "completed"


def test_bad_answers_are_refused_with_the_field_named_and_nothing_changes(life):
    run = life("2024-01-07")
    child = run.child(dob="2021-02-01")  # under 4 until February 2025
    run.on("2024-01-08")
    run.looked_after(child, "2024-01-08")
    run.do(child, "allocate", iro="iro1")
    assert run.refused(child, "book_review", review_date="2024-01-05") == {
        "review_date": "The date of the review must be today or in the future"
    }
    assert run.refused(child, "book_review", review_date="2024-03-01") == {
        "late_reason": "Select why the review is after its due date of 05 February 2024"
    }
    run.do(child, "book_review", review_date="2024-02-01")
    run.do(child, "record_contact", contact_date="2024-01-08", contact_method="visit")
    run.do(child, "review_report", report_summary="Fine.")
    run.on("2024-02-01", hour=15)
    held = dict(
        outcome="held",
        held_on="2024-02-01",
        attendees="Mum",
        decisions=[{"text": "Nursery place", "owner": "SW", "due": "2024-03-01"}],
    )
    assert run.refused(child, "hold_review", **held, participation_code="PN1") == {
        "participation_code": "The child was under 4 on the review date: use PN0"
    }
    assert run.refused(child, "hold_review", **{**held, "held_on": "2024-01-05"}, participation_code="PN0") == {
        "held_on": "The review cannot be before the child became looked after on 08 January 2024"
    }
    assert run.refused(child, "hold_review", outcome="adjourned", new_date="2024-02-20") == {
        "adjourn_reason": "Say why the review was adjourned"
    }
    assert run.refused(child, "hold_review", **held, participation_code="PN0", surprise="x") == {
        "surprise": "unknown field"
    }
    assert run.open_specs(child) == ["hold_review"] and run.reviews(child)[0].status == ReviewStatus.BOOKED
    run.do(child, "hold_review", **held, participation_code="PN0")
    assert run.reviews(child)[0].participation_code == "PN0"


def test_each_reminder_and_overdue_notice_reaches_the_smtp_server_exactly_once(app_factory, smtp):
    app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    with app.app_context():
        run = Life(app, False, "2019-04-14")
        child = run.child()
        run.on("2019-04-15")
        run.looked_after(child, "2019-04-15")
        for day in ("2019-04-18", "2019-04-19", "2019-04-23", "2019-04-25", "2019-04-26"):
            run.on(day, hour=12)  # several sweeps: nothing fires twice
            outbox.deliver_due("test")
        run.do(child, "allocate", iro="iro1")  # booking due by 13 May (10 WD), reminded at the end of 10 May
        for day in ("2019-05-13", "2019-05-14", "2019-05-15"):
            run.on(day)
            outbox.deliver_due("test")
        run.on("2019-05-16")
        assert outbox.deliver_due("test") == 0
    assert sorted((m.to[0], m.subject) for m in smtp.received) == sorted(
        [
            ("rqam@council.example", "Reminder: allocate an IRO by 2019-04-24"),
            ("rqam@council.example", "Overdue: no IRO allocated"),
            ("iro1@council.example", "You are now the IRO for a child looked after since 2019-04-15"),
            ("iro1@council.example", "Reminder: book review 1 by 2019-05-13"),
            ("iro1@council.example", "Reminder: review 1 is due by 2019-05-16"),
            ("rqam@council.example", "Overdue: review 1 is not booked"),
        ]
    )


def test_a_child_already_looked_after_at_go_live_starts_with_their_iro_and_next_review(life):
    run = life("2024-01-07")
    child = run.child()
    run.on("2024-01-08")
    taken_on = {
        "date": "2019-06-03",
        "legal_status": "C2",
        "placement_type": "foster",
        "placement_regulated": True,
        "iro": "iro2",
        "next_review_number": 9,
        "next_review_due": "2024-03-15",
    }
    with pytest.raises(InvalidData) as refused:
        cases.take_on(child, {**taken_on, "iro": "sw.north", "next_review_number": 0}, actor="test")
    assert refused.value.errors == {"next_review_number": "give a whole number from 1"}
    with pytest.raises(InvalidData) as refused:
        cases.take_on(child, {**taken_on, "iro": "sw.north"}, actor="test")
    assert refused.value.errors == {"iro": "no IRO with this username"}
    assert run.instances_of(child) == []

    cases.take_on(child, taken_on, actor="test")
    run.step()
    episode = run.episode(child)
    assert (episode.started_on, episode.allocation_due, episode.iro_id is not None) == (date(2019, 6, 3), None, True)
    [review] = run.reviews(child)
    assert (review.number, review.due_date, review.status) == (9, date(2024, 3, 15), ReviewStatus.DUE)
    booking = run.task(child, "book_review")
    assert (booking.assignee, booking.due_at.date()) == ("iro2", date(2024, 1, 22))  # within 10 WD of today
    assert run.open_specs(child) == ["book_review"]


def test_take_on_from_a_csv_file_reports_each_refused_line(life, tmp_path):
    run = life("2024-01-07")
    first, second = run.child(), run.child(name="Bo South", case_number="43235", team="South", worker="sw.south")
    run.on("2024-01-08")
    path = tmp_path / "take-on.csv"
    path.write_text(
        "case_number,date,legal_status,placement_type,placement_regulated,iro,next_review_number,"
        "next_review_due\n4120389A,2019-06-03,C2,foster,yes,iro1,9,2024-03-15\n"
        "43235,2019-06-03,XX,foster,no,iro2,3,2024-02-01\n99999,2019-06-03,C2,foster,no,iro2,3,2024-02-01\n"
    )
    result = run.app.test_cli_runner().invoke(args=["take-on", str(path)])
    assert "1 child(ren) taken on" in result.output
    assert "line 3: legal_status: must be one of" in result.output
    assert "line 4: no child with case number '99999'" in result.output
    run.step()
    assert run.reviews(first)[0].number == 9 and run.reviews(second) == []
