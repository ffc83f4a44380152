"""The JSON API for case-management systems (docs/api.md), described at /api/v1/openapi.json.

Every endpoint but health and the OpenAPI document needs `Authorization: Bearer <token>`
(service.people.tokens; `flask create-token NAME` makes one). The client's name is the actor
in the audit trail. Clients act for the system: they are trusted case-management
systems, so they may complete any open task, whoever holds it; the per-person access
rules belong to the web pages, where people sign in.

Every error is JSON, {"error": what to do, "fields": {name: what is wrong}}, with the
status a client can act on: 400 unreadable JSON, 401 no or bad token, 404 no such
thing (or route), 405 wrong method, 409 the task moved on (or a held review the SSDA903
file needs has no participation code yet), 415 not JSON, 422 refused values. Values no
database column holds (integers beyond 32 bits, text with NUL or lone surrogates) are
refused here, before they can fail deep inside a query or a write. An unexpected
failure is 500 with {"error": ..., "reference": ...}: the log has the reference with the
traceback (service/incidents.py).
"""

import json
import math
import re
from datetime import date, datetime

from flask import Blueprint, current_app, g, jsonify, request, url_for
from sqlalchemy import select
from werkzeug.exceptions import BadRequest, HTTPException, UnsupportedMediaType

from service import incidents, json_types
from service.api import openapi
from service.casework import children as cases
from service.casework import conferences
from service.db import db
from service.errors import ClockError, ConflictError, InvalidData, NotFound, TaskAlreadyCompleted
from service.models import Child, ChildEvent, HumanTask, TaskStatus, Team, User
from service.people import tokens
from service.reports import review_figures
from service.tasks import task_page as tasks
from service.workflow import clock, instances, timers

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_ID = openapi.MAX_ID
ID = f"int(max={MAX_ID})"  # a larger id cannot exist, and PostgreSQL could not even compare it
PUBLIC = {"api.health", "api.openapi_document"}
BEARER = 'Bearer realm="IRO API"'


def _error(status: int, message: str, fields: dict | None = None, headers: dict | None = None):
    return jsonify(error=message, fields=fields or {}), status, headers or {}


# --- authentication and errors -------------------------------------------------------------------------
@bp.before_app_request
def _unrouted():
    """404 and 405 under /api/ in JSON: routing fails before any of this blueprint's handlers apply."""
    failure = request.routing_exception
    if request.path.startswith("/api/") and isinstance(failure, HTTPException) and failure.code >= 400:
        return _http_error(failure)
    return None


@bp.before_request
def _authenticate():
    if request.endpoint in PUBLIC:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return _error(
            401,
            "send the header Authorization: Bearer <token>; the service's administrators "
            "issue tokens with `flask create-token NAME`",
            headers={"WWW-Authenticate": BEARER},
        )
    g.api_client = tokens.client_for(token)
    if g.api_client is None:
        return _error(
            401,
            "this token is unknown, expired or revoked; ask the service's administrators for a new one",
            headers={"WWW-Authenticate": f'{BEARER}, error="invalid_token"'},
        )
    return None


def _actor() -> str:
    return g.api_client.name


@bp.errorhandler(InvalidData)
def _refused(error):
    return _error(422, str(error), error.errors)


@bp.errorhandler(NotFound)
def _not_found(error):
    return _error(404, str(error))


@bp.errorhandler(ConflictError)
def _conflict(error):
    return _error(409, str(error))


@bp.errorhandler(Exception)
def _unexpected(error):
    return jsonify(
        error="the service failed unexpectedly; quote the reference to its support team",
        reference=incidents.record(error),
    ), 500


@bp.errorhandler(HTTPException)
def _http_error(error):
    if error.code == 404:
        return _error(404, f"there is no {request.path}; the API is described at /api/v1/openapi.json")
    if error.code == 405:
        allowed = ", ".join(sorted(error.valid_methods))
        return _error(
            405, f"{request.method} is not allowed on {request.path}; use {allowed}", headers={"Allow": allowed}
        )
    return _error(error.code, error.description)


def _json_object() -> dict:
    """The request's JSON object, or the reason it cannot be read."""
    if not request.is_json:
        raise UnsupportedMediaType("send a JSON object with Content-Type: application/json")
    try:
        body = json.loads(request.get_data())
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"the body is not valid JSON ({exc})") from None
    if not isinstance(body, dict):
        raise InvalidData("send a JSON object", {"body": "must be a JSON object"})
    unstorable = {name: why for name, value in body.items() if (why := _unstorable(name) or _unstorable(value))}
    if unstorable:
        raise InvalidData("; ".join(f"{name}: {why}" for name, why in unstorable.items()), unstorable)
    return body


