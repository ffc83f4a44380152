"""The RAG notification after each review and its follow-ups (docs/domain.md B), run by the
shipped diagrams and decision table on the application clock. Each scenario runs twice:
straight through, and with every cache dropped between steps, as after a restart."""

from datetime import date

import pytest
from sqlalchemy import select

from service.db import db
from service.diagrams import specs
from service.models import ManagementAlert, OutboxMessage, RagNotification, RagStatus
from service.workflow import clock
from service.workflow import working_days as calendar
from tests.support.lifecycle import STRAIGHT_AND_RESTARTED, Life, at_nine
from tests.support.paths import ROOT

REASONS = {
    "red": ("red_4", "Serious delays in care planning."),
    "amber": ("amber_3", "No Social Worker report for the Review meeting"),
    "green": ("green_1", "Case is well managed and care planning is progressing."),
}
RAG_SPECS = {
    "grade_care_plan",
    "sw_response",
    "tm_response",
    "review_progress",
    "written_update",
    "judge_update",
    "meet_case_holders",
    "ask_about_alert",
}
ALL_ACTIONS = {
    "red": ["response_2_weeks", "iro_review_3_weeks", "review_within_3_months"],
    "amber": ["response_2_weeks", "written_update_3_months"],
    "green": ["passed_on"],
}


class RagLife(Life):
    def looked_after_child(self, day, **child):
        if self.today() < day:
            self.on(day)
        child_id = self.child(**child)
        self.looked_after(child_id, day)
        self.do(child_id, "allocate", iro="iro1")
        return child_id

    def today(self) -> str:
        return calendar.london_date(clock.now()).isoformat()

    def prepare_review(self, child, day):
        """Book the child's next review for `day` (a working day) a week before, with its contact and report."""
        booked = calendar.add_working_days(date.fromisoformat(day), -5).isoformat()
        if self.today() < booked:
            self.on(booked)
        self.do(child, "book_review", review_date=day)
        self.do(child, "record_contact", contact_date=self.today(), contact_method="visit")
        self.do(child, "review_report", report_summary="Settled.")

    def hold_review(self, child, day, prepared=False):
        """Hold the child's next review on `day`, booked and prepared a week before unless `prepared`."""
        if not prepared:
            self.prepare_review(child, day)
        if clock.now() < at_nine(day).replace(hour=15):
            self.on(day, hour=15)
        self.do(
            child,
            "hold_review",
            outcome="held",
            held_on=day,
            attendees="Alex\nSam North",
            participation_code="PN1",
            decisions=[{"text": "Placement plan", "owner": "Sam North", "due": day}],
        )

    def grade(self, child, status, actions=None, excellent=False):
        code, _ = REASONS[status]
        answers = {
            "worker_qualified": "qualified",
            "rag_status": status,
            f"{status}_criteria": [code],
            f"details_{code}": "As discussed at the review.",
            f"{status}_actions": ALL_ACTIONS[status] if actions is None else actions,
        }
        if excellent:
            answers.update(excellent_practice=True, excellent_practice_details="Outstanding direct work.")
        self.do(child, "grade_care_plan", **answers)
        return self.rag(child)

    def rag_specs(self, child) -> list[str]:
        """The child's open tasks of RAG follow-ups (the review's own record steps left out)."""
        return [spec for spec in self.open_specs(child) if spec in RAG_SPECS]

    def rag(self, child) -> RagNotification:
        db.session.rollback()
        return db.session.scalars(
            select(RagNotification).where(RagNotification.child_id == child).order_by(RagNotification.id.desc())
        ).first()

    def alerts_of(self, child) -> list[ManagementAlert]:
        return db.session.scalars(select(ManagementAlert).where(ManagementAlert.child_id == child)).all()

    def rag_notices(self, since):
        return [n for n in self.notices(since) if "RAG" in n[1] or "graded" in n[1] or "Good Practice" in n[1]]


@pytest.fixture(params=STRAIGHT_AND_RESTARTED)
def life(app_factory, request):
    app = app_factory()
    with app.app_context():
        yield lambda start: RagLife(app, request.param, start)


