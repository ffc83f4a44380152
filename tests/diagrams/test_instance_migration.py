"""Moving running management alerts to a new version of their diagram (issue 7).

The process owner shortens the stage response time from 5 to 3 working days. Alerts
already running keep their version until they are migrated; a migrated alert keeps the
deadline of the stage it is at, and its later stages use the new value. A version that
removes what an alert waits on is refused for that alert, naming the element."""

from datetime import date
from typing import NamedTuple

import pytest
from lxml import etree
from sqlalchemy import select

from service.db import db
from service.diagrams import instance_migration as migration
from service.diagrams import specs
from service.models import AlertStatus, HumanTask, ProcessInstance, TaskStatus
from service.workflow import working_days as calendar
from tests.support.alerts import AlertLife
from tests.support.lifecycle import STRAIGHT_AND_RESTARTED
from tests.support.paths import SHIPPED_BPMN

ALERT_FILE = SHIPPED_BPMN / "management_alert.bpmn"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
RETITLED = "Respond in writing to the management alert"


class Deployed(NamedTuple):
    id: int
    number: int


def deploy(content: str, comment: str):
    version, created = specs.store_version("management_alert.bpmn", content, "owner", comment)
    assert created
    db.session.commit()
    return Deployed(version.id, version.number)


def three_working_days() -> str:
    original = ALERT_FILE.read_text(encoding="utf-8")
    assert original.count("stage_response_wd = 5") == 1
    return original.replace("stage_response_wd = 5", "stage_response_wd = 3")


def a_smaller_diagram() -> str:
    """The stage meeting is arranged without the IRO's statement, an alert can no longer be
    withdrawn (both branches removed), and the response task has a new title."""
    root = etree.fromstring(ALERT_FILE.read_bytes())
    removed = (
        "iro_statement",
        "record_statement",
        "a3",
        "a10",
        "a11",
        "close_withdrawn",
        "withdrawn_end",
        "f21",
        "f30",
        "d1a",
        "d1b",
        "d2a",
        "d2b",
    )
    removed += tuple(e.get("id") for e in root.iter() if (e.get("id") or "").startswith("iro_statement_"))
    for element in [e for e in root.iter() if e.get("id") in removed]:
        element.getparent().remove(element)
    for ref in [r for r in root.iter(f"{BPMN}flowNodeRef") if r.text in removed]:
        ref.getparent().remove(ref)
    [respond] = [e for e in root.iter(f"{BPMN}userTask") if e.get("id") == "respond"]
    respond.set("name", RETITLED)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


@pytest.fixture
def run(app_factory):
    app = app_factory()
    with app.app_context():
        yield AlertLife(app, False, "2022-08-19")


@pytest.fixture(params=STRAIGHT_AND_RESTARTED)
def run_both_ways(app_factory, request):
    app = app_factory()
    with app.app_context():
        yield AlertLife(app, request.param, "2022-08-19")


def instance_of(run, child) -> ProcessInstance:
    db.session.rollback()
    return db.session.get(ProcessInstance, run.alert(child).instance_id)


def open_task(run, child, spec_name) -> tuple:
    task = run.task(child, spec_name)
    return task.id, task.assignee, task.due_at, task.title


def due(day: str, working_days: int) -> date:
    return calendar.add_working_days(day, working_days)


