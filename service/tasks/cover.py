"""Cover while an IRO is away: a manager names the IRO covering them from one date to another.

The rule that sends new tasks and notices to the cover is `assignment.covering`; here are the
cover itself (set, ended early, listed), moving the away IRO's open tasks in one step, and what
the worklists and the child's page say about it. Dates are London dates, both days included.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from service.db import db, writing
from service.errors import InvalidData, NotFound
from service.models import HumanTask, IroCover, TaskStatus, User, UserRole
from service.people import access, roles
from service.people.accounts import Identity
from service.tasks import worklist
from service.workflow import audit, clock, working_days

_away, _covering = aliased(User), aliased(User)


@dataclass(frozen=True)
class Cover:
    id: int
    away_id: int
    away_name: str
    covering_id: int
    covering_name: str
    from_date: date
    to_date: date
    open_tasks: int  # the away IRO's open IRO tasks, still theirs


def today() -> date:
    return working_days.london_date(clock.now())


def _listed(*conditions) -> list[Cover]:
    open_tasks = (
        select(func.count())
        .where(
            HumanTask.status == TaskStatus.OPEN,
            HumanTask.candidate_role == roles.IRO,
            HumanTask.assignee == _away.username,
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(IroCover, _away.name, _covering.name, open_tasks)
        .join(_away, _away.id == IroCover.away_user_id)
        .join(_covering, _covering.id == IroCover.covering_user_id)
        .where(IroCover.ended_at.is_(None), IroCover.to_date >= today(), *conditions)
        .order_by(IroCover.from_date, _away.name, IroCover.id)
    )
    return [
        Cover(c.id, c.away_user_id, away, c.covering_user_id, covering, c.from_date, c.to_date, n)
        for c, away, covering, n in rows
    ]


def current_and_future() -> list[Cover]:
    """Every cover not yet over (nor ended early), the soonest first: the cover page's list."""
    return _listed()


def of_person(user_id: int) -> list[Cover]:
    """The covers not yet over where this person is away or covering: the worklist's banner."""
    return _listed(or_(IroCover.away_user_id == user_id, IroCover.covering_user_id == user_id))


def of_child(child) -> list[Cover]:
    """The covers applying today to the child's IROs (looked after and child protection): the child's page."""
    iros = {child.iro_id, child.cp_iro_id} - {None}
    return [c for c in _listed(IroCover.away_user_id.in_(iros)) if c.from_date <= today()]


def _iro(username: str, field: str, what: str) -> User:
    user = db.session.scalar(
        select(User).where(
            User.username == username,
            User.active.is_(True),
            User.id.in_(select(UserRole.user_id).where(UserRole.role == roles.IRO)),
        )
    )
    if user is None:
        raise InvalidData.on(field, f"Choose an IRO {what}: {username or 'nobody'} is not an IRO")
    return user


def _away_then(user_id: int, first: date, last: date):
    """Covers not ended early in which this person is away on some day from first to last."""
    return select(IroCover.id).where(
        IroCover.away_user_id == user_id,
        IroCover.ended_at.is_(None),
        and_(IroCover.from_date <= last, IroCover.to_date >= first),
    )


def set_cover(who: Identity, away_username: str, covering_username: str, first: date, last: date) -> int:
    """Record that an IRO is away from `first` to `last` and who covers them; refuse a cover that
    would overlap theirs, a cover who is away themselves then, or an away IRO covering someone."""
    if not access.may_set_cover(who):
        raise NotFound("no such page")
    if first > last:
        raise InvalidData.on("to_date", "The last day away must be the same as or after the first day away")
    if last < today():
        raise InvalidData.on("to_date", "The last day away must be today or in the future")
    with writing():
        away = _iro(away_username, "away", "who is away")
        covering = _iro(covering_username, "covering", "to cover")
        if away.id == covering.id:
            raise InvalidData.on("covering", "Choose an IRO other than the one who is away")
        if db.session.scalar(_away_then(away.id, first, last).limit(1)):
            raise InvalidData.on("away", f"{away.name} already has cover on some of these days")
        if db.session.scalar(_away_then(covering.id, first, last).limit(1)):
            raise InvalidData.on("covering", f"{covering.name} is away themselves on some of these days")
        if db.session.scalar(
            select(IroCover.id)
            .where(
                IroCover.covering_user_id == away.id,
                IroCover.ended_at.is_(None),
                IroCover.from_date <= last,
                IroCover.to_date >= first,
            )
            .limit(1)
        ):
            raise InvalidData.on("away", f"{away.name} covers another IRO on some of these days")
        cover = IroCover(
            away_user_id=away.id,
            covering_user_id=covering.id,
            from_date=first,
            to_date=last,
            set_by=who.username,
            set_at=clock.now(),
        )
        db.session.add(cover)
        db.session.flush()
        ids = dict(cover_id=cover.id, away_user_id=away.id, covering_user_id=covering.id)
        audit.record(clock.now(), who.username, "iro_cover_set", **ids)
        return cover.id


def _cover(cover_id: int) -> IroCover:
    cover = db.session.scalar(select(IroCover).where(IroCover.id == cover_id, IroCover.ended_at.is_(None)))
    if cover is None:
        raise NotFound(f"cover {cover_id} does not exist or has ended")
    return cover


def end(who: Identity, cover_id: int) -> None:
    """End a cover early: from now on the away IRO's new work is theirs again."""
    if not access.may_set_cover(who):
        raise NotFound("no such page")
    with writing():
        _cover(cover_id).ended_at = clock.now()
        audit.record(clock.now(), who.username, "iro_cover_ended", cover_id=cover_id)


def move_open_tasks(who: Identity, cover_id: int) -> int:
    """Move the away IRO's open IRO tasks to the cover in one step, each as the worklist's reassigning
    does (checked and audited per task); return how many moved."""
    if not access.may_set_cover(who):
        raise NotFound("no such page")
    cover = _cover(cover_id)
    away, covering = db.session.get_one(User, cover.away_user_id), db.session.get_one(User, cover.covering_user_id)
    task_ids = db.session.scalars(
        select(HumanTask.id).where(
            HumanTask.status == TaskStatus.OPEN,
            HumanTask.candidate_role == roles.IRO,
            HumanTask.assignee == away.username,
        )
    ).all()
    for task_id in task_ids:
        worklist.reassign(who, task_id, covering.username)
    return len(task_ids)
