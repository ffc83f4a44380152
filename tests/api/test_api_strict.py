"""The API takes each answer in its field's own JSON type and refuses any other with a 422
naming the field and the type expected: nothing is coerced (a list stored as its first item,
an object as Python's spelling of it, true as "y") and nothing is stored."""

import jsonschema_rs
import pytest
from sqlalchemy import func, select

import forms
from service import json_types
from service.api import openapi
from service.db import db
from service.diagrams import specs
from service.models import AuditEvent, ChildEvent, HumanTask, TaskStatus
from service.workflow import instances

# wrong values for each JSON type, and the words of its refusal
WRONG = {
    json_types.TEXT: (["a", "b"], {"x": 1}, True, 12, 1.5),
    json_types.CHOICE: (["visit", "phone"], {"x": 1}, True, 3),
    json_types.CHOICES: ("red_1", {"x": 1}, True, 1, [1], [None], [["red_1"]]),
    json_types.BOOLEAN: ("y", "true", 1, 0, [True], {"x": 1}),
    json_types.DATE: (20270401, ["2027-04-01"], {"day": 1}, True),
    json_types.ROWS: ("a row", {"text": "x"}, True, 1),
}
GOT = {
    list: "got a list",
    dict: "got an object",
    bool: "got a boolean",
    int: "got a number",
    float: "got a number",
    str: "got text (a string)",
}


def every_form_diagram() -> str:
    """One process giving a task of every registered form at once (a parallel split)."""
    keys = sorted(forms.FORMS)
    tasks = "".join(
        f"""
    <bpmn:sequenceFlow id="to_{key}" sourceRef="split" targetRef="{key}" />
    <bpmn:userTask id="{key}" name="{key}"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formKey" value="{key}" />
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="from_{key}" sourceRef="{key}" targetRef="join" />"""
        for key in keys
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="Definitions_every_form" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="every_form" name="Every form" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split" />
    <bpmn:parallelGateway id="split" />{tasks}
    <bpmn:parallelGateway id="join" />
    <bpmn:sequenceFlow id="f2" sourceRef="join" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def form_tasks(app, town) -> dict:
    """{form key: id of an open task with that form}, one for every registered form."""
    specs.store_version("every_form.bpmn", every_form_diagram(), "test")
    db.session.commit()
    started = instances.start_instance("every_form", {}, actor="test", child_id=str(town.north_child))
    tasks = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == started.instance_id)).all()
    return {task.form_key: task.id for task in tasks}


def audited() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def refused_naming(response, field: str, fragments: tuple):
    assert response.status_code == 422, (field, response.get_data(as_text=True))
    message = response.json["fields"][field]
    for fragment in fragments:
        assert fragment in message, (field, message)
    assert field in response.json["error"]


def test_every_field_of_every_form_has_a_json_type():
    for form_class in forms.FORMS.values():
        for unbound in forms.fields_of(form_class).values():
            assert forms.json_type(unbound) in WRONG or forms.json_type(unbound) is json_types.OBJECT


def test_every_form_refuses_a_wrong_type_for_each_field_naming_it_and_the_task_stays_open(api, form_tasks):
    assert set(form_tasks) == set(forms.FORMS)
    before, checked = audited(), set()
    for form_key, task_id in form_tasks.items():
        for name, unbound in forms.fields_of(forms.FORMS[form_key]).items():
            expected = forms.json_type(unbound)
            for value in WRONG[expected]:
                response = api.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {name: value}})
                refused_naming(response, name, (f"expected {expected.words}", GOT[type(value)]))
                checked.add(expected)
    assert checked == set(WRONG)  # every kind of field was met somewhere
    assert audited() == before
    assert {db.session.get(HumanTask, task_id).status for task_id in form_tasks.values()} == {TaskStatus.OPEN}


def test_the_openapi_document_gives_each_forms_answers_the_types_the_api_takes(client):
    components = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    for form_key, form_class in forms.FORMS.items():
        schema = components[openapi.answers_schema_name(form_key)]
        validator = jsonschema_rs.Draft202012Validator(schema)
        for name, unbound in forms.fields_of(form_class).items():
            assert validator.is_valid({name: None})
            for value in WRONG.get(forms.json_type(unbound), ()):
                assert not validator.is_valid({name: value}), (form_key, name, value)
        assert not validator.is_valid({"no_such_field": "x"})


def test_a_rows_fields_are_typed_too_named_by_their_row(api, form_tasks):
    task_id = form_tasks["record_review"]
    for rows, field, fragment in (
        ([{"text": ["a", "b"]}], "decisions-0-text", "expected text (a string), got a list"),
        ([{"text": "x"}, {"starred": "y"}], "decisions-1-starred", "expected true or false (a boolean), got text"),
        ([{"text": "x"}, None], "decisions-1", "expected an object, got null"),
        ([{"pet": "cat"}], "decisions-0-pet", "unknown field"),
    ):
        response = api.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"decisions": rows}})
        refused_naming(response, field, (fragment,))