@pytest.mark.postgres
def test_a_migrated_alert_keeps_its_stage_deadline_and_its_next_stage_uses_the_new_response_time(run_both_ways):
    run = run_both_ways
    old_child = run.looked_after_child("2022-08-19")
    new_child = run.looked_after_child("2022-08-19", name="Bo South", case_number="43235")
    run.on("2022-08-22")
    run.raise_alert(old_child, resolve_by="2022-11-22")
    before = instance_of(run, old_child)
    old_id, old_versions, old_state_version = before.id, list(before.version_ids), before.version
    respond = open_task(run, old_child, "respond")
    assert respond[2].date() == due("2022-08-22", 5) == date(2022, 8, 30)  # 29 Aug: a bank holiday

    v2 = deploy(three_working_days(), "3 WD")
    run.step()
    assert instance_of(run, old_child).version_ids == old_versions  # running instances keep their version
    assert run.alert(old_child).stage_due_on == date(2022, 8, 30)
    run.raise_alert(new_child, resolve_by="2022-11-22")
    assert instance_of(run, new_child).version_ids[0] == v2.id
    assert run.alert(new_child).stage_due_on == due("2022-08-22", 3) == date(2022, 8, 25)

    planned = migration.plan(old_id)
    assert planned.safe and planned.reasons == []
    assert (planned.current_version_ids, planned.target_version_ids[0]) == (old_versions, v2.id)
    assert planned.changed == ["Named values (named_values)"] and planned.removed == []
    assert (
        planned.target_versions[0]
        == f"management_alert.bpmn version {v2.number}"
        == (f"management_alert.bpmn version {planned.target_numbers[0]}")
    )
    assert instance_of(run, old_child).version == old_state_version  # planning changes nothing
    migrated = migration.migrate(old_id, actor="owner")
    run.step()
    assert migrated.safe
    after = instance_of(run, old_child)
    assert after.version_ids == planned.target_version_ids and after.version == old_state_version + 1
    [event] = run.audit("instance_migrated")
    assert (event.instance_id, event.actor, event.details["from_versions"], event.details["to_versions"]) == (
        old_id,
        "owner",
        old_versions,
        planned.target_version_ids,
    )
    # an unchanged element: the same worklist row, person and deadline
    assert open_task(run, old_child, "respond") == respond
    assert run.alert(old_child).stage_due_on == date(2022, 8, 30)  # stage 1 keeps its 5 working days

    refused = pytest.raises(migration.MigrationRefused, migration.migrate, old_id, actor="owner")
    assert "already on the newest versions" in refused.value.reasons[0]
    assert instance_of(run, old_child).version == old_state_version + 1  # nothing changed
    assert not migration.plan(instance_of(run, new_child).id).safe

    run.on("2022-08-23")
    run.respond(old_child)
    run.on("2022-08-24")
    run.outcome(old_child, "next_stage")
    alert = run.alert(old_child)
    assert (alert.stage, alert.stage_received_on) == (2, date(2022, 8, 24))
    assert alert.stage_due_on == due("2022-08-24", 3) == date(2022, 8, 30)  # the new 3 working days
    assert run.task(old_child, "respond").due_at.date() == date(2022, 8, 30)
    assert run.steps(old_child)[-1] == (2, "received")


def test_a_version_removing_what_an_alert_waits_on_is_refused_for_it_and_migrate_all_moves_the_others(run):
    at_stage_4 = run.looked_after_child("2022-08-19")
    at_stage_1 = run.looked_after_child("2022-08-19", name="Bo South", case_number="43235")
    run.on("2022-08-22")
    run.raise_alert(at_stage_4, resolve_by="2022-11-22", serious=True)
    run.raise_alert(at_stage_1, resolve_by="2022-11-22")
    run.on("2022-08-23")
    run.respond(at_stage_4)
    run.outcome(at_stage_4, "next_stage")
    assert run.alert_specs(at_stage_4) == ["iro_statement", "set_meeting"]
    stuck = instance_of(run, at_stage_4)
    stuck_state = (stuck.state, stuck.version, list(stuck.version_ids), stuck.status)
    stuck_tasks = [(t.id, t.spec_name, t.status, t.assignee) for t in run.tasks(stuck.id)]
    respond = open_task(run, at_stage_1, "respond")

    v2 = deploy(a_smaller_diagram(), "no statement, no withdrawal")
    planned = migration.plan(stuck.id)
    assert not planned.safe
    assert planned.reasons == [
        f"The task Give the statement for the stage meeting (iro_statement) is waiting "
        f"to be done and no longer exists in version {v2.number}"
    ]
    assert "Give the statement for the stage meeting (iro_statement)" in planned.removed
    with pytest.raises(migration.MigrationRefused) as refused:
        migration.migrate(stuck.id, actor="owner")
    assert refused.value.reasons == planned.reasons and "iro_statement" in str(refused.value)

    results = dict(migration.migrate_all("management_alert", actor="owner"))
    moved = instance_of(run, at_stage_1)
    assert set(results) == {stuck.id, moved.id}
    assert results[moved.id].safe and moved.version_ids[0] == v2.id
    assert not results[stuck.id].safe and results[stuck.id].reasons == planned.reasons
    stuck = instance_of(run, at_stage_4)
    assert (stuck.state, stuck.version, list(stuck.version_ids), stuck.status) == stuck_state  # nothing changed
    assert [(t.id, t.spec_name, t.status, t.assignee) for t in run.tasks(stuck.id)] == stuck_tasks
    assert [e.instance_id for e in run.audit("instance_migrated")] == [moved.id]
    # its open task's element changed: the same worklist row and person, re-read from the new element
    assert open_task(run, at_stage_1, "respond") == (*respond[:3], RETITLED)
    assert (
        db.session.scalar(
            select(HumanTask.id).where(HumanTask.instance_id == moved.id, HumanTask.status == TaskStatus.CANCELLED)
        )
        is None
    )

    run.respond(at_stage_1)  # the moved alert carries on, on the new version
    assert run.alert_specs(at_stage_1) == ["record_outcome"]
    run.outcome(at_stage_1, "resolved")
    assert run.alert(at_stage_1).status == AlertStatus.RESOLVED
