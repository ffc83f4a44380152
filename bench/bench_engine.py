"""Service-layer cost of completing a user task, against bare SpiffWorkflow, and
against the same completion for a child with 20 earlier review cycles.

Prints `task_vs_spiff_ratio` (target <= 2.0) and `history_ratio` (target <= 1.2).
The task is "Book the review" of tests/bpmn/reminder_escalation.bpmn: a user task
with a reminder and an overdue timer on it, the shape of every deadline in our
processes. The history uses tests/bpmn/review_cycle.bpmn, one instance per cycle.
"""
import time
from datetime import datetime, timezone

from common import PEOPLE, ROOT, bench_app, median_ms, report, spiff_round_trip
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from sqlalchemy import select

from service import calendar, clock, instances
from service.models import HumanTask, TaskStatus

SAMPLES = 300
HISTORY = 20


def open_task(child_id, spec_name):
    return select(HumanTask.id).where(HumanTask.child_id == child_id, HumanTask.spec_name == spec_name,
                                      HumanTask.status == TaskStatus.OPEN)


def start_cycle(child_id):
    instances.send_message("review_cycle_due", {"cycle": 1, "people": PEOPLE}, actor="bench", child_id=child_id)


def time_completion(db, child_id, spec_name="hold_review"):
    task_id = db.session.scalar(open_task(child_id, spec_name))
    db.session.remove()
    began = time.perf_counter()
    instances.complete_task(task_id, {}, actor="bench")
    return time.perf_counter() - began


def history_samples(app):
    """First-cycle completions for fresh children, and cycles 21+ for children with 20 behind them."""
    from service.db import db
    with app.app_context():
        first, later = [], []
        for n in range(20):
            start_cycle(f"H{n}")
            first.append(time_completion(db, f"H{n}"))
            instances.complete_task(db.session.scalar(open_task(f"H{n}", "record_review")), {}, actor="bench")
            for _ in range(HISTORY - 1):
                for name in ("hold_review", "record_review"):
                    instances.complete_task(db.session.scalar(open_task(f"H{n}", name)), {}, actor="bench")
            later.append(time_completion(db, f"H{n}"))
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
            with clock.frozen_at(datetime.now(timezone.utc)):  # our clock seam is in SpiffWorkflow's timer module
                spiff.append(spiff_round_trip())
            service.append(time_completion(db, child, "book_review"))
        return service, spiff


def bare_spiff():
    """Bare SpiffWorkflow: deserialize, complete the same task, serialize (full JSON, spec included)."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(ROOT / "tests" / "bpmn" / "reminder_escalation.bpmn"))
    spec = parser.get_spec("reminder_escalation")
    engine = PythonScriptEngine(environment=TaskDataEnvironment({
        "deadline_after_working_days": calendar.deadline_after_working_days,
        "now": lambda: datetime.now(timezone.utc)}))
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    workflow = BpmnWorkflow(spec, script_engine=engine)
    workflow.task_tree.data = {"people": PEOPLE}
    with clock.frozen_at(datetime.now(timezone.utc)):
        workflow.do_engine_steps()
    saved = serializer.serialize_json(workflow)

    return lambda: spiff_round_trip(serializer, engine, saved)


def main():
    service_times, spiff_times = task_samples(bench_app())
    service, spiff = median_ms(service_times), median_ms(spiff_times)
    report("task_vs_spiff_ratio", service / spiff, f"service {service:.3f} ms, bare SpiffWorkflow {spiff:.3f} ms")
    first, later = history_samples(bench_app())
    first_ms, later_ms = median_ms(first), median_ms(later)
    report("history_ratio", later_ms / first_ms,
           f"cycle {HISTORY + 1}: {later_ms:.3f} ms, first cycle: {first_ms:.3f} ms")


if __name__ == "__main__":
    main()
