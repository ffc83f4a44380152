"""The OpenAPI document: valid, true to the code's tables, and no operation answers a
server error to what schemathesis generates from it (valid and invalid requests alike)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.casework import children as cases
from service.casework import codes
from service.people import tokens
from tests.support import council


@pytest.fixture
def seeded_token(app):
    """The test council and an open task, so some generated ids hit real rows; and a token."""
    town = council.build()
    council.report_change(town.north_child)
    return tokens.create("schemathesis")


@pytest.fixture
def api_schema(app):
    def in_own_app_context(environ, start_response):
        """Each request with an app context (and database session) of its own, as in production."""
        with app.app_context():
            return app(environ, start_response)

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", in_own_app_context)


def test_the_document_is_valid_openapi_and_lists_every_operation(api_schema):
    api_schema.validate()
    operations = [result.ok() for result in api_schema.get_all_operations()]  # the document's own path left out
    assert sorted(op.label for op in operations) == [
        "GET /api/v1/children/{child_id}",
        "GET /api/v1/health",
        "GET /api/v1/reports/ssda903-reviews",
        "GET /api/v1/tasks",
        "PATCH /api/v1/children/{child_id}",
        "POST /api/v1/children",
        "POST /api/v1/children/{child_id}/events",
        "POST /api/v1/clock",
        "POST /api/v1/tasks/{task_id}/complete",
    ]


def test_the_document_takes_its_codes_and_fields_from_the_code(client):
    components = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    events = {ref["$ref"].rsplit("/", 1)[1] for ref in components["Event"]["oneOf"]}
    assert {components[name]["properties"]["type"]["const"] for name in events} == set(cases.EVENT_TYPES)
    for name in events:
        event = components[name]
        fields = cases.EVENT_FIELDS[event["properties"]["type"]["const"]]
        assert (
            set(event["properties"]) == {"type", *cases.EVENT_COMMON, *fields}
            and event["additionalProperties"] is False
        )
    assert set(components["NewChild"]["required"]) == {n for n, (required, _) in cases.CHILD_FIELDS.items() if required}
    assert components["NewChild"]["properties"]["ethnicity"]["enum"] == list(codes.ETHNICITIES)


def test_production_leaves_the_clock_out(app_factory):
    production = app_factory(IRO_MODE="production")
    assert "/api/v1/clock" not in production.test_client().get("/api/v1/openapi.json").json["paths"]


SEEDED_NAMES = {"team": "NE", "social_worker": "sw.north", "iro": "iro1"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def aim_at_seeded_rows(case):
    """Half the generated ids and names become seeded ones (children 1 and 2, task 1, the council's
    team and staff), picked by the generated value, so requests also get past the lookups."""
    for name, value in (case.path_parameters or {}).items():
        if isinstance(value, int) and value % 2:
            case.path_parameters[name] = value % 4 // 2 + 1 if name == "child_id" else 1
    if isinstance(case.body, dict) and len(case.body) % 2:
        case.body.update({name: seeded for name, seeded in SEEDED_NAMES.items() if name in case.body})


@pytest.mark.slow  # every operation, with what schemathesis generates
@pytest.mark.postgres
@pytest.mark.parametrize("mode", list(GenerationMode))
def test_no_operation_answers_a_server_error_or_off_the_document(seeded_token, api_schema, subtests, mode):
    """25 requests per operation that fit the document (positive) or break it (negative)."""
    headers = {"Authorization": f"Bearer {seeded_token}"}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if mode is GenerationMode.NEGATIVE and not any(operation.iter_parameters()) and not operation.body:
            continue  # health: nothing in the request to get wrong

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
        )
        def answers_well(case):
            aim_at_seeded_rows(case)
            case.call_and_validate(headers=headers, checks=CHECKS)

        with subtests.test(operation.label):
            answers_well()