def _unstorable(value) -> str | None:
    """Why a JSON value cannot be stored, or None. A loop, not recursion: JSON may nest deep."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack += [*item, *item.values()]
        elif isinstance(item, list):
            stack += item
        elif isinstance(item, int) and not -MAX_ID - 1 <= item <= MAX_ID:
            return f"whole numbers must lie between {-MAX_ID - 1} and {MAX_ID}"
        elif isinstance(item, float) and not math.isfinite(item):
            return "numbers must be finite"
        elif isinstance(item, str) and ("\x00" in item or not _encodable(item)):
            return "text must hold no NUL characters or unpaired surrogates"
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")  # fails on a lone surrogate ("\ud800" is valid JSON)
    except UnicodeEncodeError:
        return False
    return True


# --- health, the document, the clock -------------------------------------------------------------------
@bp.get("/health")
def health():
    return jsonify(status="ok", mode=current_app.config["IRO_MODE"], now=clock.now().isoformat())


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document(clock=current_app.config["IRO_MODE"] != "production"))


@bp.post("/clock")
def move_clock():
    """Move the application clock and fire what became due. 404 in production mode."""
    if current_app.config["IRO_MODE"] == "production":
        raise NotFound("there is no clock to move in production mode")
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) != {"now"}:
        return _error(422, 'send {"now": "<ISO 8601 instant with a UTC offset>"} and nothing else')
    if not isinstance(body["now"], str):
        problem = json_types.TEXT.problem(body["now"])
        return _error(422, f"now: {problem}", {"now": problem})
    try:
        target = datetime.fromisoformat(body["now"])
        if target.tzinfo is not None and target >= clock.LATEST:
            return _error(
                422, f"now: move the clock to an instant before {clock.LATEST.isoformat()}", {"now": "too far ahead"}
            )
        fired = timers.move_clock(target, actor=_actor())
    except (TypeError, ValueError):
        return _error(422, f"now: {body['now']!r} is not an ISO 8601 instant", {"now": "not an ISO 8601 instant"})
    except ClockError as exc:
        return _error(409, str(exc))
    return jsonify(now=clock.now().isoformat(), instances_moved_on=fired)


# --- children and their events -------------------------------------------------------------------------
@bp.post("/children")
def create_child():
    child = cases.create_child(_json_object(), actor=_actor())
    return (
        jsonify(id=child.id, case_number=child.case_number),
        201,
        {"Location": url_for(".child", child_id=child.id)},
    )


# GET and PATCH share one rule: with two, an id over MAX_ID fails one rule's converter and werkzeug
# answers the other method 405 instead of 404
@bp.route(f"/children/<{ID}:child_id>", methods=["GET", "PATCH"])
def child(child_id):
    return change_child(child_id) if request.method == "PATCH" else _child(child_id)


def _child(child_id):
    found = db.session.get(Child, child_id)
    if found is None:
        raise NotFound(f"child {child_id} does not exist")
    events = db.session.scalars(
        select(ChildEvent).where(ChildEvent.child_id == child_id).order_by(ChildEvent.date, ChildEvent.id)
    )
    return jsonify(
        id=found.id,
        case_number=found.case_number,
        name=found.name,
        dob=found.dob.isoformat() if found.dob else None,
        expected_birth=found.expected_birth.isoformat() if found.expected_birth else None,
        gender=found.gender,
        ethnicity=found.ethnicity,
        team=db.session.get(Team, found.team_id).code,
        social_worker=_username(found.social_worker_id),
        siblings=found.siblings,
        iro=_username(found.iro_id),
        looked_after=found.looked_after,
        legal_status=found.legal_status,
        placement_type=found.placement_type,
        placement_regulated=found.placement_regulated,
        cp_plan=found.cp_plan,
        cp_category=found.cp_category,
        cp_iro=_username(found.cp_iro_id),
        child_protection=[conferences.as_json(record, _username) for record in conferences.episodes_of(child_id)],
        events=[
            {"id": e.id, "type": e.type, "date": e.date.isoformat(), "fields": e.fields, "instance_ids": e.instance_ids}
            for e in events
        ],
    )


def change_child(child_id):
    """An unborn child's date of birth, once born, and the child's siblings (each sibling's list
    follows); answered as GET answers."""
    if db.session.get(Child, child_id) is None:  # before the body: a wrong child is the first thing to fix
        raise NotFound(f"child {child_id} does not exist")
    cases.change_child(child_id, _json_object(), actor=_actor())
    return _child(child_id)


def _username(user_id: int | None) -> str | None:
    return None if user_id is None else db.session.get_one(User, user_id).username


@bp.post(f"/children/<{ID}:child_id>/events")
def record_event(child_id):
    if db.session.get(Child, child_id) is None:  # before the body: a wrong child is the first thing to fix
        raise NotFound(f"child {child_id} does not exist")
    body = _json_object()
    if not isinstance(body.get("type"), str):  # record_event looks the type up in a dict: a list would raise
        message = (
            f"must be one of {', '.join(cases.EVENT_TYPES)}"
            if "type" not in body
            else f"expected one of {', '.join(cases.EVENT_TYPES)} (a string), got {json_types.kind(body['type'])}"
        )
        raise InvalidData(f"type: {message}", {"type": message})
    recorded = cases.record_event(child_id, body, actor=_actor())
    return jsonify(event_id=recorded.event_id, instances=recorded.instance_ids), 202


# --- tasks ---------------------------------------------------------------------------------------------
def _whole(low: int, high: int):
    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,20}", text) or not low <= int(text) <= high:  # 20 digits: int() stays cheap
            raise ValueError(f"give a whole number from {low} to {high}")
        return int(text)

    return parse


def _username_param(text: str) -> str:
    if not 0 < len(text) <= 100 or "\x00" in text:
        raise ValueError("give a username of 1 to 100 characters")
    return text


def _true_or_false(text: str) -> bool:
    if text not in ("true", "false"):
        raise ValueError("give true or false")
    return text == "true"


TASK_QUERY = {
    "child": _whole(1, MAX_ID),
    "assignee": _username_param,
    "open": _true_or_false,
    "limit": _whole(1, openapi.TASK_LIMIT_MAX),
    "offset": _whole(0, MAX_ID),
}


def _query(parsers: dict, required=()) -> dict:
    """The query string's parameters, parsed; unknown, repeated, bad and missing ones refused together."""
    errors, clean = {name: "give this parameter" for name in required if name not in request.args}, {}
    for name in request.args:
        values = request.args.getlist(name)
        if name not in parsers:
            errors[name] = f"unknown parameter; use {', '.join(parsers)}"
        elif len(values) > 1:
            errors[name] = "give this parameter once"
        else:
            try:
                clean[name] = parsers[name](values[0])
            except ValueError as exc:
                errors[name] = str(exc)
    if errors:
        raise InvalidData("; ".join(f"{name}: {message}" for name, message in errors.items()), errors)
    return clean