def test_red_responses_on_time_and_late_the_iros_review_and_limited_progress_starting_an_alert(life):
    run = life("2022-01-02")
    child = run.looked_after_child("2022-01-04")
    run.hold_review(child, "2022-01-25")
    seen = run.last_notice_id()
    rag = run.grade(child, "red")
    assert (rag.status, rag.review_date, rag.criteria[0]["text"]) == (
        RagStatus.RED,
        date(2022, 1, 25),
        "Serious delays in care planning.",
    )
    subject = "Care plan graded Red at the review held on 2022-01-25"
    assert run.rag_notices(seen) == [("sw.north", subject), ("tm.ne", subject), ("ism.north", subject)]
    sent = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.subject == subject).limit(1))
    assert "- Serious delays in care planning.: As discussed at the review." in sent
    assert "- Placement plan (Sam North, by 2022-01-25)" in sent  # the review's decisions
    assert run.rag_specs(child) == ["review_progress", "sw_response", "tm_response"]
    assert run.task(child, "sw_response").due_at.date() == date(2022, 2, 8)  # 2 calendar weeks
    assert run.task(child, "review_progress").due_at.date() == date(2022, 2, 15)  # 3 calendar weeks
    run.on("2022-02-01")
    run.do(child, "tm_response", response="Placement search started.")  # on time
    seen = run.last_notice_id()
    run.on("2022-02-07")  # two working days before the end of 8 Feb
    assert run.rag_notices(seen) == [("sw.north", "Reminder: respond to the Red RAG notification by 2022-02-08")]
    seen = run.last_notice_id()
    run.on("2022-02-09")
    assert sorted(run.rag_notices(seen)) == [
        ("iro1", "Overdue: no response from the Social Worker to the Red RAG notification"),
        ("ism.north", "Overdue: no response from the Social Worker to the Red RAG notification"),
    ]
    run.do(child, "sw_response", response="Sorry for the delay: visits are booked.")  # late, still taken
    assert run.alerts_of(child) == []
    run.do(child, "review_progress", progress="limited", progress_notes="No placement identified.")
    [alert] = run.alerts_of(child)
    assert (alert.stage, alert.review_id is not None, run.rag(child).alert_id, run.rag(child).progress) == (
        1,
        True,
        alert.id,
        "limited",
    )
    assert "Limited progress on the Red RAG notification" in alert.summary


def test_a_red_at_a_six_monthly_review_brings_the_next_review_within_3_months(life):
    run = life("2022-01-02")
    child = run.looked_after_child("2022-01-04")
    run.hold_review(child, "2022-01-25")
    run.grade(child, "green", actions=["passed_on"])
    run.hold_review(child, "2022-04-20")
    assert run.reviews(child)[-1].due_date == date(2022, 10, 20)
    run.grade(child, "red", actions=["review_within_3_months"])
    # the responses and the IRO's review of them follow every Red, whatever is ticked
    assert run.rag_specs(child) == ["review_progress", "sw_response", "tm_response"]
    third = run.reviews(child)[-1]  # due within 3 months of this one; the IRO books it by then
    assert (third.due_date, third.booked_date, third.brought_forward) == (date(2022, 7, 20), None, True)
    assert run.task(child, "book_review").due_at.date() <= date(2022, 7, 20)


def test_amber_asks_for_responses_and_a_written_update_in_3_months_green_only_notifies(life):
    run = life("2022-01-02")
    amber = run.looked_after_child("2022-01-04")
    green = run.looked_after_child("2022-01-04", name="Bo South", case_number="43235", team="South", worker="sw.south")
    run.prepare_review(amber, "2022-01-25")
    run.prepare_review(green, "2022-01-25")
    run.hold_review(amber, "2022-01-25", prepared=True)
    run.hold_review(green, "2022-01-25", prepared=True)
    run.grade(amber, "amber")
    assert run.rag_specs(amber) == ["sw_response", "tm_response", "written_update"]
    assert run.task(amber, "written_update").due_at.date() == date(2022, 4, 25)
    other = run.looked_after_child("2022-01-04", name="Cy North", case_number="4120390A")
    run.hold_review(other, "2022-01-26")
    run.grade(other, "amber", actions=["response_2_weeks"])
    assert run.rag_specs(other) == ["sw_response", "tm_response", "written_update"]  # whatever is ticked
    seen = run.last_notice_id()
    run.grade(green, "green", excellent=True)
    assert run.rag_specs(green) == []  # the next review keeps its statutory date
    assert run.reviews(green)[-1].booked_date is None
    assert sorted(run.rag_notices(seen)) == sorted(
        [
            ("sw.south", "Care plan graded Green at the review held on 2022-01-25"),
            ("tm.south", "Care plan graded Green at the review held on 2022-01-25"),
            ("ism.south", "Care plan graded Green at the review held on 2022-01-25"),
            ("sw.south", "Recognition of Good Practice"),
            ("ism.south", "Recognition of Good Practice (copy)"),
            ("complaints", "Recognition of Good Practice (copy)"),
        ]
    )
    seen = run.last_notice_id()
    run.on("2022-04-22")  # two working days before the end of Mon 25 Apr
    assert ("sw.north", "Reminder: written update on the Amber RAG notification due by 2022-04-25") in run.rag_notices(
        seen
    )
    run.do(amber, "written_update", written_update="Report now on file; permanence panel booked.")
    run.do(amber, "judge_update", progress="adequate", progress_notes="Good progress.")
    assert run.rag(amber).progress == "adequate"


def _red_twice(run, child, between=None, days=("2022-01-25", "2022-04-20", "2022-07-20")):
    run.hold_review(child, days[0])
    run.grade(child, "red", actions=["response_2_weeks"])
    run.do(child, "sw_response", response="Noted.")
    run.do(child, "tm_response", response="Noted.")
    if between:
        run.hold_review(child, days[1])
        run.grade(child, between, actions=ALL_ACTIONS[between][:1])
        for spec in ("sw_response", "tm_response"):
            if spec in run.rag_specs(child):
                run.do(child, spec, response="Noted.")
    run.hold_review(child, days[2] if between else days[1])
    seen = run.last_notice_id()
    run.grade(child, "red", actions=["response_2_weeks"])
    return seen


