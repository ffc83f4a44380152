"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json.

Built, not written: fields, required flags, codes and event types come from the
tables service.casework.children checks against, and each form's answers from the JSON types the
API takes for its fields (forms.json_type), so the document cannot disagree with the code.
A field the code accepts but this module has no schema for fails the build (KeyError),
which the schema tests catch.
"""

import forms
from service.casework import children as cases
from service.casework import codes
from service.routing import MAX_ID

TASK_LIMIT, TASK_LIMIT_MAX = 100, 500

ID = {"type": "integer", "format": "int32", "minimum": 1, "maximum": MAX_ID}
DATE = {"type": "string", "format": "date"}
PAST_DATE = {**DATE, "description": "YYYY-MM-DD, not after today (the application clock's date)"}
BOOL = {"type": "boolean"}


def _text(limit: int = 200, description: str | None = None) -> dict:
    text = {"type": "string", "minLength": 1, "maxLength": limit, "pattern": r"\S"}
    return {**text, "description": description} if description else text


def _enum(values) -> dict:
    return {"type": "string", "enum": list(values)}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


CHILD_FIELDS = {
    "case_number": {
        "type": "string",
        "pattern": cases.CASE_NUMBER.pattern,
        "description": "The council's case number, unique: 4120389A, CCC000054405PER or 43235",
    },
    "name": _text(),
    "dob": {**PAST_DATE, "description": "Required unless expected_birth is given (an unborn child)"},
    "expected_birth": {**DATE, "description": "An unborn child's expected date of birth (pre-birth conference)"},
    "gender": _enum(codes.GENDERS),
    "ethnicity": _enum(codes.ETHNICITIES),
    "team": _text(description="A team code that exists"),
    "social_worker": _text(description="Username of the allocated social worker"),
    "siblings": {"type": "array", "items": ID, "description": "Ids of the child's siblings"},
}
CARE_PLAN_CHANGE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["circumstance", "description"],
    "properties": {"circumstance": _enum(codes.CARE_PLAN_CHANGES), "description": _text(2000)},
}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
CP_CONFERENCE = {
    "type": "object",
    "properties": {
        "kind": _enum(("initial", "pre_birth", "transfer_in", "review")),
        "number": {"type": "integer", "description": "0 for the initial conference, then 1, 2... the reviews"},
        "status": _enum(("due", "booked", "held", "cancelled")),
        "due": _NULLABLE_DATE,
        "booked": _NULLABLE_DATE,
        "held": _NULLABLE_DATE,
        "on_time": {"type": ["boolean", "null"]},
        "decision": {"type": ["string", "null"], "description": "plan or no_plan; continue or end for a review"},
        "category": {"type": ["string", "null"]},
        "chair": {"type": ["string", "null"]},
    },
}
CP_EPISODE = {
    "type": "object",
    "properties": {
        "status": _enum(("enquiry", "plan", "no_conference", "no_plan", "ended")),
        "strategy_discussion": _NULLABLE_DATE,
        "transfer_in": BOOL,
        "pre_birth": BOOL,
        "initial_conference_due": _NULLABLE_DATE,
        "outcome": {"type": ["string", "null"]},
        "chair": {"type": ["string", "null"]},
        "siblings_in_episode": {"type": "integer", "description": "Other children conferenced with this one"},
        "next_conference_due": _NULLABLE_DATE,
        "plan": {"type": ["object", "null"], "description": "This child's plan in the episode"},
        "conferences": {"type": "array", "items": CP_CONFERENCE},
    },
}
NOTIFY = {
    **BOOL,
    "default": True,
    "description": "false imports history: the event is recorded and its processes "
    "run, but no reminder or notice is sent for anything already past",
}
EVENT_FIELDS = {
    "became_looked_after": {
        "legal_status": _enum(codes.LEGAL_STATUSES),
        "placement_type": _enum(codes.PLACEMENT_TYPES),
        "placement_regulated": BOOL,
    },
    "ceased_looked_after": {"reason": _enum(codes.CEASED_REASONS)},
    "significant_change": {
        "kind": _enum(codes.SIGNIFICANT_CHANGES),
        "details": _text(2000),
        "care_plan_change": {"oneOf": [{"type": "null"}, _ref("CarePlanChange")]},
    },
    "cp_strategy_discussion": {
        "s47": {**BOOL, "description": "true starts a section 47 enquiry and the initial conference timescale"},
        "transfer_in": {**BOOL, "description": "A child arriving on another council's plan: a transfer-in conference"},
    },
    "cp_plan_started": {
        "category": _enum(codes.CP_CATEGORIES),
        "iro": _text(description="Username of the chairing IRO"),
        "next_review_due": {**DATE, "description": "For a plan taken on at go-live; else 3 months after the ICPC"},
    },
    "cp_plan_ended": {"reason": _enum(codes.CP_ENDED_REASONS)},
}


def _object(fields: dict, schemas: dict, **extra) -> dict:
    """A closed object of `fields` (name: (required, check), as in service.casework.children)."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [*extra, *(name for name, (required, _) in fields.items() if required)],
        "properties": {**extra, **{name: schemas[name] for name in fields}},
    }


