"""Messages between instances: the library leaves routing to us; a message goes to the
same child's waiting instance, or starts the process that begins with it."""

import json

import pytest
from sqlalchemy import func, select

from service.db import db, writing
from service.diagrams import specs
from service.errors import NotFound, ServiceError
from service.models import InstanceChild, ProcessInstance
from service.tasks.task_context import TaskContext
from service.workflow import instances
from tests.support.harness import PEOPLE, Harness
from tests.support.paths import BAD_BPMN


@pytest.fixture(params=[False, True], ids=["straight", "restart-between-steps"])
def run(request, app):
    return Harness(app, restart=request.param)


def _count():
    return db.session.scalar(select(func.count()).select_from(ProcessInstance))


def test_each_review_cycle_starts_the_next_as_its_own_instance(run):
    [first] = instances.send_message("review_cycle_due", {"cycle": 1, "people": PEOPLE}, actor="api", child_id="C1")
    run.step()
    for _cycle in (1, 2, 3):
        [hold] = run.open_tasks()
        assert hold.spec_name == "hold_review"
        run.complete(hold.id)
        [record] = run.open_tasks()
        run.complete(record.id)
    rows = db.session.scalars(select(ProcessInstance).order_by(ProcessInstance.id)).all()
    assert [r.status.value for r in rows] == ["completed", "completed", "completed", "running"]
    assert rows[0].id == first
    # each instance holds one cycle only: a child's years in care never grow one instance
    assert len({len(json.loads(r.state)["tasks"]) for r in rows[:3]}) == 1
    [hold] = run.open_tasks()
    assert hold.instance_id == rows[3].id and hold.assignee == "iro1"
    assert [a.details["message"] for a in run.audit("message_routed")] == ["review_cycle_due"] * 4


def test_a_message_resumes_only_that_childs_waiting_instance(run):
    mine = run.start("waits_for_change", child_id="C1")
    theirs = run.start("waits_for_change", child_id="C2")
    assert run.open_tasks("C1") == [] and run.open_tasks("C2") == []
    touched = instances.send_message("significant_change", {"kind": "missing_over_3_days"}, actor="api", child_id="C1")
    run.step()
    assert touched == [mine.instance_id]
    [task] = run.open_tasks("C1")
    assert task.title == "Consider an early review"
    assert run.open_tasks("C2") == []
    assert run.instance(theirs.instance_id).status.value == "running"


def test_a_message_nobody_waits_for_is_refused_and_changes_nothing(run):
    before = _count()
    with pytest.raises(NotFound, match="court_report_filed"):
        instances.send_message("court_report_filed", {}, actor="api", child_id="C9")
    assert _count() == before
    assert run.audit("message_routed") == []


def test_a_diagram_that_messages_itself_for_ever_is_stopped_and_writes_nothing(run):
    bad = BAD_BPMN / "ping.bpmn"
    specs.store_version("ping.bpmn", bad.read_text(), "test")
    db.session.commit()
    before = _count()
    with pytest.raises(ServiceError, match="bounced between instances"):
        instances.send_message("ping", {}, actor="api", child_id="C1")
    assert _count() == before


def test_a_message_about_any_child_of_a_sibling_group_reaches_the_groups_instance(run):
    group = run.start("waits_for_change", child_id="C1", group=("C2", "C3"))
    alone = run.start("waits_for_change", child_id="C4")
    touched = instances.send_message("significant_change", {"kind": "family_change"}, actor="api", child_id="C3")
    run.step()
    assert touched == [group.instance_id]
    [task] = run.open_tasks("C1")  # the lead child's: their team routes the work
    assert task.instance_id == group.instance_id and run.open_tasks("C3") == []
    assert run.instance(alone.instance_id).status.value == "running" and run.open_tasks("C4") == []


def test_a_process_started_by_another_concerns_the_same_children_and_knows_its_parent(run):
    [first] = instances.send_message("review_cycle_due", {"cycle": 1, "people": PEOPLE}, actor="api", child_id="C1")
    with writing():  # the first cycle concerns a sibling group from here on
        db.session.add(InstanceChild(instance_id=first, child_id="C2"))
    run.step()
    [hold] = run.open_tasks()
    run.complete(hold.id)
    [record] = run.open_tasks()
    run.complete(record.id)
    second = db.session.scalar(select(ProcessInstance.id).where(ProcessInstance.id != first))
    children = db.session.scalars(
        select(InstanceChild.child_id).where(InstanceChild.instance_id == second).order_by(InstanceChild.child_id)
    ).all()
    assert children == ["C1", "C2"]
    [hold] = run.open_tasks()
    assert TaskContext(hold).data["parent_instance_id"] == first
