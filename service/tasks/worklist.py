"""Worklists and the task page's facts, read from the projections only.

"My tasks" are assigned to me; "unassigned in my roles" wait for a holder of their
lane's role. Overdue first, then by due date; each row shows the working days left
(negative when overdue) counted on the England and Wales calendar.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, case, cast, func, select, update

from service.db import db, writing
from service.errors import ConflictError, InvalidData, NotFound
from service.models import Child, HumanTask, OutboxMessage, TaskStatus, Team, User
from service.people import access
from service.people.accounts import Identity, identity
from service.workflow import audit, clock
from service.workflow import working_days as calendar

PAGE_SIZE = 25


@dataclass(frozen=True)
class Filters:
    task_type: str | None = None  # a spec name
    team: str | None = None  # a team code
    overdue: bool = False


@dataclass(frozen=True)
class Row:
    task_id: int
    title: str
    spec_name: str
    process_name: str
    child_id: str | None
    child_name: str | None
    case_number: str | None
    team: str | None
    due_at: datetime | None
    working_days_left: int | None
    assignee: str | None
    candidate_role: str | None
    overdue: bool


@dataclass(frozen=True)
class Page:
    rows: list
    total: int
    page: int
    pages: int


def _base(who: Identity, filters: Filters, now):
    child = Child.__table__
    query = (
        select(
            HumanTask.id,
            HumanTask.title,
            HumanTask.spec_name,
            HumanTask.process_name,
            HumanTask.child_id,
            child.c.name,
            child.c.case_number,
            Team.code,
            HumanTask.due_at,
            HumanTask.assignee,
            HumanTask.candidate_role,
        )
        .outerjoin(child, child.c.id == cast(HumanTask.child_id, Integer))
        .outerjoin(Team, Team.id == child.c.team_id)
        .where(HumanTask.status == TaskStatus.OPEN, access.task_condition(who))
    )
    if filters.task_type:
        query = query.where(HumanTask.spec_name == filters.task_type)
    if filters.team:
        query = query.where(Team.code == filters.team)
    if filters.overdue:
        query = query.where(HumanTask.due_at < now)
    return query


def my_tasks(who: Identity, filters: Filters = Filters(), page: int = 1) -> Page:
    return _page(_base(who, filters, clock.now()).where(HumanTask.assignee == who.username), page)


def unassigned(who: Identity, filters: Filters = Filters(), page: int = 1) -> Page:
    return _page(_base(who, filters, clock.now()).where(access.waiting_for_role_condition(who)), page)


def _page(query, page: int) -> Page:
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    ordered = query.order_by(case((HumanTask.due_at.is_(None), 1), else_=0), HumanTask.due_at, HumanTask.id)
    now = clock.now()
    today = calendar.london_date(now)
    rows = [
        Row(
            r.id,
            r.title,
            r.spec_name,
            r.process_name,
            r.child_id,
            r.name,
            r.case_number,
            r.code,
            r.due_at,
            calendar.working_days_between(today, r.due_at) if r.due_at else None,
            r.assignee,
            r.candidate_role,
            r.due_at is not None and r.due_at < now,
        )
        for r in db.session.execute(ordered.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    ]
    return Page(rows, total, page, pages)


@dataclass(frozen=True)
class Counts:
    mine: int
    unassigned: int
    overdue: int
    unread: int


def counts(who: Identity) -> Counts:
    """The numbers in the navigation: one query per figure, each on an index."""
    now = clock.now()
    open_visible = HumanTask.status == TaskStatus.OPEN
    mine = db.session.execute(
        select(func.count(), func.count(case((HumanTask.due_at < now, 1)))).where(
            open_visible, HumanTask.assignee == who.username
        )
    ).one()
    waiting = db.session.execute(
        select(func.count()).where(open_visible, access.waiting_for_role_condition(who))
    ).scalar_one()
    unread = db.session.execute(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.recipient_username == who.username, OutboxMessage.read_at.is_(None))
    ).scalar_one()
    return Counts(mine[0], waiting, mine[1], unread)


def task_types(who: Identity) -> list[tuple[str, str]]:
    """(spec name, title) of the open tasks this person sees, for the filter."""
    return list(
        db.session.execute(
            select(HumanTask.spec_name, func.min(HumanTask.title))
            .where(HumanTask.status == TaskStatus.OPEN, access.task_condition(who))
            .group_by(HumanTask.spec_name)
            .order_by(func.min(HumanTask.title))
        )
    )


def visible_task(who: Identity, task_id: int) -> HumanTask:
    """The task if this person may see it; NotFound otherwise, exactly as for a missing one."""
    task = db.session.scalar(select(HumanTask).where(HumanTask.id == task_id, access.task_condition(who)))
    if task is None:
        raise NotFound(f"task {task_id} does not exist")
    return task


def claim(who: Identity, task_id: int) -> None:
    task = visible_task(who, task_id)
    if task.status != TaskStatus.OPEN or not access.may_claim(who, task):
        raise ConflictError("this task is no longer waiting for someone to pick it up")
    _assign(who, task, who.username, "task_claimed")


def release(who: Identity, task_id: int) -> None:
    task = visible_task(who, task_id)
    if task.status != TaskStatus.OPEN or task.assignee != who.username:
        raise ConflictError("only the person holding an open task can give it back")
    _assign(who, task, None, "task_released")


def reassign(who: Identity, task_id: int, to_username: str) -> None:
    """A manager moves a task to someone who holds its role and sees its child."""
    task = visible_task(who, task_id)
    if not access.may_reassign(who) or task.child_id not in visible_children_among(who, {task.child_id}):
        raise NotFound(f"task {task_id} does not exist")
    if task.status != TaskStatus.OPEN:
        raise ConflictError("the task is already finished")
    target = db.session.scalar(select(User).where(User.username == to_username, User.active.is_(True)))
    target_identity = identity(target.id) if target else None
    if target_identity is None or not access.may_be_given(
        target_identity, task, task.child_id in visible_children_among(target_identity, {task.child_id})
    ):
        raise InvalidData(
            f"{to_username} is not a {task.candidate_role} for this child",
            {"assignee": f"choose a {task.candidate_role} who covers this child"},
        )
    _assign(who, task, to_username, "task_reassigned")


def visible_children_among(who: Identity, child_ids) -> set[str]:
    """Which of these child ids (text, as projections hold them) this person may see."""
    return set(
        db.session.scalars(
            select(cast(Child.id, String)).where(access.child_condition(who), cast(Child.id, String).in_(child_ids))
        )
    )


def _assign(who, task, username, action):
    """Change the assignee only if it is still the one the checks saw."""
    seen = dict(human_task_id=task.id, instance_id=task.instance_id, child_id=task.child_id)
    held = HumanTask.assignee.is_(None) if task.assignee is None else HumanTask.assignee == task.assignee
    with writing():
        result = db.session.execute(
            update(HumanTask)
            .where(HumanTask.id == seen["human_task_id"], HumanTask.status == TaskStatus.OPEN, held)
            .values(assignee=username)
        )
        if result.rowcount != 1:
            raise ConflictError("someone changed this task at the same time; look again")
        audit.record(clock.now(), who.username, action, assignee=username, **seen)