def _event_schema_name(kind: str) -> str:
    return "".join(part.title() for part in kind.split("_")) + "Event"


def _schemas() -> dict:
    nullable_text = {"type": ["string", "null"]}
    schemas = {
        "Error": {
            "type": "object",
            "required": ["error", "fields"],
            "properties": {
                "error": {"type": "string", "description": "What is wrong and what to do"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "What is wrong with each named field or parameter",
                },
            },
        },
        "NewChild": _object(cases.CHILD_FIELDS, CHILD_FIELDS),
        "ChildChange": {
            **_object(cases.CHANGE_FIELDS, CHILD_FIELDS),
            "minProperties": 1,
            "description": "dob: an unborn child's date of birth, once; siblings: the whole list, replacing it",
        },
        "ChildCreated": {
            "type": "object",
            "required": ["id", "case_number"],
            "properties": {"id": ID, "case_number": {"type": "string"}},
        },
        "Child": {
            "type": "object",
            "properties": {
                "id": ID,
                **CHILD_FIELDS,
                "dob": {"type": ["string", "null"], "format": "date"},
                "expected_birth": {"type": ["string", "null"], "format": "date"},
                "ethnicity": {"type": ["string", "null"]},
                "iro": nullable_text,
                "looked_after": BOOL,
                "legal_status": nullable_text,
                "placement_type": nullable_text,
                "placement_regulated": {"type": ["boolean", "null"]},
                "cp_plan": BOOL,
                "cp_category": nullable_text,
                "cp_iro": nullable_text,
                "child_protection": {
                    "type": "array",
                    "items": _ref("ChildProtectionEpisode"),
                    "description": "Child protection episodes concerning the child, newest first",
                },
                "events": {
                    "type": "array",
                    "items": _ref("RecordedEvent"),
                    "description": "Oldest first by date, then as received",
                },
            },
        },
        "RecordedEvent": {
            "type": "object",
            "properties": {
                "id": ID,
                "type": _enum(cases.EVENT_TYPES),
                "date": DATE,
                "fields": {"type": "object", "description": "The event's fields other than type and date"},
                "instance_ids": {"type": "array", "items": ID},
            },
        },
        "ChildProtectionEpisode": CP_EPISODE,
        "CarePlanChange": CARE_PLAN_CHANGE,
        "Event": {
            "oneOf": [_ref(_event_schema_name(kind)) for kind in cases.EVENT_FIELDS],
            "discriminator": {
                "propertyName": "type",
                "mapping": {kind: f"#/components/schemas/{_event_schema_name(kind)}" for kind in cases.EVENT_FIELDS},
            },
        },
        "EventAccepted": {
            "type": "object",
            "required": ["event_id", "instances"],
            "properties": {
                "event_id": ID,
                "instances": {
                    "type": "array",
                    "items": ID,
                    "description": "Process instances the event started or resumed",
                },
            },
        },
        "Task": {
            "type": "object",
            "properties": {
                "id": {**ID, "description": "The human-task id, as POST /api/v1/tasks/{task_id}/complete takes"},
                "spec_name": {"type": "string"},
                "title": {"type": "string"},
                "form_key": nullable_text,
                "assignee": nullable_text,
                "candidate_role": nullable_text,
                "child": {"type": ["integer", "string", "null"], "description": "The child's id"},
                "due": {"type": ["string", "null"], "format": "date-time"},
                "process": {"type": "string"},
                "process_name": {"type": "string"},
                "status": _enum(("open", "completed", "cancelled")),
            },
        },
        "TaskList": {
            "type": "object",
            "required": ["tasks"],
            "properties": {"tasks": {"type": "array", "items": _ref("Task")}},
        },
        "Completion": {
            "type": "object",
            "additionalProperties": False,
            "required": ["data"],
            "properties": {
                "data": {
                    "type": "object",
                    "description": "The answers of the task's form (its form_key), by field "
                    "name, each in its field's JSON type: text and a choice as a string, ticked choices as a "
                    "list of strings, a tick box as true or false, a date as a YYYY-MM-DD string, repeated rows "
                    "as a list of objects; null for no answer. Any other type is refused (422), never "
                    "converted. Each form's fields and types are the schema named for its form_key: "
                    "RecordContactAnswers for record_contact, and so on",
                },
                "expected_version": {
                    "type": ["integer", "null"],
                    "minimum": 0,
                    "maximum": MAX_ID,
                    "description": "The instance version the answers were based on: 409 if it moved",
                },
            },
        },
        "Completed": {
            "type": "object",
            "required": ["id", "status", "instance_version"],
            "properties": {"id": ID, "status": {"const": "completed"}, "instance_version": {"type": "integer"}},
        },
        "Health": {
            "type": "object",
            "properties": {
                "status": {"const": "ok"},
                "mode": _enum(("production", "demo", "test")),
                "now": {"type": "string", "format": "date-time"},
            },
        },
        "ClockMove": {
            "type": "object",
            "additionalProperties": False,
            "required": ["now"],
            "properties": {
                "now": {"type": "string", "format": "date-time", "description": "Later than now, with a UTC offset"}
            },
        },
        "ClockMoved": {
            "type": "object",
            "properties": {"now": {"type": "string", "format": "date-time"}, "instances_moved_on": {"type": "integer"}},
        },
    }
    for kind, fields in cases.EVENT_FIELDS.items():
        schema = _object(fields, EVENT_FIELDS[kind], type={"const": kind}, date=PAST_DATE)
        schema["properties"]["notify"] = NOTIFY
        schemas[_event_schema_name(kind)] = schema
    for form_key, form_class in forms.FORMS.items():
        schemas[answers_schema_name(form_key)] = {
            **forms.answers_schema(form_class),
            "description": f"The answers of a task whose form_key is {form_key}",
        }
    return schemas


