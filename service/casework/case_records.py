"""What diagrams record on a child's case: episodes, reviews, the named IRO, alerts, case notes.

A diagram calls `record_episode(...)`, `record_review(...)`, `allocate_iro(...)`,
`end_episode()`, `record_alert(...)`, `record_alert_step(...)` or `case_note(text=...)`
(and the child protection records of `protection_records`);
the engine collects the call and the unit of work applies it here, in the same
transaction as the instance's new state. Field names are the columns of
`LookedAfterEpisode`, `Review` and `ManagementAlert`; anything else is refused, naming
the field, so a typo in a diagram fails its step instead of writing nothing.
"""

from datetime import date

from sqlalchemy import Boolean, Date, Enum, Integer, func, insert, select, update

from service.casework import invitations, minutes_records, protection_records, rag_patterns
from service.errors import ScriptFailed
from service.models import (
    AlertEntry,
    AlertStatus,
    CaseNote,
    Child,
    ConferenceMinutes,
    CpEpisode,
    InstanceChild,
    InstanceStatus,
    LookedAfterEpisode,
    ManagementAlert,
    ProcessInstance,
    RagNotification,
    RagStatus,
    Review,
    ReviewStatus,
    User,
    UserRole,
)
from service.people import roles
from service.workflow import working_days as calendar

_episodes, _reviews, _children = LookedAfterEpisode.__table__, Review.__table__, Child.__table__
_alerts, _entries, _notes = ManagementAlert.__table__, AlertEntry.__table__, CaseNote.__table__
_rags = RagNotification.__table__
_instances, _users, _user_roles = ProcessInstance.__table__, User.__table__, UserRole.__table__
_instance_children = InstanceChild.__table__
_NOT_WRITABLE = {
    "id",
    "child_id",
    "instance_id",
    "iro_id",
    "team_id",
    "raised_by",
    "child_name",
    "child_dob",
    "social_worker",
    "line_manager",
    "worker_id",
    "pattern_notified",
}


def apply(uow, instance, records) -> None:
    for record in records:
        if record.kind == "record_episode":
            _upsert(uow, _episodes, instance, record.fields)
        elif record.kind == "record_review":
            _upsert(uow, _reviews, instance, record.fields)
        elif record.kind == "record_decision":
            _decision(uow, instance, record.fields)
        elif record.kind == "allocate_iro":
            _allocate(uow, instance, record.fields)
        elif record.kind == "end_episode":
            _end_episode(uow, instance)
        elif record.kind == "record_alert":
            _upsert(uow, _alerts, instance, record.fields)
        elif record.kind == "record_alert_step":
            _alert_step(uow, instance, record.fields)
        elif record.kind == "case_note":
            _case_note(uow, instance, record.fields)
        elif record.kind == "record_rag":
            _upsert(uow, _rags, instance, record.fields)
        elif record.kind == "record_minutes":
            minutes_records.record(uow, instance, record.fields, _value)
        elif record.kind in protection_records.KINDS:
            protection_records.apply(uow, instance, record.kind, record.fields, _value)
        uow.audit(record.kind, instance_id=instance.id, child_id=instance.child_id, **_jsonable(record.fields))


def _upsert(uow, table, instance, fields):
    values = {name: _value(table, name, value) for name, value in fields.items()}
    if table is _reviews and values.get("held_on"):
        values.update(_chair_and_team(uow.connection, instance.child_id))
    found = uow.connection.scalar(select(table.c.id).where(table.c.instance_id == instance.id))
    if found is None:
        if table is _alerts:
            values.update(_as_sent(uow.connection, instance.child_id), raised_by=uow.actor)
            group = uow.children_of(instance.id)
            if len(group) > 1:
                values["children"] = _children_as_sent(uow.connection, group)
        if table is _rags:
            values.update(_case_holders(uow.connection, instance.child_id))
            _learn_worker_qualified(uow, values["worker_id"], values.get("worker_qualified"))
        new_id = uow.connection.execute(
            insert(table)
            .values(child_id=int(instance.child_id), instance_id=instance.id, **values)
            .returning(table.c.id)
        ).scalar_one()
        if table is _alerts and values.get("review_id"):
            _link_rag_notifications(uow.connection, values["review_id"], new_id)
        if table is _rags and values.get("status") == RagStatus.RED:
            rag_patterns.check(uow, instance, new_id)
        found = new_id
    elif values:
        uow.connection.execute(update(table).where(table.c.id == found).values(**values))
    if table is _reviews:
        invitations.sync(uow, "review", found)


