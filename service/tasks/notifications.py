"""In-app notifications: the same outbox rows as the e-mail, listed for their recipient, a page at a time.

Inside the service a notice names its child in full (the e-mail gives initials only,
service/workflow/mail.py), but only to a reader who sees the child; anyone else (a minute taker)
reads the initials and case number the e-mail gave them. Each notice leads to what it is about,
never to a page the reader may not see: their open task in the notice's process, else the
management alert it concerns, else the child's page.
"""

from dataclasses import dataclass
from typing import cast

from sqlalchemy import CursorResult, func, select, update

from service.db import db, writing
from service.errors import NotFound
from service.models import Child, HumanTask, ManagementAlert, OutboxMessage, TaskStatus
from service.people import access
from service.people.accounts import Identity
from service.workflow import audit, clock, mail, outbox

PAGE_SIZE = 20


@dataclass(frozen=True)
class Notice:
    message: OutboxMessage
    child: str | None  # "Alex North (case 4120389A)", or "A.N. (case 4120389A)" to a reader who does not see them
    child_id: int | None  # set when the reader sees the child: their page may be linked
    task: HumanTask | None  # the reader's open task in the notice's process
    alert_id: int | None  # the management alert the notice is about, when the reader sees it


@dataclass(frozen=True)
class Page:
    notices: list[Notice]
    total: int
    page: int
    pages: int


def listing(who: Identity, unread_only: bool = False, page: int = 1) -> Page:
    """One page of this person's notices, newest first; only the unread ones when asked."""
    mine = [OutboxMessage.recipient_username == who.username, OutboxMessage.kind != outbox.CALENDAR]
    if unread_only:
        mine.append(OutboxMessage.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(*mine)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    messages = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(*mine)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return Page(_about(who, messages), total, page, pages)


def _about(who: Identity, messages: list[OutboxMessage]) -> list[Notice]:
    """Each notice with its child, the reader's task and its alert, read in three queries for the page."""
    child_ids = {_child_id(m) for m in messages} - {None}
    children = {
        child.id: (child, seen)
        for child, seen in db.session.execute(
            select(Child, access.child_condition(who)).where(Child.id.in_(child_ids))
        ).all()
    }
    instance_ids = {m.instance_id for m in messages if m.instance_id}
    tasks: dict[int, HumanTask] = {}
    for task in db.session.scalars(
        select(HumanTask)
        .where(
            HumanTask.instance_id.in_(instance_ids),
            HumanTask.status == TaskStatus.OPEN,
            access.acting_condition(who),
        )
        .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
    ):
        tasks.setdefault(task.instance_id, task)  # the soonest due
    alert_ids = dict(
        db.session.execute(
            select(ManagementAlert.instance_id, ManagementAlert.id).where(
                ManagementAlert.instance_id.in_(instance_ids),
                access.concerns_visible_child(who, ManagementAlert.instance_id),
            )
        ).all()
    )
    notices = []
    for message in messages:
        child, seen = children.get(_child_id(message), (None, False))
        notices.append(
            Notice(
                message,
                _naming(child, bool(seen)),
                child.id if child is not None and seen else None,
                tasks.get(message.instance_id or 0),
                alert_ids.get(message.instance_id or 0),
            )
        )
    return notices


def _child_id(message: OutboxMessage) -> int | None:
    """The child a notice is about (a projection holds the id as text)."""
    return int(message.child_id) if message.child_id and message.child_id.isdigit() else None


def _naming(child: Child | None, seen: bool) -> str | None:
    if child is None:
        return None
    return f"{child.name if seen else mail.initials(child.name)} (case {child.case_number})"


def mark_read(who: Identity, message_id: int) -> None:
    """Mark one of this person's notices read; another's is NotFound, as one that does not exist."""
    with writing():
        message = db.session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.id == message_id, OutboxMessage.recipient_username == who.username
            )
        )
        if message is None:
            raise NotFound(f"no notification {message_id}")
        if message.read_at is None:
            message.read_at = clock.now()
            audit.record(message.read_at, who.username, "notification_read", message_id=message_id)


def mark_all_read(who: Identity) -> None:
    with writing():
        now = clock.now()
        result = cast(  # an UPDATE's result, which counts its rows
            CursorResult,
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.recipient_username == who.username, OutboxMessage.read_at.is_(None))
                .values(read_at=now)
            ),
        )
        audit.record(now, who.username, "notifications_read", count=result.rowcount)
