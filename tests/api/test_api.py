"""The JSON API as a case-management system uses it: tokens, children, events, tasks,
and JSON errors for everything it may get wrong."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from service.casework import children as cases
from service.db import db, writing
from service.models import ApiClient, AuditEvent, ChildEvent, HumanTask, TaskStatus
from service.people import tokens
from service.workflow import clock
from tests.support.app import START, RequestClient
from tests.support.council import SYSTEM

NEW_CHILD = {
    "case_number": "CCC000054405PER",
    "name": "Cal Case",
    "dob": "2015-06-30",
    "gender": "M",
    "ethnicity": "WBRI",
    "team": "NW",
    "social_worker": "sw.north",
}
CHANGE = {
    "type": "significant_change",
    "date": "2027-04-12",
    "kind": "missing_over_3_days",
    "details": "Missing for four days; now home.",
    "care_plan_change": None,
}
DROP = object()  # a field left out of a body
ANSWERS = {"decision": "convene_early_review", "early_review_date": "2027-04-26", "reason": "Needs a new plan."}


@pytest.fixture
def anonymous(app):
    app.test_client_class = RequestClient
    return app.test_client()


def a_change(api, child_id) -> int:
    """Report a significant change; the id of the task it gives the IRO."""
    response = api.post(f"/api/v1/children/{child_id}/events", json=CHANGE)
    assert response.status_code == 202, response.json
    listed = api.get(f"/api/v1/tasks?child={child_id}&open=true").json["tasks"]
    return max(t["id"] for t in listed if t["spec_name"] == "consider_change")


def refused(response, status, **fields):
    """A JSON error with this status, naming each field with a message that holds the fragment."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json and response.json["error"]
    for name, fragment in fields.items():
        assert fragment in response.json["fields"][name], response.json
    return response.json


# --- tokens ------------------------------------------------------------------------------------------------
def test_every_endpoint_but_health_and_the_document_needs_a_valid_token(anonymous):
    revoked = tokens.create("old-system")
    with writing():
        db.session.scalar(select(ApiClient).where(ApiClient.name == "old-system")).revoked_at = clock.real_now()
    for method, path in [
        ("get", "/api/v1/children/1"),
        ("post", "/api/v1/children"),
        ("post", "/api/v1/children/1/events"),
        ("get", "/api/v1/tasks"),
        ("post", "/api/v1/tasks/1/complete"),
        ("post", "/api/v1/clock"),
    ]:
        for headers in (
            {},
            {"Authorization": "Bearer not-a-token"},
            {"Authorization": f"Bearer {revoked}"},
            {"Authorization": f"Basic {tokens.create(f'basic {method} {path}')}"},
        ):
            response = getattr(anonymous, method)(path, headers=headers, json={})
            refused(response, 401)
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), (method, path, headers)
    assert anonymous.get("/api/v1/health").status_code == 200
    assert anonymous.get("/api/v1/openapi.json").json["openapi"].startswith("3.")


# --- children --------------------------------------------------------------------------------------------
def test_a_child_is_created_then_read_back_with_its_events(api, town):
    response = api.post("/api/v1/children", json={**NEW_CHILD, "siblings": [town.north_child]})
    assert response.status_code == 201
    child_id = response.json["id"]
    assert response.json == {"id": child_id, "case_number": "CCC000054405PER"}
    assert response.headers["Location"] == f"/api/v1/children/{child_id}"
    assert (
        api.post(
            f"/api/v1/children/{child_id}/events",
            json={
                "type": "became_looked_after",
                "date": "2027-03-01",
                "legal_status": "V4",
                "placement_type": "residential",
                "placement_regulated": False,
            },
        ).status_code
        == 202
    )
    child = api.get(f"/api/v1/children/{child_id}").json
    [event] = child.pop("events")
    assert child == {
        **NEW_CHILD,
        "id": child_id,
        "siblings": [town.north_child],
        "iro": None,
        "looked_after": True,
        "legal_status": "V4",
        "placement_type": "residential",
        "placement_regulated": False,
        "cp_plan": False,
        "cp_category": None,
        "cp_iro": None,
        "expected_birth": None,
        "child_protection": [],
    }
    assert len(event["instance_ids"]) == 1  # the looked-after episode it started
    assert event == {
        "id": event["id"],
        "type": "became_looked_after",
        "date": "2027-03-01",
        "instance_ids": event["instance_ids"],
        "fields": {"legal_status": "V4", "placement_type": "residential", "placement_regulated": False},
    }
    assert (
        db.session.scalar(
            select(AuditEvent.actor).where(AuditEvent.action == "child_created", AuditEvent.child_id == str(child_id))
        )
        == SYSTEM
    )


def test_a_child_is_refused_naming_each_wrong_field(api, town):
    refused(api.post("/api/v1/children", json={**NEW_CHILD, "case_number": "4120389A"}), 422, case_number="exists")
    refused(
        api.post(
            "/api/v1/children", json={**NEW_CHILD, "gender": "X", "dob": "2099-01-01", "pet": "cat", "team": "Nowhere"}
        ),
        422,
        gender="must be one of",
        dob="future",
        pet="unknown field",
    )
    refused(api.post("/api/v1/children", json={"name": "No One"}), 422, case_number="required", team="required")