def _value(table, name, value):
    """A diagram's JSON value as the column holds it; a name that is no column is refused."""
    column = table.c.get(name)
    if column is None or name in _NOT_WRITABLE:
        raise ScriptFailed(f"{table.name} has no field {name!r} a diagram can record")
    if value is None:
        return None
    kind = column.type
    try:
        if isinstance(kind, Date):
            return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        if isinstance(kind, Boolean):
            return bool(value)
        if isinstance(kind, Integer):
            return int(value)
        if isinstance(kind, Enum):
            return kind.enum_class(value)
    except ValueError as exc:
        raise ScriptFailed(f"{table.name}.{name}: {exc}") from None
    return value


DECISION_FIELDS = {"done_on", "completion_note"}


def _decision(uow, instance, fields):
    """One decision of this review changed in place, so that starred recommendations confirmed
    one at a time (each in its own branch of the diagram) never overwrite each other."""
    index, changes = fields.get("index"), {k: v for k, v in fields.items() if k != "index"}
    unknown = set(changes) - DECISION_FIELDS
    if unknown:
        raise ScriptFailed(f"record_decision: a decision has no field {sorted(unknown)[0]!r} a diagram can record")
    row = uow.connection.execute(
        select(_reviews.c.id, _reviews.c.decisions).where(_reviews.c.instance_id == instance.id)
    ).one_or_none()
    decisions = list(row.decisions or []) if row else []
    if not isinstance(index, int) or not 0 <= index < len(decisions):
        raise ScriptFailed(f"record_decision: this review has no decision {index!r}")
    decisions[index] = {**decisions[index], **_jsonable(changes)}
    uow.connection.execute(update(_reviews).where(_reviews.c.id == row.id).values(decisions=decisions))


def _chair_and_team(connection, child_id):
    row = connection.execute(
        select(_children.c.iro_id, _children.c.team_id).where(_children.c.id == int(child_id))
    ).one()
    return {"iro_id": row.iro_id, "team_id": row.team_id}


def _as_sent(connection, child_id):
    """The alert form's header, copied from the case as it stands when the alert is raised."""
    child = connection.execute(
        select(_children.c.name, _children.c.dob, _children.c.team_id, _users.c.name.label("worker"))
        .join(_users, _users.c.id == _children.c.social_worker_id)
        .where(_children.c.id == int(child_id))
    ).one()
    manager = connection.scalar(
        select(_users.c.name)
        .join(_user_roles, _user_roles.c.user_id == _users.c.id)
        .where(
            _user_roles.c.role == roles.TEAM_MANAGER, _user_roles.c.team_id == child.team_id, _users.c.active.is_(True)
        )
        .order_by(_user_roles.c.id)
        .limit(1)
    )
    return {
        "child_name": child.name,
        "child_dob": child.dob,
        "team_id": child.team_id,
        "social_worker": child.worker,
        "line_manager": manager,
    }


def _children_as_sent(connection, group: list[str]) -> list[dict]:
    """A sibling group's children as the alert was raised about them, the lead first."""
    rows = {
        str(row.id): row
        for row in connection.execute(
            select(_children.c.id, _children.c.name, _children.c.dob, _children.c.case_number).where(
                _children.c.id.in_([int(c) for c in group])
            )
        )
    }
    return [
        {
            "id": rows[c].id,
            "name": rows[c].name,
            "dob": rows[c].dob.isoformat() if rows[c].dob else None,
            "case_number": rows[c].case_number,
        }
        for c in group
        if c in rows
    ]


def _case_holders(connection, child_id):
    """Who held the case when a RAG notification was given: the register counts by them."""
    row = connection.execute(
        select(_children.c.social_worker_id, _children.c.team_id, _children.c.iro_id).where(
            _children.c.id == int(child_id)
        )
    ).one()
    return {"worker_id": row.social_worker_id, "team_id": row.team_id, "iro_id": row.iro_id}