@bp.get("/tasks")
def task_list():
    """Human tasks, oldest first; `limit` and `offset` page through them."""
    params = _query(TASK_QUERY)
    query = select(HumanTask).order_by(HumanTask.id)
    if "child" in params:
        query = query.where(HumanTask.child_id == str(params["child"]))
    if "assignee" in params:
        query = query.where(HumanTask.assignee == params["assignee"])
    if "open" in params:
        query = query.where(
            (HumanTask.status == TaskStatus.OPEN) if params["open"] else (HumanTask.status != TaskStatus.OPEN)
        )
    found = db.session.scalars(query.limit(params.get("limit", openapi.TASK_LIMIT)).offset(params.get("offset", 0)))
    return jsonify(tasks=[_task_json(task) for task in found])


def _task_json(task: HumanTask) -> dict:
    child = task.child_id
    return {
        "id": task.id,
        "spec_name": task.spec_name,
        "title": task.title,
        "form_key": task.form_key,
        "assignee": task.assignee,
        "candidate_role": task.candidate_role,
        "child": int(child) if child and child.isdecimal() else child,
        "due": task.due_at.isoformat() if task.due_at else None,
        "process": task.process_id,
        "process_name": task.process_name,
        "status": task.status.value,
    }


def _answers(value):
    if not isinstance(value, dict):
        raise ValueError("give the form's answers as a JSON object")
    return value


def _version(value):
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise ValueError("give the instance version the answers were based on (a whole number), or null")
    return value


COMPLETION = {"data": (True, _answers), "expected_version": (False, _version)}


@bp.post(f"/tasks/<{ID}:task_id>/complete")
def complete_task(task_id):
    """Complete a task with answers checked by the same form class as its page."""
    task = db.session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist")
    body = cases.check_fields(_json_object(), COMPLETION)
    if task.status != TaskStatus.OPEN:
        raise TaskAlreadyCompleted(f"task {task_id} is already {task.status.value}; nothing was saved")
    answers = tasks.checked_answers(task, body["data"])
    version = instances.complete_task(task_id, answers, actor=_actor(), expected_version=body.get("expected_version"))
    return jsonify(id=task_id, status=TaskStatus.COMPLETED.value, instance_version=version)


# --- reports -------------------------------------------------------------------------------------------
def _iso_date(text: str) -> date:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):  # fromisoformat alone takes 20270401 and weeks
        raise ValueError("give a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("give a real date as YYYY-MM-DD") from None


PERIOD_QUERY = {"from": _iso_date, "to": _iso_date}


@bp.get("/reports/ssda903-reviews")
def ssda903_reviews():
    """The SSDA903 reviews table (CSV) of the reviews held from `from` to `to`, both included."""
    params = _query(PERIOD_QUERY, required=PERIOD_QUERY)
    try:
        body = review_figures.ssda903_reviews_csv(params["from"], params["to"])
    except review_figures.ReviewsNotCoded as refused:
        return _error(409, str(refused))
    return body, {"Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store"}