def test_a_second_consecutive_red_starts_exactly_one_alert_red_green_red_none(life):
    run = life("2022-01-02")
    child = run.looked_after_child("2022-01-04")
    seen = _red_twice(run, child)
    [alert] = run.alerts_of(child)
    assert (alert.stage, alert.status.value, run.rag(child).alert_id) == (1, "open", alert.id)
    assert "meet_case_holders" in run.rag_specs(child)
    assert ("hos.north", "Second consecutive Red RAG notification: IRO management alert") in run.notices(seen)
    # docs/domain.md B2: a review within 3 months of the second Red, though only the responses were ticked
    assert run.reviews(child)[-1].due_date == date(2022, 7, 20)  # not the statutory 20 October

    other = run.looked_after_child("2022-04-21", name="Cy West", case_number="CCC000054405PER")
    _red_twice(run, other, between="green", days=("2022-05-17", "2022-08-17", "2022-11-17"))
    assert run.alerts_of(other) == []
    assert run.reviews(other)[-1].due_date == date(2023, 5, 17)  # not consecutive: the statutory 6 months


def test_a_second_red_with_an_alert_already_open_links_it(life):
    run = life("2022-01-02")
    child = run.looked_after_child("2022-01-04")
    run.hold_review(child, "2022-01-25")
    run.grade(child, "red", actions=["iro_review_3_weeks"])
    run.do(child, "review_progress", progress="limited", progress_notes="Nothing done.")
    [open_alert] = [a.id for a in run.alerts_of(child)]
    run.hold_review(child, "2022-04-20")
    run.grade(child, "red", actions=["response_2_weeks"])
    assert [a.id for a in run.alerts_of(child)] == [open_alert]
    assert run.rag(child).alert_id == open_alert
    assert run.reviews(child)[-1].due_date == date(2022, 7, 20)


@pytest.mark.parametrize("decision", ["yes", "no"])
def test_a_second_amber_with_limited_progress_asks_the_iro_and_starts_an_alert_only_on_yes(life, decision):
    run = life("2022-01-02")
    child = run.looked_after_child("2022-01-04")
    run.hold_review(child, "2022-01-25")
    run.grade(child, "amber", actions=["written_update_3_months"])
    run.on("2022-04-01")
    run.do(child, "written_update", written_update="Little has changed.")
    run.do(child, "judge_update", progress="limited", progress_notes="No report again.")
    run.hold_review(child, "2022-04-20")
    run.grade(child, "amber", actions=["response_2_weeks"])
    assert "ask_about_alert" in run.rag_specs(child) and run.alerts_of(child) == []
    run.do(child, "ask_about_alert", start_alert=decision, start_alert_reason="As discussed with the ISM.")
    assert len(run.alerts_of(child)) == (1 if decision == "yes" else 0)


def test_three_reds_for_one_worker_in_a_week_send_one_notice_a_fourth_none(life):
    run = life("2022-01-02")
    children = [run.looked_after_child("2022-01-04", name=f"Child {n}", case_number=f"4120{n:03d}A") for n in range(4)]
    for n, child in enumerate(children):
        run.hold_review(child, f"2022-01-{24 + n}")  # Mon to Thu: all within 7 days
    seen = run.last_notice_id()
    for child in children[:3]:
        run.grade(child, "red", actions=["response_2_weeks"])
    subject = "3 Red RAG notifications for Sam North within 7 days"
    assert sorted(n for n in run.notices(seen) if "Red RAG notifications for" in n[1]) == [
        ("ism.north", subject),
        ("rqam", subject),
    ]
    seen = run.last_notice_id()
    run.grade(children[3], "red", actions=["response_2_weeks"])
    assert [n for n in run.notices(seen) if "Red RAG notifications for" in n[1]] == []


def test_editing_the_decision_table_changes_new_instances_without_a_code_change(life):
    run = life("2022-01-02")
    edited = (
        (ROOT / "bpmn" / "rag_history.dmn")
        .read_text()
        .replace(
            '<inputEntry id="r3_progress"><text>"limited"</text></inputEntry>',
            '<inputEntry id="r3_progress"><text></text></inputEntry>',
        )
        .replace(
            '<outputEntry id="r3_out"><text>"ask_iro"</text></outputEntry>',
            '<outputEntry id="r3_out"><text>"start_alert"</text></outputEntry>',
        )
    )
    specs.store_version("rag_history.dmn", edited, author="owner", comment="Two Ambers start an alert")
    db.session.commit()
    child = run.looked_after_child("2022-01-04")
    run.hold_review(child, "2022-01-25")
    run.grade(child, "amber", actions=["response_2_weeks"])
    run.do(child, "sw_response", response="Noted.")
    run.do(child, "tm_response", response="Noted.")
    run.hold_review(child, "2022-04-20")
    run.grade(child, "amber", actions=["response_2_weeks"])
    assert len(run.alerts_of(child)) == 1 and "ask_about_alert" not in run.rag_specs(child)
