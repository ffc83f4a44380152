"""Children's cases and the events case-management systems report about them.

Fields, codes and event types are those of docs/api.md (SSDA903 codes where one
exists). An event is recorded on the child, updates the child's status, and is
sent as a message named by its type: the child's waiting process resumes, or a
process that starts with it begins. Until a process for a type exists, the event
is recorded and shows on the case page.
"""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from service import json_types
from service.casework import codes, protection
from service.db import db, writing
from service.diagrams import specs
from service.errors import InvalidData, NotFound
from service.models import Child, ChildEvent, InstanceChild, MessageWait, Review, ReviewStatus, Team, User, UserRole
from service.people import roles
from service.workflow import audit, clock
from service.workflow import working_days as calendar
from service.workflow.unit_of_work import UnitOfWork

_children, _events = Child.__table__, ChildEvent.__table__

CASE_NUMBER = re.compile(r"[0-9]{4,9}[A-Z]|CCC[0-9]{9}PER|[0-9]{4,9}")


# --- field checks: each returns the clean value or raises ValueError with a message ---
def _text(value, limit=200):
    if not isinstance(value, str):
        raise ValueError(json_types.TEXT.problem(value))
    if not value.strip():
        raise ValueError("enter some text")
    if len(value) > limit:
        raise ValueError(f"use {limit} characters or fewer")
    return value.strip()


def _one_of(options):
    def check(value):
        if not isinstance(value, str):  # a list or an object is refused by type, never looked up
            raise ValueError(f"expected one of {', '.join(options)} (a string), got {json_types.kind(value)}")
        if value not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return value

    return check


def _date(value):
    if not isinstance(value, str):
        raise ValueError(json_types.DATE.problem(value))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("give a date as YYYY-MM-DD") from None


def _past_date(value):
    day = _date(value)
    if day > calendar.london_date(clock.now()):  # "today" is London's, as the forms have it
        raise ValueError("cannot be in the future")
    return day


def _bool(value):
    if not isinstance(value, bool):
        raise ValueError(json_types.BOOLEAN.problem(value))
    return value


def _case_number(value):
    if not isinstance(value, str):
        raise ValueError(json_types.TEXT.problem(value))
    if not CASE_NUMBER.fullmatch(value):
        raise ValueError(
            "use digits and one letter (4120389A), CCC + 9 digits + PER (CCC000054405PER), or digits only (43235)"
        )
    return value


def _ids(value):
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**31 for v in value
    ):
        raise ValueError("expected a list of child ids (whole numbers)")
    return value


def _whole_number(value):
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {json_types.kind(value)}")
    if not 0 < value < 1000:
        raise ValueError("give a whole number from 1")
    return value


def _nullable(check):
    def maybe(value):
        return None if value is None else check(value)

    return maybe


def _care_plan_change(value):
    if not isinstance(value, dict):
        raise ValueError(f"expected null or an object, got {json_types.kind(value)}")
    if set(value) != {"circumstance", "description"}:
        raise ValueError('null, or {"circumstance": ..., "description": ...}')
    return {
        "circumstance": _one_of(codes.CARE_PLAN_CHANGES)(value["circumstance"]),
        "description": _text(value["description"], 2000),
    }


