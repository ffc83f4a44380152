"""Versioned specs: a new content hash makes a new version; instances keep theirs."""

import json

import pytest
from sqlalchemy import func, select

from service.db import db
from service.diagrams import specs
from service.models import ProcessInstance, ProcessVersion
from service.workflow import working_days as calendar
from tests.support.app import START
from tests.support.harness import Harness
from tests.support.paths import TEST_BPMN


@pytest.fixture(params=[False, True], ids=["straight", "restart-between-steps"])
def run(request, app):
    return Harness(app, restart=request.param)


def _versions(file_name):
    return db.session.scalars(
        select(ProcessVersion).where(ProcessVersion.file_name == file_name).order_by(ProcessVersion.number)
    ).all()


def _deploy_three_working_days():
    original = (TEST_BPMN / "reminder_escalation.bpmn").read_text()
    changed = original.replace("allowed_wd = 5", "allowed_wd = 3").replace(
        'name="Book the review"', 'name="Book the review (3 WD)"'
    )
    version, created = specs.store_version("reminder_escalation.bpmn", changed, author="owner", comment="3 WD")
    db.session.commit()
    return version, created


def test_files_load_once_per_content(app):
    assert [v.number for v in _versions("reminder_escalation.bpmn")] == [1]
    assert specs.load_directory(str(TEST_BPMN)) == []
    version, created = _deploy_three_working_days()
    assert created and version.number == 2 and version.author == "owner"
    assert len(version.content_hash) == 64
    again, created_again = _deploy_three_working_days()
    assert not created_again and again.id == version.id


def test_instances_stay_on_the_version_they_started_with(run):
    old = run.start("reminder_escalation", child_id="OLD")
    [old_task] = run.open_tasks("OLD")
    old_task_id = old_task.id
    _deploy_three_working_days()
    run.step()
    new = run.start("reminder_escalation", child_id="NEW")
    [new_task] = run.open_tasks("NEW")
    assert new_task.title == "Book the review (3 WD)"
    assert new_task.due_at == calendar.deadline_after_working_days(START, 3)
    [old_task] = run.open_tasks("OLD")
    assert old_task.title == "Book the review"
    assert old_task.due_at == calendar.deadline_after_working_days(START, 5)

    run.complete(old_task_id)
    assert run.instance(old.instance_id).status.value == "completed"
    old_row, new_row = run.instance(old.instance_id), run.instance(new.instance_id)
    assert old_row.version_ids != new_row.version_ids


def test_spec_is_stored_once_per_version_not_in_each_instance(run):
    for n in range(5):
        run.start("reminder_escalation", child_id=f"C{n}")
    states = db.session.scalars(select(ProcessInstance.state)).all()
    assert len(states) == 5
    for state in states:
        stored = json.loads(state)
        assert "spec" not in stored and "subprocess_specs" not in stored
        assert "Book the review" not in state  # names live in the spec, stored once
    assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == len(specs.latest_versions())


def test_the_cli_loads_new_diagrams_and_names_the_file_it_refuses(app, tmp_path):
    app.config["BPMN_DIR"] = str(tmp_path)
    (tmp_path / "reminder_escalation.bpmn").write_text(
        (TEST_BPMN / "reminder_escalation.bpmn").read_text().replace("allowed_wd = 5", "allowed_wd = 4")
    )
    result = app.test_cli_runner().invoke(args=["specs", "load"])
    assert result.exit_code == 0 and "reminder_escalation.bpmn: version 2" in result.output
    assert app.test_cli_runner().invoke(args=["specs", "load"]).output.strip().endswith("0 new version(s)")

    (tmp_path / "zz_broken.bpmn").write_text("<bpmn:definitions")
    result = app.test_cli_runner().invoke(args=["specs", "load"])
    assert result.exit_code != 0 and "zz_broken.bpmn" in result.output
    assert [v.number for v in _versions("reminder_escalation.bpmn")] == [1, 2]
