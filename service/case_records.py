"""What diagrams record on a child's case: episodes, reviews, the named IRO.

A diagram calls `record_episode(...)`, `record_review(...)`, `allocate_iro(...)` or
`end_episode()`; the engine collects the call and the unit of work applies it here,
in the same transaction as the instance's new state. Field names are the columns of
`LookedAfterEpisode` and `Review`; anything else is refused, naming the field, so a
typo in a diagram fails its step instead of writing nothing.
"""
from datetime import date

from sqlalchemy import Boolean, Date, Integer, insert, select, update

from .errors import ScriptFailed
from .models import Child, InstanceStatus, LookedAfterEpisode, ProcessInstance, Review, ReviewStatus, User, UserRole
from . import roles

_episodes, _reviews, _children = LookedAfterEpisode.__table__, Review.__table__, Child.__table__
_instances, _users, _user_roles = ProcessInstance.__table__, User.__table__, UserRole.__table__
_NOT_WRITABLE = {"id", "child_id", "instance_id", "iro_id", "team_id"}


def apply(uow, instance, records) -> None:
    for record in records:
        if record.kind == "record_episode":
            _upsert(uow, _episodes, instance, record.fields)
        elif record.kind == "record_review":
            _upsert(uow, _reviews, instance, record.fields)
        elif record.kind == "allocate_iro":
            _allocate(uow, instance, record.fields)
        elif record.kind == "end_episode":
            _end_episode(uow, instance)
        uow.audit(record.kind, instance_id=instance.id, child_id=instance.child_id, **_jsonable(record.fields))


def _upsert(uow, table, instance, fields):
    values = {name: _value(table, name, value) for name, value in fields.items()}
    if table is _reviews and values.get("held_on"):
        values.update(_chair_and_team(uow.connection, instance.child_id))
    found = uow.connection.scalar(select(table.c.id).where(table.c.instance_id == instance.id))
    if found is None:
        uow.connection.execute(insert(table).values(child_id=int(instance.child_id), instance_id=instance.id,
                                                    **values))
    elif values:
        uow.connection.execute(update(table).where(table.c.id == found).values(**values))


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
        if name == "status":
            return ReviewStatus(value)
    except ValueError as exc:
        raise ScriptFailed(f"{table.name}.{name}: {exc}") from None
    return value


def _chair_and_team(connection, child_id):
    row = connection.execute(select(_children.c.iro_id, _children.c.team_id)
                             .where(_children.c.id == int(child_id))).one()
    return {"iro_id": row.iro_id, "team_id": row.team_id}


def _allocate(uow, instance, fields):
    username = fields.get("iro")
    iro = uow.connection.scalar(
        select(_users.c.id).join(_user_roles, _user_roles.c.user_id == _users.c.id)
        .where(_users.c.username == username, _user_roles.c.role == roles.IRO, _users.c.active.is_(True)).limit(1))
    if iro is None:
        raise ScriptFailed(f"allocate_iro: {username!r} is not an active IRO")
    uow.connection.execute(update(_children).where(_children.c.id == int(instance.child_id)).values(iro_id=iro))
    uow.connection.execute(update(_episodes).where(_episodes.c.instance_id == instance.id).values(iro_id=iro))


def _end_episode(uow, instance):
    """Cancel the child's other running processes; their open tasks and timers close."""
    others = uow.connection.scalars(select(_instances.c.id).where(
        _instances.c.child_id == instance.child_id, _instances.c.status == InstanceStatus.RUNNING,
        _instances.c.id != instance.id).order_by(_instances.c.id)).all()
    for other_id in others:
        other = uow.load(other_id)
        uow.act(other, uow.engine.cancel)
        uow.save(other, cancelled=True)
    uow.connection.execute(update(_reviews).where(
        _reviews.c.child_id == int(instance.child_id), _reviews.c.status.in_(
            [ReviewStatus.DUE, ReviewStatus.BOOKED, ReviewStatus.ADJOURNED])).values(status=ReviewStatus.CANCELLED))


def _jsonable(fields):
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in fields.items()}