CHILD_FIELDS = {  # name: (required, check)
    "case_number": (True, _case_number),
    "name": (True, _text),
    "dob": (False, _past_date),  # required unless the child is unborn (`expected_birth`)
    "expected_birth": (False, _date),
    "gender": (True, _one_of(codes.GENDERS)),
    "ethnicity": (False, _one_of(codes.ETHNICITIES)),
    "team": (True, _text),
    "social_worker": (True, _text),
    "siblings": (False, _ids),
}
EVENT_FIELDS = {
    "became_looked_after": {
        "legal_status": (True, _one_of(codes.LEGAL_STATUSES)),
        "placement_type": (True, _one_of(codes.PLACEMENT_TYPES)),
        "placement_regulated": (True, _bool),
    },
    "ceased_looked_after": {"reason": (True, _one_of(codes.CEASED_REASONS))},
    "significant_change": {
        "kind": (True, _one_of(codes.SIGNIFICANT_CHANGES)),
        "details": (True, lambda v: _text(v, 2000)),
        "care_plan_change": (True, _nullable(_care_plan_change)),
    },
    "cp_strategy_discussion": {"s47": (True, _bool), "transfer_in": (False, _bool)},
    "cp_plan_started": {
        "category": (True, _one_of(codes.CP_CATEGORIES)),
        "iro": (True, _text),
        "next_review_due": (False, _date),
    },
    "cp_plan_ended": {"reason": (True, _one_of(codes.CP_ENDED_REASONS))},
}
EVENT_TYPES = tuple(EVENT_FIELDS)
# Every event has a date; `"notify": false` imports history: it runs but sends no notice (docs/api.md).
EVENT_COMMON = {"date": (True, _past_date), "notify": (False, _bool)}
TAKE_ON_FIELDS = {
    **EVENT_COMMON,
    **EVENT_FIELDS["became_looked_after"],
    "iro": (True, _text),
    "next_review_number": (True, _whole_number),
    "next_review_due": (True, _date),
}


def check_fields(body, fields: dict) -> dict:
    """Clean values for `fields`; unknown, missing and bad fields refused together, each named."""
    if not isinstance(body, dict):
        raise InvalidData("send a JSON object", {"body": "must be a JSON object"})
    errors = {name: "unknown field" for name in body if name not in fields}
    clean = {}
    for name, (required, check) in fields.items():
        if name not in body:
            if required:
                errors[name] = "required"
            continue
        try:
            clean[name] = check(body[name])
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise InvalidData("; ".join(f"{name}: {message}" for name, message in errors.items()), errors)
    return clean


def create_child(body: dict, *, actor: str) -> Child:
    with writing():  # the case number checked and taken under the write lock
        return _create_child(body, actor)


def _create_child(body: dict, actor: str) -> Child:
    fields = check_fields(body, CHILD_FIELDS)
    errors = _birth_problems(fields)
    if db.session.scalar(select(Child.id).where(Child.case_number == fields["case_number"])):
        errors["case_number"] = "a child with this case number exists"
    team = db.session.scalar(select(Team).where(Team.code == fields["team"]))
    if team is None:
        errors["team"] = "no such team"
    worker = _holder_of(fields["social_worker"], roles.SOCIAL_WORKER)
    if worker is None:
        errors["social_worker"] = "no social worker with this username"
    for sibling in fields.get("siblings", []):
        if db.session.get(Child, sibling) is None:
            errors["siblings"] = f"no child {sibling}"
    if errors or team is None or worker is None:  # either missing is in the errors
        raise InvalidData("; ".join(f"{k}: {v}" for k, v in errors.items()), errors)
    child = Child(
        case_number=fields["case_number"],
        name=fields["name"],
        dob=fields.get("dob"),
        expected_birth=fields.get("expected_birth"),
        gender=fields["gender"],
        ethnicity=fields.get("ethnicity"),
        team_id=team.id,
        social_worker_id=worker.id,
        siblings=fields.get("siblings", []),
        looked_after=False,
        cp_plan=False,
        created_at=clock.now(),
    )
    db.session.add(child)
    try:
        db.session.flush()
    except IntegrityError:  # the same case number, sent twice at once; writing() rolls back
        raise InvalidData(
            "case_number: a child with this case number exists", {"case_number": "a child with this case number exists"}
        ) from None
    _audit(actor, "child_created", child.id, case_number=child.case_number)
    return child


def _birth_problems(fields: dict) -> dict:
    """A child has a date of birth, or (unborn, for a pre-birth conference) an expected one."""
    if "dob" in fields and "expected_birth" in fields:
        return {"expected_birth": "give dob or expected_birth, not both"}
    if "dob" not in fields and "expected_birth" not in fields:
        return {"dob": "required (or expected_birth for an unborn child)"}
    return {}


CHANGE_FIELDS = {"dob": (False, _past_date), "siblings": (False, _ids)}