def test_the_right_types_still_complete_a_task_and_the_probes_list_does_not(api, form_tasks):
    task_id = form_tasks["record_contact"]
    answers = {"contact_date": "2027-04-12", "contact_method": ["visit", "phone"], "contact_notes": None}
    response = api.post(f"/api/v1/tasks/{task_id}/complete", json={"data": answers})
    refused_naming(response, "contact_method", ("expected one of the choices (a string), got a list",))
    response = api.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {**answers, "contact_method": "visit"}})
    assert response.status_code == 200, response.json
    assert db.session.get(HumanTask, task_id).status == TaskStatus.COMPLETED


@pytest.mark.parametrize("value", [["a", "b"], {"x": 1}, True, 12])
def test_a_report_summary_that_is_not_text_is_refused_not_stored(api, form_tasks, value):
    task_id = form_tasks["review_report"]
    response = api.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"report_summary": value}})
    refused_naming(response, "report_summary", ("expected text (a string)",))
    assert db.session.get(HumanTask, task_id).status == TaskStatus.OPEN


CHANGE = {
    "type": "significant_change",
    "date": "2027-04-12",
    "kind": "missing_over_3_days",
    "details": "Missing for four days; now home.",
    "care_plan_change": None,
}
BECAME = {
    "type": "became_looked_after",
    "date": "2027-04-12",
    "legal_status": "C2",
    "placement_type": "foster",
    "placement_regulated": True,
}


@pytest.mark.parametrize(
    "event, field, value, fragment",
    [
        (CHANGE, "details", ["a", "b"], "expected text (a string), got a list"),
        (CHANGE, "details", {"x": 1}, "expected text (a string), got an object"),
        (CHANGE, "details", True, "expected text (a string), got a boolean"),
        (CHANGE, "details", 12, "expected text (a string), got a number"),
        (CHANGE, "kind", ["missing_over_3_days", "court_order"], "(a string), got a list"),
        (CHANGE, "kind", {"x": 1}, "(a string), got an object"),
        (CHANGE, "care_plan_change", ["a"], "expected null or an object, got a list"),
        (CHANGE, "date", 20270412, "expected a date (a string, YYYY-MM-DD), got a number"),
        (BECAME, "legal_status", ["C2", "C1"], "expected one of C1, C2"),
        (BECAME, "placement_type", True, "got a boolean"),
        (BECAME, "placement_regulated", "yes", "expected true or false (a boolean), got text"),
        (BECAME, "placement_regulated", 1, "expected true or false (a boolean), got a number"),
        (BECAME, "notify", "false", "expected true or false (a boolean), got text"),
        (BECAME, "type", ["became_looked_after"], "(a string), got a list"),
    ],
)
def test_an_event_field_of_the_wrong_type_is_refused_and_nothing_recorded(api, town, event, field, value, fragment):
    recorded = db.session.scalar(select(func.count()).select_from(ChildEvent))
    response = api.post(f"/api/v1/children/{town.north_child}/events", json={**event, field: value})
    refused_naming(response, field, (fragment,))
    assert db.session.scalar(select(func.count()).select_from(ChildEvent)) == recorded


@pytest.mark.parametrize(
    "field, value, fragment",
    [
        ("name", ["Cal", "Case"], "expected text (a string), got a list"),
        ("name", {"x": 1}, "expected text (a string), got an object"),
        ("team", True, "expected text (a string), got a boolean"),
        ("social_worker", 7, "expected text (a string), got a number"),
        ("case_number", 43235, "expected text (a string), got a number"),
        ("gender", ["M"], "(a string), got a list"),
        ("siblings", "1", "expected a list of child ids"),
    ],
)
def test_a_child_field_of_the_wrong_type_is_refused(api, town, field, value, fragment):
    child = {
        "case_number": "CCC000054405PER",
        "name": "Cal Case",
        "dob": "2015-06-30",
        "gender": "M",
        "team": "NW",
        "social_worker": "sw.north",
    }
    response = api.post("/api/v1/children", json={**child, field: value})
    refused_naming(response, field, (fragment,))


@pytest.mark.parametrize(
    "value, got", [(["2027-05-01T00:00:00+00:00"], "a list"), (1893456000, "a number"), ({"x": 1}, "an object")]
)
def test_a_clock_move_to_something_not_text_is_refused_naming_its_type(api, value, got):
    response = api.post("/api/v1/clock", json={"now": value})
    refused_naming(response, "now", (f"expected text (a string), got {got}",))
