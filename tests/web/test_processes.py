"""The process owner's pages without a browser: deploying, refusing, rolling back, uploading
and downloading diagrams, the versions and their differences, and who may do any of it.
(The editor itself, in chromium, is in tests/browser/test_editor_browser.py; the checks one by
one in tests/diagrams/test_diagram_checks.py; migration in tests/diagrams/test_instance_migration.py.)"""

import html
import json
import re
import shutil
import subprocess
from io import BytesIO

import pytest
from lxml import etree
from sqlalchemy import event, func, select

from service.db import db, writing
from service.diagrams import deployments
from service.diagrams.diff import ValueChange
from service.models import AuditEvent, HumanTask, ProcessInstance, ProcessVersion
from service.people import accounts as people
from service.people import roles
from service.workflow import working_days as calendar
from tests.support import council
from tests.support.app import RequestClient
from tests.support.diagrams import spiff_properties
from tests.support.lifecycle import Life
from tests.support.pages import client_for, text, token
from tests.support.paths import ROOT, UNSAFE_BPMN

FILE = "significant_change.bpmn"


@pytest.fixture
def town(app):
    app.test_client_class = RequestClient
    return council.build()


@pytest.fixture
def owner(app, town):
    return client_for(app, "owner")


def newest_content(file_name=FILE) -> str:
    return db.session.scalars(
        select(ProcessVersion.content)
        .where(ProcessVersion.file_name == file_name)
        .order_by(ProcessVersion.number.desc())
    ).first()


def numbers(file_name=FILE) -> list[int]:
    return list(
        db.session.scalars(
            select(ProcessVersion.number).where(ProcessVersion.file_name == file_name).order_by(ProcessVersion.number)
        )
    )


def deploy(client, content, comment="Three working days to decide", file_name=FILE):
    page = client.get(f"/processes/{file_name}/edit").text
    return client.post(
        f"/processes/{file_name}/deploy", data={"content": content, "comment": comment, "csrf_token": token(page)}
    )


def upload(client, name, content: bytes, comment="From Camunda Modeler"):
    page = client.get("/processes").text
    return client.post(
        "/processes/upload",
        content_type="multipart/form-data",
        data={"file": (BytesIO(content), name), "comment": comment, "csrf_token": token(page)},
    )


def change_instance(child_id) -> ProcessInstance:
    """The child's significant-change instance."""
    return db.session.scalar(
        select(ProcessInstance).where(
            ProcessInstance.child_id == str(child_id), ProcessInstance.process_id == "significant_change"
        )
    )


def decision_due(child_id) -> str:
    task = db.session.scalars(
        select(HumanTask)
        .where(HumanTask.child_id == str(child_id), HumanTask.spec_name == "consider_change")
        .order_by(HumanTask.id.desc())
    ).first()
    return calendar.london_date(task.due_at).isoformat()


@pytest.mark.postgres
def test_a_deployment_is_a_new_version_for_new_instances_while_running_ones_keep_theirs(app, town, owner):
    council.report_change(town.north_child)  # Monday 12 April 2027: decide within 2 working days
    before = change_instance(town.north_child)
    old_versions, old_state = list(before.version_ids), before.state
    assert decision_due(town.north_child) == "2027-04-14"

    changed = newest_content().replace("consider_within_wd = 2", "consider_within_wd = 3")
    response = deploy(owner, changed)
    assert response.status_code == 302
    assert "Deployed significant_change.bpmn version 2" in text(owner.get(response.location).text)
    assert numbers() == [1, 2]
    version = db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.file_name == FILE, ProcessVersion.number == 2)
    )
    assert (version.author, version.comment) == ("owner", "Three working days to decide")
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "diagram_deployed")).one()
    assert (audit.actor, audit.details["number"], audit.details["file_name"]) == ("owner", 2, FILE)

    council.report_change(town.south_child)
    assert decision_due(town.south_child) == "2027-04-15"  # the new instance: 3 working days
    db.session.refresh(before)
    assert (before.version_ids, before.state) == (old_versions, old_state)  # the running one is untouched
    assert decision_due(town.north_child) == "2027-04-14"

    listed = text(owner.get("/processes").text)  # the newest of 2 versions; one instance on each
    assert re.search(r"significant_change\.bpmn significant_change 2 of 2 [^|]*? by owner 2 ", listed), listed
    page = text(owner.get(f"/processes/{FILE}").text)
    assert "Three working days to decide" in page
    assert re.search(
        r"What version 2 changed .* Changed \(1\) Work out the deadlines \(scriptTask set_deadlines\) "
        r"consider_within_wd: 2 → 3",
        page,
    )


