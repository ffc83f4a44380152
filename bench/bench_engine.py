"""Service-layer cost of completing a user task, against bare SpiffWorkflow, and
against the same completion for a child with 20 earlier review cycles.

Prints `task_vs_spiff_ratio` (target <= 2.0) and `history_ratio` (target <= 1.2).
The task is "Book the review" of tests/bpmn/reminder_escalation.bpmn: a user task
with a reminder and an overdue timer on it, the shape of every deadline in our
processes.

The history runs the shipped diagrams (bpmn/looked_after.bpmn, bpmn/review_cycle.bpmn
with its RAG call) on the application clock, started in the past: children become
looked after, get their IRO, and go through 20 reviews each (booking, report, contact,
the review, its record steps), one review-cycle instance per review, answers checked
by each task's form. `history_ratio` is the median time of recording the 21st review
as held ("Record the review", which also starts the next cycle) over the same
completion of a first review, for children who became looked after three weeks
before, recorded in turn on the same day and database. Only `instances.complete_task`
is timed, as for the first line.
"""

import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from common import PEOPLE, ROOT, bench_app, median_ms, report, spiff_round_trip
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from sqlalchemy import select

from service import load_shipped_specs
from service.casework import children as cases
from service.models import HumanTask, Review, ReviewStatus, TaskStatus
from service.tasks import task_page as tasks
from service.workflow import clock, instances, timers
from service.workflow import working_days as calendar
from tests.support import council

SAMPLES = 300
HISTORY = 20  # reviews behind the timed one
CHILDREN = 20  # samples of each kind; each older child costs some 190 task completions
LONDON = ZoneInfo("Europe/London")
HISTORY_START = date(2012, 1, 9)  # a Monday: 21 reviews (3 then 6 months apart) end in 2022
CLOSED_AFTER_REVIEW = (
    "send_decisions",
    "grade_care_plan",
    "circulate_decisions",
    "complete_record",
    "distribute_record",
)


def open_task(child_id, spec_name):
    return select(HumanTask.id).where(
        HumanTask.child_id == str(child_id), HumanTask.spec_name == spec_name, HumanTask.status == TaskStatus.OPEN
    )


def time_completion(db, child_id, spec_name="hold_review", answers=None):
    task_id = db.session.scalar(open_task(child_id, spec_name))
    db.session.remove()
    began = time.perf_counter()
    instances.complete_task(task_id, answers or {}, actor="bench")
    return time.perf_counter() - began


# --- a child's reviews on the shipped diagrams, on the application clock ------------
def on(day: date) -> None:
    """Move the application clock to 09:00 London on `day`, firing whatever fell due."""
    timers.move_clock(datetime.combine(day, clock_time(9), tzinfo=LONDON), actor="bench")


def weekday_before(day: date, days: int) -> date:
    """The working day on or before `days` calendar days before `day`."""
    day -= timedelta(days=days)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def next_working_day(day: date) -> date:
    return calendar.add_working_days(day, 1)


def checked(db, child_id, spec_name, **answers) -> dict:
    """The answers as the task's own form passes them (outside any timing)."""
    task = db.session.get(HumanTask, db.session.scalar(open_task(child_id, spec_name)))
    clean = tasks.checked_answers(task, answers)
    db.session.rollback()
    return clean


def do(db, child_id, spec_name, **answers) -> None:
    instances.complete_task(
        db.session.scalar(open_task(child_id, spec_name)), checked(db, child_id, spec_name, **answers), actor="bench"
    )


def looked_after_children(db, first_case_number: int, day: date) -> list[int]:
    """CHILDREN children who become looked after today, their IRO allocated at once."""
    children = []
    for n in range(CHILDREN):
        child_id = cases.create_child(
            {
                "case_number": str(first_case_number + n),
                "name": f"Child {n}",
                "dob": "2005-03-04",
                "gender": "F",
                "team": "NE",
                "social_worker": "sw.north",
            },
            actor="bench",
        ).id
        cases.record_event(
            child_id,
            {
                "type": "became_looked_after",
                "date": day.isoformat(),
                "legal_status": "C2",
                "placement_type": "foster",
                "placement_regulated": True,
            },
            actor="bench",
        )
        do(db, child_id, "allocate", iro="iro1")
        children.append(child_id)
    return children


def review_day(db, children) -> date:
    """A week before the due date of the children's next review (the same for all of them)."""
    [due] = set(
        db.session.scalars(
            select(Review.due_date).where(Review.child_id.in_(children), Review.status == ReviewStatus.DUE)
        )
    )
    db.session.rollback()
    return weekday_before(due, 7)


def prepare(db, children, day: date) -> None:
    for child_id in children:
        do(db, child_id, "review_report", report_summary="Settled in placement; school attendance 96%.")
        do(db, child_id, "record_contact", contact_date=day.isoformat(), contact_method="visit")


