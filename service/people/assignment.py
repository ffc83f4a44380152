"""Lanes are roles; the case says who holds each role (docs/adr/0011-lanes-are-roles.md).

A role resolves to a person from the child's case: the child's IRO (or child
protection chair), the allocated social worker, the manager of the child's team or
service area, or the one holder of a service-wide role. An instance may name people
itself (`people = {role: {"username": ...}}` in its data); that wins, which lets a
diagram or a test route a step to someone in particular. A person's e-mail address
always comes from their account, never from a diagram's data, so a notice reaches the
address the organisation holds for them today.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select

from service.models import Child, IroCover, Team, User, UserRole
from service.people import roles
from service.workflow import clock, working_days

_users, _children, _user_roles, _teams = User.__table__, Child.__table__, UserRole.__table__, Team.__table__
_cover = IroCover.__table__


@dataclass(frozen=True)
class Person:
    username: str
    email: str | None


def person_for(connection, role: str | None, data: dict, child_id: str | None) -> Person | None:
    if not role:
        return None
    named = (data.get("people") or {}).get(role)
    if isinstance(named, dict) and named.get("username"):
        username = str(named["username"])
        return Person(username, address_of(connection, username))
    user_id = _holder(connection, role, _child(connection, child_id))
    if user_id is None:
        return None
    row = connection.execute(select(_users.c.username, _users.c.email).where(_users.c.id == user_id)).one()
    return Person(row.username, row.email or None)


def cover_applies(today: date):
    """Rows of `iro_cover` that apply on a London date: from and to inclusive, unless ended early."""
    return and_(_cover.c.from_date <= today, _cover.c.to_date >= today, _cover.c.ended_at.is_(None))


def covering(connection, user_id: int, today: date) -> int:
    """Who does this IRO's new work on a London date: the IRO covering them while they are away, or themselves."""
    cover = connection.scalar(
        select(_cover.c.covering_user_id).where(_cover.c.away_user_id == user_id, cover_applies(today)).limit(1)
    )
    return cover or user_id


def address_of(connection, username: str) -> str | None:
    """The e-mail address of an active account; None for no such person or no address."""
    return (
        connection.scalar(select(_users.c.email).where(_users.c.username == username, _users.c.active.is_(True)))
        or None
    )


def _child(connection, child_id):
    if child_id is None or not str(child_id).isdigit():
        return None
    return connection.execute(
        select(
            _children.c.iro_id,
            _children.c.cp_iro_id,
            _children.c.social_worker_id,
            _children.c.team_id,
            _teams.c.service_area,
        )
        .join(_teams, _teams.c.id == _children.c.team_id)
        .where(_children.c.id == int(child_id))
    ).one_or_none()


def _holder(connection, role, child):
    if child is not None:
        if role == roles.IRO:
            iro = child.iro_id or child.cp_iro_id
            return iro and covering(connection, iro, working_days.london_date(clock.now(connection)))
        if role == roles.SOCIAL_WORKER:
            return child.social_worker_id
    query = (
        select(_user_roles.c.user_id)
        .join(_users, _users.c.id == _user_roles.c.user_id)
        .where(_user_roles.c.role == role, _users.c.active.is_(True))
    )
    if role in roles.TEAM_SCOPED:
        if child is None:
            return None
        query = query.where(_user_roles.c.team_id == child.team_id)
    elif role in roles.AREA_SCOPED:
        if child is None:
            return None
        query = query.where(_user_roles.c.service_area == child.service_area)
    return connection.scalar(query.order_by(_user_roles.c.id).limit(1))