def test_deploying_the_same_content_again_or_a_diagram_with_problems_changes_nothing(app, town, owner):
    response = deploy(owner, newest_content())
    assert response.status_code == 400
    assert "is unchanged: version 1 has exactly this content" in text(response.text)

    broken = newest_content().replace('value="consider_significant_change"', 'value="no_such_form"')
    assert broken != newest_content()
    response = deploy(owner, broken)
    assert response.status_code == 400
    page = text(response.text)
    assert "The diagram was not deployed" in page and "no_such_form" in page
    # the owner's edit is still in the editor, with each problem for its element
    assert "no_such_form" in response.text.split('id="diagram-content"')[1].split("</textarea>")[0]
    assert "consider_change" in response.text.split('data-problems="')[1].split('"')[0]
    assert numbers() == [1]


def test_validate_answers_the_problems_as_json_without_storing_anything(app, town, owner):
    page = owner.get(f"/processes/{FILE}/edit").text
    bad = newest_content().replace('value="consider_significant_change"', 'value="no_such_form"')
    response = owner.post(f"/processes/{FILE}/validate", data={"content": bad}, headers={"X-CSRFToken": token(page)})
    problems = response.get_json()["problems"]
    assert [p["element_id"] for p in problems] == ["consider_change"]
    good = owner.post(
        f"/processes/{FILE}/validate", data={"content": newest_content()}, headers={"X-CSRFToken": token(page)}
    )
    assert good.get_json() == {"problems": []}
    assert numbers() == [1]


@pytest.mark.postgres
def test_rolling_back_deploys_an_earlier_version_again_as_the_newest(app, town, owner):
    original = newest_content()
    deploy(owner, original.replace("consider_within_wd = 2", "consider_within_wd = 3"))
    page = owner.get(f"/processes/{FILE}/versions/1").text
    response = owner.post(f"/processes/{FILE}/versions/1/rollback", data={"csrf_token": token(page)})
    assert response.status_code == 302
    assert numbers() == [1, 2, 3]
    assert newest_content() == original
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "diagram_rolled_back")
        )
        == 1
    )
    council.report_change(town.north_child)
    assert decision_due(town.north_child) == "2027-04-14"  # version 3 says 2 working days again
    # rolling back to the newest is refused with a message
    page = owner.get(f"/processes/{FILE}/versions/3").text
    assert "Roll back to version 3" not in page
    response = owner.post(
        f"/processes/{FILE}/versions/3/rollback", data={"csrf_token": token(page)}, follow_redirects=True
    )
    assert "version 3 of significant_change.bpmn is already the newest" in text(response.text)
    assert numbers() == [1, 2, 3]


def test_a_downloaded_diagram_edited_and_uploaded_again_keeps_every_extension_property(app, town, owner):
    file_name = "management_alert.bpmn"
    downloaded = owner.get(f"/processes/{file_name}/versions/1/download")
    assert downloaded.status_code == 200
    assert 'filename="management_alert-v1.bpmn"' in downloaded.headers["Content-Disposition"]
    content = downloaded.get_data(as_text=True)
    assert content == newest_content(file_name)
    edited = content.replace("stage_response_wd = 5", "stage_response_wd = 3")

    response = upload(owner, "management_alert.bpmn", edited.encode())
    assert response.status_code == 302
    assert numbers(file_name) == [1, 2]
    again = owner.get(f"/processes/{file_name}/versions/2/download").get_data(as_text=True)
    assert spiff_properties(again) == spiff_properties(content) and len(spiff_properties(content)) > 20
    assert "stage_response_wd = 3" in again
    page = text(owner.get(f"/processes/{file_name}/versions/2").text)
    assert re.search(r"Changed \(1\) Named values \(scriptTask named_values\) stage_response_wd: 5 → 3", page)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("notes.txt", b"<x/>", "is not a diagram file name"),
        (
            "xxe.bpmn",
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>',
            "DOCTYPE",
        ),
        ("latin.bpmn", "<d>\xe9</d>".encode("latin-1"), "is not UTF-8 text"),
        ("broken.bpmn", b"<bpmn:definitions", "malformed"),
    ],
)
def test_an_upload_that_is_refused_says_why_and_changes_nothing(app, town, owner, name, content, message):
    count = db.session.scalar(select(func.count()).select_from(ProcessVersion))
    response = upload(owner, name, content)
    assert response.status_code == 400
    assert message in text(response.text)
    assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == count