def change_child(child_id: int, body: dict, *, actor: str) -> Child:
    """Change what may change on a child's record: the date of birth once an unborn child is born,
    and the list of siblings (each way: a sibling's list gains or loses this child too)."""
    with writing():
        child = db.session.get(Child, child_id)
        if child is None:
            raise NotFound(f"child {child_id} does not exist")
        fields = check_fields(body, CHANGE_FIELDS)
        if not fields:
            raise InvalidData.on("body", "send dob or siblings")
        errors = {}
        if "dob" in fields and child.dob is not None and fields["dob"] != child.dob:
            errors["dob"] = "the child's date of birth is already recorded"
        siblings = fields.get("siblings")
        for sibling in siblings or []:
            if sibling == child.id:
                errors["siblings"] = "a child is not their own sibling"
            elif db.session.get(Child, sibling) is None:
                errors["siblings"] = f"no child {sibling}"
        if errors:
            raise InvalidData("; ".join(f"{k}: {v}" for k, v in errors.items()), errors)
        if "dob" in fields and child.dob is None:
            child.dob = fields["dob"]
            _audit(actor, "child_born", child.id, dob=child.dob.isoformat())
        if siblings is not None:
            _set_siblings(child, siblings)
            _audit(actor, "siblings_changed", child.id, siblings=sorted(child.siblings))
        return child


def _set_siblings(child: Child, siblings: list) -> None:
    before, after = set(child.siblings or []), set(siblings)
    child.siblings = sorted(after)
    for other in db.session.scalars(select(Child).where(Child.id.in_(before | after))):
        theirs = set(other.siblings or [])
        other.siblings = sorted(theirs | {child.id} if other.id in after else theirs - {child.id})


def _holder_of(username, role):
    return db.session.scalar(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.username == username, UserRole.role == role, User.active.is_(True))
        .limit(1)
    )


@dataclass(frozen=True)
class Recorded:
    event_id: int
    instance_ids: list


def record_event(child_id: int, body: dict, *, actor: str) -> Recorded:
    """Record an event, update the child's status, and start or resume its process,
    all in one unit of work: if the process cannot start, nothing is recorded."""
    child = db.session.get(Child, child_id)
    if child is None:
        raise NotFound(f"child {child_id} does not exist")
    if not isinstance(body, dict):
        raise InvalidData("send a JSON object", {"body": "must be a JSON object"})
    kind = body.get("type")
    if not isinstance(kind, str) or kind not in EVENT_FIELDS:
        message = f"must be one of {', '.join(EVENT_TYPES)}"
        raise InvalidData(f"type: {message}", {"type": message})
    fields = check_fields({k: v for k, v in body.items() if k != "type"}, {**EVENT_COMMON, **EVENT_FIELDS[kind]})
    return _record(child, kind, fields, body, _status_changes(child, kind, fields), kind, actor)


def take_on(child_id: int, body: dict, *, actor: str) -> Recorded:
    """A child already looked after when the council starts using the service, or transferred
    in: the episode starts with the child's IRO and next review, not with an allocation.

    The body is a `became_looked_after` event (its real, older date) plus `iro`,
    `next_review_number` and `next_review_due`; it is recorded as that event.
    """
    child = db.session.get(Child, child_id)
    if child is None:
        raise NotFound(f"child {child_id} does not exist")
    fields = check_fields(body, TAKE_ON_FIELDS)
    if _holder_of(fields["iro"], roles.IRO) is None:
        raise InvalidData("iro: no IRO with this username", {"iro": "no IRO with this username"})
    changes = _status_changes(child, "became_looked_after", fields)
    return _record(child, "became_looked_after", fields, body, changes, "already_looked_after", actor)