def _learn_worker_qualified(uow, worker_id, qualified) -> None:
    """A RAG notification's answer on the worker is kept on the person while nobody has said (the
    form asks only then): the next notification shows it instead of asking."""
    if worker_id is None or qualified is None:
        return
    learnt = uow.connection.execute(
        update(_users)
        .where(_users.c.id == worker_id, _users.c.qualified_social_worker.is_(None))
        .values(qualified_social_worker=bool(qualified))
    ).rowcount
    if learnt:
        uow.audit("qualified_social_worker", user_id=worker_id, qualified=bool(qualified))


def _link_rag_notifications(connection, review_id, alert_id):
    """An alert raised about a review (or started by its RAG history rules) is that review's grade's alert."""
    connection.execute(
        update(_rags).where(_rags.c.review_id == int(review_id), _rags.c.alert_id.is_(None)).values(alert_id=alert_id)
    )


def _alert_step(uow, instance, fields):
    alert_id = uow.connection.scalar(select(_alerts.c.id).where(_alerts.c.instance_id == instance.id))
    if alert_id is None:
        raise ScriptFailed("record_alert_step: record_alert(...) must come first")
    step, stage = fields.pop("step", None), fields.pop("stage", None)
    if not step:
        raise ScriptFailed('record_alert_step: give step=..., e.g. step="response"')
    uow.connection.execute(
        insert(_entries).values(
            alert_id=alert_id,
            stage=int(stage) if stage is not None else None,
            step=str(step)[:40],
            recorded_at=uow.now,
            recorded_by=uow.actor,
            details=_jsonable(fields),
        )
    )


def _case_note(uow, instance, fields):
    text = fields.get("text")
    if not text or set(fields) != {"text"}:
        raise ScriptFailed("case_note: give the note as text=...")
    uow.connection.execute(
        insert(_notes).values(
            child_id=int(instance.child_id),
            instance_id=instance.id,
            written_at=uow.now,
            written_by=uow.actor,
            text=str(text),
        )
    )


def _allocate(uow, instance, fields):
    username = fields.get("iro")
    iro = uow.connection.scalar(
        select(_users.c.id)
        .join(_user_roles, _user_roles.c.user_id == _users.c.id)
        .where(_users.c.username == username, _user_roles.c.role == roles.IRO, _users.c.active.is_(True))
        .limit(1)
    )
    if iro is None:
        raise ScriptFailed(f"allocate_iro: {username!r} is not an active IRO")
    uow.connection.execute(update(_children).where(_children.c.id == int(instance.child_id)).values(iro_id=iro))
    uow.connection.execute(update(_episodes).where(_episodes.c.instance_id == instance.id).values(iro_id=iro))


def _end_episode(uow, instance):
    """Cancel the child's other running processes of being looked after; their open tasks and
    timers close. Child protection work, and a sibling group's process (an alert for several
    siblings goes on for the others, docs/adr/0019), carry on."""
    group = select(_instance_children.c.instance_id).group_by(_instance_children.c.instance_id).having(func.count() > 1)
    others = uow.connection.scalars(
        select(_instances.c.id)
        .where(
            _instances.c.child_id == instance.child_id,
            _instances.c.status == InstanceStatus.RUNNING,
            _instances.c.id != instance.id,
            _instances.c.id.not_in(select(CpEpisode.instance_id)),
            _instances.c.id.not_in(select(ConferenceMinutes.instance_id)),
            _instances.c.id.not_in(group),
        )
        .order_by(_instances.c.id)
    ).all()
    for other_id in others:
        other = uow.load(other_id)
        uow.act(other, uow.engine.cancel)
        uow.save(other, cancelled=True)
    cancelled = uow.connection.scalars(
        update(_reviews)
        .where(
            _reviews.c.child_id == int(instance.child_id),
            _reviews.c.status.in_([ReviewStatus.DUE, ReviewStatus.BOOKED, ReviewStatus.ADJOURNED]),
        )
        .values(status=ReviewStatus.CANCELLED)
        .returning(_reviews.c.id)
    ).all()
    for review_id in cancelled:
        invitations.sync(uow, "review", review_id)
    uow.connection.execute(
        update(_alerts)
        .where(
            _alerts.c.child_id == int(instance.child_id),
            _alerts.c.status == AlertStatus.OPEN,
            _alerts.c.instance_id != instance.id,
            _alerts.c.instance_id.not_in(group),
        )
        .values(status=AlertStatus.CANCELLED, closed_on=calendar.london_date(uow.now))
    )


def _jsonable(fields):
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in fields.items()}