@pytest.mark.parametrize("username", ["iro1", "rqam", "ceo", "sw.north"])
def test_nobody_but_the_process_owner_reaches_the_diagrams(app, town, username):
    client = client_for(app, username)
    assert "Processes" not in text(client.get("/tasks").text)
    for url in (
        "/processes",
        f"/processes/{FILE}",
        f"/processes/{FILE}/edit",
        f"/processes/{FILE}/versions/1",
        f"/processes/{FILE}/versions/1/download",
    ):
        assert client.get(url).status_code == 404, url
    page = client.get("/tasks").text
    changed = newest_content().replace("consider_within_wd = 2", "consider_within_wd = 3")
    response = client.post(
        f"/processes/{FILE}/deploy", data={"content": changed, "comment": "x", "csrf_token": token(page)}
    )
    assert response.status_code == 404
    response = client.post(
        "/processes/upload",
        content_type="multipart/form-data",
        data={"file": (BytesIO(changed.encode()), FILE), "comment": "x", "csrf_token": token(page)},
    )
    assert response.status_code == 404
    assert numbers() == [1]


@pytest.mark.server
def test_the_editors_model_reads_and_writes_every_extension_of_every_shipped_diagram():
    """bpmn-moddle with our spiffworkflow descriptor, as bpmn-js loads it, imports and exports each
    shipped diagram (and the same without its drawing, laid out as the browser does) unchanged
    in meaning: every element, attribute, script and spiffworkflow extension."""
    if not (ROOT / "node_modules" / "bpmn-moddle").exists() or shutil.which("node") is None:
        pytest.skip("Node.js and the npm packages are needed: `make test` installs them")
    shipped = sorted(str(path) for path in (ROOT / "bpmn").glob("*.bpmn"))
    checked = subprocess.run(
        ["node", "frontend/roundtrip-check.mjs", *shipped], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("ok ") == len(shipped) == 7


REFUSED = {  # what is broken: (file, replacements or whole content, the element marked, words of the message)
    "unknown form key": (
        FILE,
        [('value="consider_significant_change"', 'value="no_such_form"')],
        "consider_change",
        'form key "no_such_form" does not exist',
    ),
    "unknown lane role": (
        FILE,
        [('name="Social Worker"', 'name="Social Workers"')],
        "Lane_sw",
        '"Social Workers" is not a role',
    ),
    "unquoted timer": (
        FILE,
        [("<bpmn:timeDate>due_at<", "<bpmn:timeDate>2027-05-01T09:00:00+01:00<")],
        "overdue",
        "put it in quotes",
    ),
    "naive timer": (
        FILE,
        [("<bpmn:timeDate>due_at<", '<bpmn:timeDate>"2027-05-01T09:00:00"<')],
        "overdue",
        "no UTC offset",
    ),
    "script with an import": (
        FILE,
        [("consider_within_wd = 2", "import os\nconsider_within_wd = 2")],
        "set_deadlines",
        "import statements are not allowed",
    ),
    "dunder escape": (
        FILE,
        [("consider_within_wd = 2", "consider_within_wd = ().__class__.__base__")],
        "set_deadlines",
        "__class__",
    ),
    "call to a missing process": (
        "review_cycle.bpmn",
        [('calledElement="rag_notification"', 'calledElement="no_such_process"')],
        "rag_notification",
        'calls process "no_such_process"',
    ),
    "external entity": (FILE, (UNSAFE_BPMN / "external_entity.bpmn").read_text(), None, "DOCTYPE or ENTITY"),
    "billion laughs": (FILE, (UNSAFE_BPMN / "billion_laughs.bpmn").read_text(), None, "DOCTYPE or ENTITY"),
    "over the size limit": (FILE, None, None, "the limit is 2000000"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_deployment_with_a_problem_is_refused_on_its_element_and_changes_nothing(app, town, owner, case):
    file_name, change, element_id, words = REFUSED[case]
    council.report_change(town.north_child)
    running = change_instance(town.north_child)
    before = (running.version, running.version_ids, running.state)
    versions = db.session.scalar(select(func.count()).select_from(ProcessVersion))
    if isinstance(change, str):
        content = change
    elif change is None:
        padding = "<!--" + "x" * 2_000_000 + "-->"
        content = newest_content(file_name).replace("</bpmn:definitions>", padding + "</bpmn:definitions>")
    else:
        content = newest_content(file_name)
        for old, new in change:
            assert old in content, old
            content = content.replace(old, new)

    response = deploy(owner, content, file_name=file_name)
    assert response.status_code == 400
    problems = json.loads(html.unescape(response.text.split('data-problems="')[1].split('"')[0]))
    assert any(p["element_id"] == element_id and words in p["message"] for p in problems), problems
    assert words in html.unescape(response.text)  # in the error summary too
    assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == versions
    db.session.refresh(running)
    assert (running.version, running.version_ids, running.state) == before


def test_an_instance_page_shows_where_it_is_and_the_owner_migrates_it_from_there(app, town, owner):
    council.report_change(town.north_child)
    running = change_instance(town.north_child)
    deploy(owner, newest_content().replace("consider_within_wd = 2", "consider_within_wd = 3"))
    assert f"/instances/{running.id}" in owner.get(f"/processes/{FILE}").text  # listed under version 1

    page = owner.get(f"/instances/{running.id}").text
    marks = json.loads(html.unescape(page.split('data-marks="')[1].split('"')[0]))
    assert "consider_change" in marks["active"] and "set_deadlines" in marks["completed"]
    assert {"overdue", "reminder"} <= set(marks["waiting"])
    assert "Migrate to the newest versions" in page and "significant_change.bpmn version 1" in text(page)
    assert "Work out the deadlines" in text(page)  # a step with its data
    worker = client_for(app, "sw.north")  # sees the child, so the diagram; migrating is the owner's
    seen = worker.get(f"/instances/{running.id}")
    assert seen.status_code == 200 and "Migrate to the newest versions" not in seen.text
    assert worker.post(f"/instances/{running.id}/migrate", data={"csrf_token": token(seen.text)}).status_code == 404
    assert client_for(app, "sw.south").get(f"/instances/{running.id}").status_code == 404
    assert f"/instances/{running.id}" in worker.get(f"/children/{town.north_child}").text

    response = owner.post(f"/instances/{running.id}/migrate", data={"csrf_token": token(page)}, follow_redirects=True)
    assert f"Instance {running.id} now runs on the newest versions" in text(response.text)
    db.session.refresh(running)
    assert running.version_ids == [deployments.newest(FILE).id]
    assert decision_due(town.north_child) == "2027-04-14"  # its deadline was set before
    assert '"consider_within_wd": 3' in running.state  # the steps still to come have the new named value
    assert "this instance can move" not in owner.get(f"/instances/{running.id}").text


def test_a_file_far_over_the_limit_is_refused_before_it_is_read(app, town, owner):
    page = owner.get("/processes").text
    response = owner.post(
        "/processes/upload",
        content_type="multipart/form-data",
        data={"file": (BytesIO(b"<x/>" + b" " * 9_000_000), "huge.bpmn"), "comment": "x", "csrf_token": token(page)},
    )
    assert response.status_code == 413
    assert "a diagram can be at most 2 MB" in text(response.text)
    assert numbers("huge.bpmn") == []


def test_an_uploaded_file_defining_a_process_another_file_defines_is_refused(app, town, owner):
    response = upload(owner, "copy_of_significant_change.bpmn", newest_content().encode())
    assert response.status_code == 400
    assert "significant_change already defined in another file" in text(response.text)
    assert numbers("copy_of_significant_change.bpmn") == []


def test_migrating_every_instance_of_a_diagram_from_its_page(app, town, owner):
    council.report_change(town.north_child)
    council.report_change(town.south_child)
    deploy(owner, newest_content().replace("consider_within_wd = 2", "consider_within_wd = 3"))
    page = owner.get(f"/processes/{FILE}").text
    response = owner.post(f"/processes/{FILE}/migrate", data={"csrf_token": token(page)}, follow_redirects=True)
    assert "2 instances migrated to the newest versions" in text(response.text)
    newest = deployments.newest(FILE).id
    assert [change_instance(child).version_ids for child in (town.north_child, town.south_child)] == [[newest]] * 2
    assert "Migrate every instance" not in text(response.text)  # none is left on version 1


def as_camunda_modeler_saves(content: str) -> str:
    """The file as Camunda Modeler writes it back: its own namespace and exporter on the
    definitions, two-space indentation throughout, our extensions left as they were."""
    root = etree.fromstring(content.encode())
    root.set("exporter", "Camunda Modeler")
    root.set("exporterVersion", "5.31.0")
    camunda = etree.Element(
        root.tag, nsmap={**root.nsmap, "camunda": "http://camunda.org/schema/1.0/bpmn"}, attrib=dict(root.attrib)
    )
    camunda.extend(list(root))
    etree.indent(camunda, space="  ")
    return etree.tostring(camunda, xml_declaration=True, encoding="UTF-8").decode()


def test_a_file_saved_by_another_modeller_is_taken_with_its_extensions(app, town, owner):
    saved = as_camunda_modeler_saves(newest_content().replace("consider_within_wd = 2", "consider_within_wd = 3"))
    assert 'exporter="Camunda Modeler"' in saved and saved != newest_content()
    response = upload(owner, FILE, saved.encode(), comment="Edited in Camunda Modeler")
    assert response.status_code == 302
    assert spiff_properties(newest_content()) == spiff_properties(deployments.version(FILE, 1).content)
    changed = deployments.diff_with_previous(FILE, 2).changed
    assert [(c.element.id, c.what, c.values) for c in changed] == [
        ("set_deadlines", (), (ValueChange("consider_within_wd", "2", "3"),))  # its named values only
    ]
    council.report_change(town.north_child)
    assert decision_due(town.north_child) == "2027-04-15"  # the uploaded version runs: 3 working days


def instance_rows(client, file_name) -> list[str]:
    """The running instances' rows of a process page, as text."""
    page = etree.HTML(client.get(f"/processes/{file_name}").text)
    return [" ".join(" ".join(row.itertext()).split()) for row in page.xpath("(//table)[2]/tbody/tr")]


def test_running_instances_show_their_child_as_far_as_the_owner_sees_it_and_where_they_are_now(app):
    life = Life(app, False, "2024-01-07")
    alex = life.allocated()  # Monday 8 January 2024: the review within 20 working days, booked by the IRO
    bo = life.allocated("2024-01-15", "iro2", name="Bo South", case_number="43235", team="South", worker="sw.south")
    app.test_client_class = RequestClient
    owner = client_for(app, "owner")
    assert instance_rows(owner, "review_cycle.bpmn") == [
        "Instance 2 4120389A Book the review review_cycle 8 January 2024 at 9:00am",
        "Instance 4 43235 Book the review review_cycle 15 January 2024 at 9:00am",
    ]  # the process owner does not see the children: their case numbers only
    assert instance_rows(owner, "looked_after.bpmn") == [  # the episode waits for its end
        "Instance 1 4120389A Waiting for: Ceased looked_after 8 January 2024 at 9:00am",
        "Instance 3 43235 Waiting for: Ceased looked_after 15 January 2024 at 9:00am",
    ]

    with writing():
        people.grant(people.user_by_username("owner"), roles.REVIEW_QA_MANAGER)  # who sees every child
    page = owner.get("/processes/review_cycle.bpmn").text
    assert instance_rows(owner, "review_cycle.bpmn")[0].startswith("Instance 2 Alex North (4120389A) Book the review")
    assert f'href="/children/{bo}"' in page and f'href="/children/{alex}"' in page


def test_the_instance_list_reads_the_same_few_times_however_many_instances_it_lists(app):
    life = Life(app, False, "2024-01-07")
    owner = people.identity(people.user_by_username("owner").id)
    life.allocated()

    def reads() -> int:
        statements = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            deployments.versions("review_cycle.bpmn", owner)
            deployments.versions("looked_after.bpmn", owner)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        return len(statements)

    one = reads()
    for day, number in (("2024-01-15", "43235"), ("2024-01-22", "43236"), ("2024-01-29", "43237")):
        life.allocated(day, name=f"Child {number}", case_number=number)
    assert reads() == one