def _record(child, kind, fields, body, changes, message_name, actor) -> Recorded:
    """The event on the child, the child's new status and the process it starts or resumes: one unit.
    Sent with `"notify": false`, it runs without sending any notice (history being imported)."""
    stored = {k: v for k, v in body.items() if k not in ("type", *EVENT_COMMON)}
    day, notify = fields["date"], fields.get("notify", True)
    with UnitOfWork(actor, notify=notify) as uow:
        if changes:
            uow.connection.execute(update(_children).where(_children.c.id == child.id).values(**changes))
        event_id = uow.connection.execute(
            insert(_events)
            .values(
                child_id=child.id,
                type=kind,
                date=day,
                fields=stored,
                reported_by=actor,
                received_at=uow.now,
                instance_ids=[],
            )
            .returning(_events.c.id)
        ).scalar_one()
        uow.audit(f"event_{kind}", child_id=str(child.id), event_id=event_id, notify=notify)
        touched = []
        if not protection.runs(uow, kind, fields, child.id):
            pass  # recorded only (a discussion without a section 47 enquiry; one sibling's plan ending)
        elif specs.processes_started_by(message_name) or _waits_for(uow.connection, message_name, child.id):
            payload = {"event_id": event_id, "date": body["date"], **stored, **_facts_for(uow.connection, kind, child)}
            touched = uow.route(uow.engine.message(message_name, payload), child_id=str(child.id))
            uow.connection.execute(update(_events).where(_events.c.id == event_id).values(instance_ids=touched))
    return Recorded(event_id, touched)


def _status_changes(child: Child, kind: str, fields: dict) -> dict:
    """What the event changes on the child's record; refused if it contradicts it."""
    if kind == "became_looked_after":
        if child.looked_after:
            message = "the child is already looked after"
            raise InvalidData(f"type: {message}", {"type": message})
        return dict(
            looked_after=True,
            legal_status=fields["legal_status"],
            placement_type=fields["placement_type"],
            placement_regulated=fields["placement_regulated"],
            looked_after_since=fields["date"],
        )
    if kind == "ceased_looked_after":
        if not child.looked_after:
            raise InvalidData("type: the child is not looked after", {"type": "the child is not looked after"})
        return dict(looked_after=False)
    if kind == "cp_plan_started":
        chair = _holder_of(fields["iro"], roles.IRO)
        if chair is None:
            raise InvalidData("iro: no IRO with this username", {"iro": "no IRO with this username"})
        return dict(cp_plan=True, cp_category=fields["category"], cp_iro_id=chair.id, cp_plan_since=fields["date"])
    if kind == "cp_plan_ended":
        if not child.cp_plan:
            message = "the child has no child protection plan"
            raise InvalidData(f"type: {message}", {"type": message})
        return dict(cp_plan=False)
    return {}


def _facts_for(connection, kind, child) -> dict:
    """What the case knows that the event's process needs: ceasing checks the last review; a
    child protection enquiry about an unborn child leads to a pre-birth conference."""
    if kind == "cp_strategy_discussion":
        unborn = child.dob is None
        return {"unborn": unborn, "expected_birth": child.expected_birth.isoformat() if unborn else None}
    if kind != "ceased_looked_after":
        return {}
    held = connection.scalar(
        select(func.max(Review.held_on)).where(Review.child_id == child.id, Review.status == ReviewStatus.HELD)
    )
    return {"last_review_held_on": held.isoformat() if held else None}


def _waits_for(connection, kind, child_id) -> bool:
    """Whether a process concerning the child (alone or in a sibling group) waits for the event."""
    return (
        connection.scalar(
            select(MessageWait.id)
            .join(InstanceChild, InstanceChild.instance_id == MessageWait.instance_id)
            .where(MessageWait.message_name == kind, InstanceChild.child_id == str(child_id))
            .limit(1)
        )
        is not None
    )


def _audit(actor, action, child_id, **details):
    audit.record(clock.now(), actor, action, child_id=str(child_id), **details)


def episode(child: Child) -> str:
    """What the case page calls the child's current episode."""
    parts = []
    if child.looked_after:
        parts.append("Short breaks (V4)" if child.legal_status == codes.SHORT_BREAKS else "Looked after")
    if child.cp_plan:
        parts.append("Child protection plan")
    return ", ".join(parts) or "None open"