def answers_schema_name(form_key: str) -> str:
    return "".join(part.title() for part in form_key.split("_")) + "Answers"


ERRORS = {
    "400": "The body is not valid JSON",
    "401": "No token, or an unknown, expired or revoked one",
    "404": "No such child or task",
    "409": "The task is already finished, or changed since expected_version",
    "415": "The body is not sent as application/json",
    "422": "Refused values, each named in fields",
}


def _response(description: str, schema: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _operation(
    operation_id: str,
    summary: str,
    ok: tuple,
    errors: str = "401",
    body: str | None = None,
    parameters: list | None = None,
    public: bool = False,
) -> dict:
    """`ok` is (status, description, schema); `errors` the error statuses, space-separated."""
    status, description, schema = ok
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "responses": {
            status: _response(description, schema),
            **{code: _response(ERRORS[code], "Error") for code in errors.split()},
        },
    }
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    if parameters:
        operation["parameters"] = parameters
    if public:
        operation["security"] = []
    return operation


def _in_path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": ID}


def _in_query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def document(*, clock: bool) -> dict:
    """The document; `clock` adds POST /api/v1/clock (demo and test mode only)."""
    write = "400 401 404 415 422"
    paths = {
        "/api/v1/health": {
            "get": _operation(
                "health", "Is the service up, and what time is it", ("200", "Up", "Health"), errors="", public=True
            )
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "The OpenAPI document", "content": {"application/json": {}}}},
            }
        },
        "/api/v1/children": {
            "post": _operation(
                "createChild",
                "Register a child's case",
                ("201", "Created", "ChildCreated"),
                "400 401 415 422",
                body="NewChild",
            )
        },
        "/api/v1/children/{child_id}": {
            "get": _operation(
                "getChild",
                "A child's case, status and events",
                ("200", "The child", "Child"),
                "401 404",
                parameters=[_in_path("child_id")],
            ),
            "patch": _operation(
                "changeChild",
                "Record an unborn child's birth (dob) or change the child's siblings (each sibling's list follows)",
                ("200", "The child, as GET answers", "Child"),
                write,
                body="ChildChange",
                parameters=[_in_path("child_id")],
            ),
        },
        "/api/v1/children/{child_id}/events": {
            "post": _operation(
                "recordEvent",
                "Report what happened to a child (backdating allowed: deadlines run from date)",
                ("202", "Recorded; the processes it started or resumed", "EventAccepted"),
                write,
                body="Event",
                parameters=[_in_path("child_id")],
            )
        },
        "/api/v1/tasks": {
            "get": _operation(
                "listTasks",
                "Human tasks, oldest first",
                ("200", "The tasks", "TaskList"),
                "401 422",
                parameters=[
                    _in_query("child", ID, "Only this child's tasks"),
                    _in_query(
                        "assignee",
                        {"type": "string", "minLength": 1, "maxLength": 100},
                        "Only tasks assigned to this username",
                    ),
                    _in_query("open", BOOL, "true: open tasks only; false: finished ones only"),
                    _in_query(
                        "limit",
                        {"type": "integer", "minimum": 1, "maximum": TASK_LIMIT_MAX, "default": TASK_LIMIT},
                        "At most this many tasks",
                    ),
                    _in_query(
                        "offset",
                        {"type": "integer", "minimum": 0, "maximum": MAX_ID, "default": 0},
                        "Skip this many tasks first",
                    ),
                ],
            )
        },
        "/api/v1/tasks/{task_id}/complete": {
            "post": _operation(
                "completeTask",
                "Complete an open task with its form's answers (any task: clients act for the system)",
                ("200", "Completed", "Completed"),
                "400 401 404 409 415 422",
                body="Completion",
                parameters=[_in_path("task_id")],
            )
        },
        "/api/v1/reports/ssda903-reviews": {
            "get": {
                "operationId": "ssda903Reviews",
                "summary": "The SSDA903 reviews table of the reviews held in a period",
                "parameters": [
                    _in_query("from", DATE, "The period's first day", required=True),
                    _in_query("to", DATE, "The period's last day, not before from", required=True),
                ],
                "responses": {
                    "200": {
                        "description": "CSV with the columns CHILD (case number), DOB, REVIEW (the day held) and "
                        "REVIEW_CODE (PN0-PN7); dates dd/mm/yyyy; by review date, then case number",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    "401": _response(ERRORS["401"], "Error"),
                    "409": _response("A review held in the period has no participation code yet", "Error"),
                    "422": _response(ERRORS["422"], "Error"),
                },
            }
        },
    }
    if clock:
        paths["/api/v1/clock"] = {
            "post": _operation(
                "moveClock",
                "Move the application clock forward and fire what became due (demo and test mode)",
                ("200", "Moved", "ClockMoved"),
                "401 409 422",
                body="ClockMove",
            )
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "IRO workflow API",
            "version": "1",
            "description": "Case-management systems report children and events; the service runs the "
            "processes. Codes are SSDA903 / CIN census codes where one exists.",
        },
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "A token from `flask create-token NAME`"}
            },
        },
        "security": [{"bearer": []}],
    }