def test_an_unknown_child_is_a_json_404(api):
    refused(api.get("/api/v1/children/999"), 404)
    refused(api.post("/api/v1/children/999/events", json=CHANGE), 404)


# --- events ----------------------------------------------------------------------------------------------
EVENTS = [  # in an order a new child can take them: ceased after looked after, the plan ends after it starts
    {
        "type": "became_looked_after",
        "date": "2027-02-01",
        "legal_status": "C1",
        "placement_type": "foster",
        "placement_regulated": True,
    },
    {"type": "cp_strategy_discussion", "date": "2027-02-02", "s47": True},
    {"type": "cp_plan_started", "date": "2027-02-03", "category": "emotional", "iro": "iro1"},
    {"type": "cp_plan_ended", "date": "2027-03-03", "reason": "no_longer_at_risk"},
    {**CHANGE, "care_plan_change": {"circumstance": "move_from_settled_residential", "description": "A move."}},
    {"type": "ceased_looked_after", "date": "2027-04-12", "reason": "returned_home"},
]


def test_every_event_type_is_accepted_and_changes_the_child(api, town):
    assert {event["type"] for event in EVENTS} == set(cases.EVENT_TYPES)
    child_id = api.post("/api/v1/children", json=NEW_CHILD).json["id"]
    accepted = [api.post(f"/api/v1/children/{child_id}/events", json=event) for event in EVENTS]
    assert [response.status_code for response in accepted] == [202] * len(EVENTS)
    child = api.get(f"/api/v1/children/{child_id}").json
    assert [event["id"] for event in child["events"]] == [response.json["event_id"] for response in accepted]
    assert child["looked_after"] is False and child["cp_plan"] is False and child["cp_iro"] == "iro1"


def test_a_significant_change_starts_a_process_whose_task_the_api_lists_by_our_id(api, town):
    response = api.post(f"/api/v1/children/{town.north_child}/events", json=CHANGE)
    assert response.status_code == 202
    [instance_id] = response.json["instances"]
    task = db.session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id))
    listed = api.get(f"/api/v1/tasks?child={town.north_child}&open=true").json["tasks"]
    assert [t["spec_name"] for t in listed] == ["allocate", "consider_change"]  # the allocation is the episode's
    assert listed[1:] == [
        {
            "id": task.id,
            "spec_name": "consider_change",
            "title": "Consider the significant change",
            "form_key": "consider_significant_change",
            "assignee": "iro1",
            "candidate_role": "IRO",
            "child": town.north_child,
            "due": "2027-04-14T22:59:59.999999+00:00",
            "process": "significant_change",
            "process_name": "Significant change",
            "status": "open",
        }
    ]
    assert [t["spec_name"] for t in api.get(f"/api/v1/tasks?child={town.south_child}").json["tasks"]] == ["allocate"]
    assert api.get("/api/v1/tasks?open=false").json["tasks"] == []
    assert [t["id"] for t in api.get("/api/v1/tasks?assignee=iro1").json["tasks"]] == [task.id]


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"colour": "blue"}, "colour", "unknown field"),
        ({"details": DROP}, "details", "required"),
        ({"kind": "bored"}, "kind", "must be one of"),
        ({"date": "2099-01-01"}, "date", "future"),
        ({"date": "12/04/2027"}, "date", "YYYY-MM-DD"),
        ({"care_plan_change": {"circumstance": "moved"}}, "care_plan_change", "null, or"),
        ({"type": "holiday"}, "type", "must be one of"),
    ],
    ids=["unknown", "missing", "bad-enum", "future", "not-iso", "bad-care-plan-change", "bad-type"],
)
def test_a_bad_event_is_refused_naming_the_field_and_nothing_is_recorded(api, town, change, field, message):
    body = {name: value for name, value in {**CHANGE, **change}.items() if value is not DROP}
    refused(api.post(f"/api/v1/children/{town.north_child}/events", json=body), 422, **{field: message})
    assert db.session.scalar(select(ChildEvent.id).where(ChildEvent.type == "significant_change")) is None


# --- tasks -----------------------------------------------------------------------------------------------
@pytest.mark.postgres
def test_a_task_is_completed_with_the_pages_form_rules_and_only_once(api, town):
    task_id = a_change(api, town.north_child)
    complete = f"/api/v1/tasks/{task_id}/complete"
    refused(api.post(complete, json={"data": {}}), 422, decision="Select whether", reason="Enter the reason")
    refused(
        api.post(complete, json={"data": {**ANSWERS, "early_review_date": None}}),
        422,
        early_review_date="Enter the date",
    )
    refused(
        api.post(complete, json={"data": {**ANSWERS, "early_review_date": "2027-02-30"}}), 422, early_review_date="date"
    )
    refused(api.post(complete, json={"data": {**ANSWERS, "mood": "calm"}}), 422, mood="unknown field")
    refused(api.post(complete, json={"data": ANSWERS, "expected_version": 0}), 409)
    response = api.post(complete, json={"data": ANSWERS, "expected_version": 1})
    assert response.status_code == 200
    assert response.json == {"id": task_id, "status": "completed", "instance_version": 2}
    task = db.session.get(HumanTask, task_id)
    assert task.status == TaskStatus.COMPLETED and task.completed_by == SYSTEM
    assert "already completed" in refused(api.post(complete, json={"data": ANSWERS}), 409)["error"]
    assert [t["id"] for t in api.get("/api/v1/tasks?open=false").json["tasks"]] == [task_id]


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "data"),
        ({"data": ["decision"]}, "data"),
        ({"data": {}, "expected_version": "1"}, "expected_version"),
        ({"data": {}, "by": "me"}, "by"),
    ],
)
def test_a_completion_is_refused_when_its_body_is_not_data_and_a_version(api, town, body, field):
    refused(api.post(f"/api/v1/tasks/{a_change(api, town.north_child)}/complete", json=body), 422, **{field: ""})


