"""Worklists and the task page's facts, read from the projections only.

"My tasks" are assigned to me; "unassigned in my roles" wait for a holder of their
lane's role. Overdue first, then by due date; each row shows the working days left
(negative when overdue) counted on the England and Wales calendar.

What is due (the counts at the top of each list, and its `due` filter): overdue once the
deadline has passed; due today until the next working day begins in London, as the row's
"Due today" tag counts it (on a Friday, a deadline at the weekend is due today); due this week
until the end of Sunday, or of "today" when that runs past it. "This week" includes today's.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import Integer, String, and_, case, cast, func, select, update

from service.db import db, writing
from service.errors import ConflictError, InvalidData, NotFound
from service.models import Child, HumanTask, OutboxMessage, TaskStatus, Team, User
from service.people import access
from service.people.accounts import Identity, identity
from service.workflow import audit, clock
from service.workflow import working_days as calendar

PAGE_SIZE = 25


DUE = ("overdue", "today", "week")


@dataclass(frozen=True)
class Filters:
    task_type: str | None = None  # a task's title: one task type, whichever diagrams ask it
    team: str | None = None  # a team code
    due: str | None = None  # one of DUE


@dataclass(frozen=True)
class DueCounts:
    overdue: int
    today: int
    week: int


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


def _due_conditions(now) -> dict:
    """Each of DUE as a condition on `human_tasks.due_at`, on the London working-day calendar."""
    today = calendar.london_date(now)
    next_working_day = calendar.add_working_days(today, 1)
    today_ends = datetime.combine(next_working_day, time.min, tzinfo=calendar.LONDON)
    sunday_ends = datetime.combine(today + timedelta(days=7 - today.weekday()), time.min, tzinfo=calendar.LONDON)
    return {
        "overdue": HumanTask.due_at < now,
        "today": and_(HumanTask.due_at >= now, HumanTask.due_at < today_ends),
        "week": and_(HumanTask.due_at >= now, HumanTask.due_at < max(today_ends, sunday_ends)),
    }


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
        query = query.where(HumanTask.title == filters.task_type)
    if filters.team:
        query = query.where(Team.code == filters.team)
    if filters.due:
        query = query.where(_due_conditions(now)[filters.due])
    return query


def _mine(who: Identity):
    return HumanTask.assignee == who.username


def _waiting(who: Identity):
    return access.waiting_for_role_condition(who)


def my_tasks(who: Identity, filters: Filters = Filters(), page: int = 1) -> Page:
    return _page(_base(who, filters, clock.now()).where(_mine(who)), page)


def unassigned(who: Identity, filters: Filters = Filters(), page: int = 1) -> Page:
    return _page(_base(who, filters, clock.now()).where(_waiting(who)), page)


def my_due_counts(who: Identity) -> DueCounts:
    return _due_counts(_mine(who))


def unassigned_due_counts(who: Identity) -> DueCounts:
    return _due_counts(_waiting(who))


def _due_counts(listed) -> DueCounts:
    """Overdue, due today and due this week among the list's open tasks, in one query."""
    conditions = _due_conditions(clock.now())
    row = db.session.execute(
        select(*(func.count(case((conditions[due], 1))) for due in DUE)).where(
            HumanTask.status == TaskStatus.OPEN, listed
        )
    ).one()
    return DueCounts(row[0], row[1], row[2])


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


def my_task_types(who: Identity) -> list[str]:
    return _task_types(_mine(who))


def unassigned_task_types(who: Identity) -> list[str]:
    return _task_types(_waiting(who))


def _task_types(listed) -> list[str]:
    """The titles of the list's open tasks, each once, for the filter: only the types this person
    has there, and one entry for a title two diagrams (or two steps) share."""
    return list(
        db.session.scalars(
            select(HumanTask.title)
            .where(HumanTask.status == TaskStatus.OPEN, listed)
            .group_by(HumanTask.title)
            .order_by(HumanTask.title)
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