def held_answers(day: date) -> dict:
    return {
        "outcome": "held",
        "held_on": day.isoformat(),
        "attendees": "The child\nSam North\nFoster carer",
        "participation_code": "PN1",
        "decisions": [
            {"text": "Keep the placement", "owner": "Sam North", "due": (day + timedelta(days=30)).isoformat()}
        ],
    }


GREEN = {
    "worker_qualified": "qualified",
    "rag_status": "green",
    "green_criteria": ["green_1"],
    "green_actions": ["passed_on"],
}  # the case number is the child's, as the form fills it in


def close_review(db, children) -> None:
    """The record steps after a held review, all done the next working day."""
    for child_id in children:
        for spec_name in CLOSED_AFTER_REVIEW:
            answers = GREEN if spec_name == "grade_care_plan" else {"done": True}
            do(db, child_id, spec_name, **answers)


def history_samples(app):
    """Recording the first review as held against recording the 21st, side by side.

    CHILDREN children go through HISTORY reviews together (the clock only moves
    forwards). Three weeks before their 21st review, as many children become looked
    after, with their first review booked for the same day; the two kinds are then
    recorded in turn, so both see the same database and the machine in the same state.
    """
    from service.db import db

    load_shipped_specs(app)
    with app.app_context():
        clock.start_at(datetime.combine(HISTORY_START - timedelta(days=1), clock_time(9), tzinfo=LONDON), "test")
        db.session.commit()
        council.staff()
        on(HISTORY_START)
        older = looked_after_children(db, 100000, HISTORY_START)
        on(next_working_day(HISTORY_START))
        first, later = [], []
        for number in range(1, HISTORY + 2):
            review_on = review_day(db, older)
            for child_id in older:
                do(db, child_id, "book_review", review_date=review_on.isoformat())
            newer = []
            if number == HISTORY + 1:
                start = weekday_before(review_on, 21)  # their first review is due within 20 WD: after review_on
                on(start)
                newer = looked_after_children(db, 200000, start)
                on(next_working_day(start))
                for child_id in newer:
                    do(db, child_id, "book_review", review_date=review_on.isoformat())
            on(weekday_before(review_on, 7))
            prepare(db, older + newer, weekday_before(review_on, 7))
            on(review_on)
            if number <= HISTORY:
                for child_id in older:
                    do(db, child_id, "hold_review", **held_answers(review_on))
                on(next_working_day(review_on))
                close_review(db, older)
                continue
            for n, (old, new) in enumerate(zip(older, newer, strict=False)):
                pair = [
                    (later, old, checked(db, old, "hold_review", **held_answers(review_on))),
                    (first, new, checked(db, new, "hold_review", **held_answers(review_on))),
                ]
                for samples, child_id, answers in pair if n % 2 else pair[::-1]:  # neither kind always first
                    samples.append(time_completion(db, child_id, "hold_review", answers))
        return first, later


def task_samples(app):
    """Both ways, sample by sample in turn, so both see the machine in the same state."""
    from service.db import db

    with app.app_context():
        children = [f"S{n}" for n in range(SAMPLES)]
        for child in children:
            instances.start_instance("reminder_escalation", {"people": PEOPLE}, actor="bench", child_id=child)
        spiff_round_trip = bare_spiff()
        service, spiff = [], []
        for child in children:
            with clock.frozen_at(datetime.now(UTC)):  # our clock seam is in SpiffWorkflow's timer module
                spiff.append(spiff_round_trip())
            service.append(time_completion(db, child, "book_review"))
        return service, spiff


def bare_spiff():
    """Bare SpiffWorkflow: deserialize, complete the same task, serialize (full JSON, spec included)."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(ROOT / "tests" / "bpmn" / "reminder_escalation.bpmn"))
    spec = parser.get_spec("reminder_escalation")
    engine = PythonScriptEngine(
        environment=TaskDataEnvironment(
            {
                "deadline_after_working_days": calendar.deadline_after_working_days,
                "now": lambda: datetime.now(UTC),
            }
        )
    )
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    workflow = BpmnWorkflow(spec, script_engine=engine)
    workflow.task_tree.data = {"people": PEOPLE}
    with clock.frozen_at(datetime.now(UTC)):
        workflow.do_engine_steps()
    saved = serializer.serialize_json(workflow)

    return lambda: spiff_round_trip(serializer, engine, saved)


def main():
    service_times, spiff_times = task_samples(bench_app())
    service, spiff = median_ms(service_times), median_ms(spiff_times)
    report("task_vs_spiff_ratio", service / spiff, f"service {service:.3f} ms, bare SpiffWorkflow {spiff:.3f} ms")
    first, later = history_samples(bench_app())
    first_ms, later_ms = median_ms(first), median_ms(later)
    report(
        "history_ratio",
        later_ms / first_ms,
        f"review {HISTORY + 1}: {later_ms:.3f} ms, first review: {first_ms:.3f} ms, {CHILDREN} children each",
    )


if __name__ == "__main__":
    main()
