"""The page of one process instance: the diagram marked with where the instance is, the
timers still to fire, the data at each completed step and the audit trail."""

import pytest

from service.db import db
from service.diagrams import instance_view
from service.errors import NotFound
from service.workflow import working_days as calendar
from tests.support.alerts import CONCERNS, AlertLife

INTERNAL = ("Start", "End", "response_stage.BoundaryEventSplit", "respond.BoundaryEventSplit", "response_stage.EndJoin")


@pytest.fixture
def run(app_factory):
    app = app_factory()
    with app.app_context():
        yield AlertLife(app, False, "2022-08-19")


def test_an_alert_part_way_shows_where_it_is_its_timers_its_steps_and_its_audit_trail(run):
    child = run.looked_after_child("2022-08-19")
    run.on("2022-08-24")
    alert = run.raise_alert(child, resolve_by="2022-09-30")
    instance_id = alert.instance_id
    respond_task = run.task(child, "respond").id

    view = instance_view.describe(instance_id)
    assert (view.process_id, view.process_name, view.child_id, view.status) == (
        "management_alert",
        "IRO management alert",
        str(child),
        "running",
    )
    assert [(v.file_name, v.number) for v in view.versions] == [("management_alert.bpmn", 1)]
    assert '<bpmn:process id="management_alert"' in view.bpmn_xml
    marks = view.marks
    assert marks["completed"][:4] == ["alert_requested", "named_values", "form_sent", "raise_alert"]
    assert {"alert_raised", "enter_stage", "stage_kind", "response_start"} <= set(marks["completed"])
    assert marks["active"] == ["respond"]
    assert sorted(marks["waiting"]) == ["response_overdue", "response_reminder", "response_stage", "response_timescale"]
    assert marks["cancelled"] == []
    assert not set(INTERNAL) & {element for ids in marks.values() for element in ids}

    respond_by = "2022-09-01"  # 5 working days from Wed 24 Aug 2022, across the bank holiday
    assert [(t.spec_name, t.element_name, t.due_at) for t in view.timers] == [
        ("response_reminder", "Reminder", calendar.deadline_after_working_days(respond_by, -2)),
        ("response_overdue", "Overdue", calendar.deadline_after_working_days(respond_by, 0)),
        ("response_timescale", "Timescale runs out", calendar.deadline_after_working_days("2022-09-30", 0)),
    ]

    steps = view.steps
    assert [(s.element_id, s.kind) for s in steps] == [
        ("named_values", "step"),
        ("raise_alert", "task"),
        ("alert_raised", "step"),
        ("enter_stage", "step"),
    ]
    assert steps[0].name == "Named values" and steps[0].data["stage_response_wd"] == 5
    assert steps[1].data["summary_of_concerns"] == CONCERNS and steps[1].completed_at is not None
    assert steps[3].data["respond_by"] == respond_by
    assert steps[1].completed_at <= steps[3].completed_at

    trail = [line.action for line in view.audit]  # the case records the alert wrote, then the task
    assert "record_alert" in trail and trail[-1] == "task_completed"
    assert (view.audit[-1].actor, view.audit[-1].details["task"]) == ("iro1", "raise_alert")
    assert [line.at for line in view.audit] == sorted(line.at for line in view.audit)

    run.on("2022-10-01")  # the IRO's timescale ran out: the stage was interrupted
    view = instance_view.describe(instance_id)
    assert "respond" in view.marks["cancelled"] and "response_stage" in view.marks["cancelled"]
    assert {"response_timescale", "timescale_ran_out", "response_reminder", "remind_response"} <= set(
        view.marks["completed"]
    )
    assert view.marks["active"] == ["timescale_reached"] and view.marks["waiting"] == ["timescale_reached_overdue"]
    assert [(t.spec_name, t.due_at) for t in view.timers] == [  # the decision on it is due in 2 working days
        ("timescale_reached_overdue", calendar.deadline_after_working_days("2022-10-01", 2))
    ]
    assert [s.element_id for s in view.steps][-2:] == ["response_overdue_notice", "timescale_ran_out"]
    assert run.task_status(respond_task).value == "cancelled"
    db.session.rollback()
    with pytest.raises(NotFound):
        instance_view.describe(instance_id + 1000)