def test_an_unknown_task_is_a_json_404(api, town):
    refused(api.post("/api/v1/tasks/999/complete", json={"data": ANSWERS}), 404)


def test_the_task_list_pages_and_refuses_unknown_or_bad_parameters(api, town):
    first, second = a_change(api, town.north_child), a_change(api, town.north_child)
    assert [t["id"] for t in api.get("/api/v1/tasks?assignee=iro1&limit=1").json["tasks"]] == [first]
    assert [t["id"] for t in api.get("/api/v1/tasks?assignee=iro1&limit=1&offset=1").json["tasks"]] == [second]
    refused(
        api.get("/api/v1/tasks?open=yes&limit=501&child=-1&offset=x&colour=red&assignee="),
        422,
        open="true or false",
        limit="1 to 500",
        child="whole number",
        offset="whole number",
        colour="unknown parameter",
        assignee="username",
    )
    refused(api.get("/api/v1/tasks?open=true&open=false"), 422, open="once")


# --- malformed requests ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, status, field",
    [
        ({"data": '{"name": ', "content_type": "application/json"}, 400, None),
        ({"data": b'{"name": "\xff"}', "content_type": "application/json"}, 400, None),
        ({"data": "name=Cal", "content_type": "application/x-www-form-urlencoded"}, 415, None),
        ({"json": ["not", "an", "object"]}, 422, "body"),
        ({"json": {**NEW_CHILD, "siblings": [10**40]}}, 422, "siblings"),
        ({"data": '{"name": 1e400}', "content_type": "application/json"}, 422, "name"),
        ({"json": {**NEW_CHILD, "name": "Cal\u0000"}}, 422, "name"),
        ({"data": '{"name": "\\ud800"}', "content_type": "application/json"}, 422, "name"),
        ({"data": "[" * 100_000, "content_type": "application/json"}, 400, None),
    ],
    ids=["truncated", "not-utf8", "form", "array", "huge-int", "infinite", "nul", "lone-surrogate", "deep"],
)
def test_malformed_bodies_are_refused_in_json(api, kwargs, status, field):
    body = refused(api.post("/api/v1/children", **kwargs), status)
    assert field is None or field in body["fields"]


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("get", "/api/v1/nothing", 404),
        ("get", "/api/v1/children/abc", 404),
        ("get", f"/api/v1/children/{2**70}", 404),
        ("post", "/api/v1/tasks/-1/complete", 404),
        ("delete", "/api/v1/children/1", 405),
        ("get", "/api/v1/tasks/1/complete", 405),
    ],
)
def test_unknown_routes_and_methods_are_json(anonymous, method, path, status):
    response = refused(getattr(anonymous, method)(path), status)
    assert path in response["error"]


@pytest.mark.postgres
def test_ids_beyond_the_databases_integers_are_refused_not_compared(api):
    """PostgreSQL's INTEGER ends at 2**31 - 1 and refuses to compare a larger parameter with it."""
    refused(api.get(f"/api/v1/children/{2**31}"), 404)
    refused(api.post(f"/api/v1/tasks/{2**31}/complete", json={"data": {}}), 404)
    refused(api.post("/api/v1/children", json={**NEW_CHILD, "siblings": [2**31]}), 422, siblings="between")
    refused(api.get(f"/api/v1/tasks?child={2**31}"), 422, child="whole number")


def test_the_method_not_allowed_names_the_allowed_ones(anonymous):
    assert anonymous.put("/api/v1/children").headers["Allow"] == "OPTIONS, POST"


def test_the_clock_moves_with_a_token_in_test_mode(api, anonymous):
    later = (START + timedelta(days=3)).isoformat()
    refused(anonymous.post("/api/v1/clock", json={"now": later}), 401)
    response = api.post("/api/v1/clock", json={"now": later})
    assert response.status_code == 200
    assert datetime.fromisoformat(response.json["now"]) >= datetime.fromisoformat(later)
    assert (
        db.session.scalar(
            select(AuditEvent.actor).where(AuditEvent.action == "clock_moved").order_by(AuditEvent.id.desc())
        )
        == SYSTEM
    )
    refused(api.post("/api/v1/clock", json={"now": "9999-12-31T23:00:00+00:00"}), 422, now="too far")
