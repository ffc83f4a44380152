"""Read-only queries the pages need and the service layer does not offer.

Each one either applies the access rules of `service.access` itself or reads only
what a page that already passed them may show.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from service import access
from service.db import db
from service.models import (Child, ChildEvent, HumanTask, LookedAfterEpisode, OutboxMessage, Review, TaskStatus, Team,
                            User, UserRole)
from service.people import Identity

from .template_helpers import EVENT_TYPES, words

TIMELINE_LENGTH = 50


def visible_child(who: Identity, child_id: int) -> Child | None:
    """The child if this person may see them; None exactly as for a child that does not exist."""
    return db.session.scalar(select(Child).where(Child.id == child_id, access.child_condition(who)))


@dataclass(frozen=True)
class CaseHolders:
    team: str
    iro: str | None
    cp_iro: str | None
    social_worker: str | None


def case_holders(child: Child) -> CaseHolders:
    """Names of the child's team, IRO, child protection chair and social worker, in one query."""
    iro, cp_iro, worker = aliased(User), aliased(User), aliased(User)
    row = db.session.execute(
        select(Team.name, iro.name, cp_iro.name, worker.name)
        .select_from(Child).join(Team, Team.id == Child.team_id)
        .outerjoin(iro, iro.id == Child.iro_id).outerjoin(cp_iro, cp_iro.id == Child.cp_iro_id)
        .outerjoin(worker, worker.id == Child.social_worker_id)
        .where(Child.id == child.id)).one()
    return CaseHolders(*row)


def open_tasks(who: Identity, child_id: int) -> list[HumanTask]:
    """The child's open tasks this person may see, soonest due first."""
    return list(db.session.scalars(
        select(HumanTask).where(HumanTask.child_id == str(child_id), HumanTask.status == TaskStatus.OPEN,
                                access.task_condition(who))
        .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)))


@dataclass(frozen=True)
class Entry:
    """One line of a child's timeline."""

    at: datetime  # when the service learnt of it: the timeline's order
    title: str
    on: date | None = None  # the day it happened, for reported events
    detail: str | None = None
    by: str | None = None


def timeline(child_id: int) -> list[Entry]:
    """Newest first: reported events, completed tasks and notifications sent about the child."""
    child_text = str(child_id)
    events = db.session.scalars(select(ChildEvent).where(ChildEvent.child_id == child_id)
                                .order_by(ChildEvent.received_at.desc()).limit(TIMELINE_LENGTH))
    done = db.session.execute(
        select(HumanTask.title, HumanTask.completed_at, User.name, HumanTask.completed_by)
        .outerjoin(User, User.username == HumanTask.completed_by)
        .where(HumanTask.child_id == child_text, HumanTask.status == TaskStatus.COMPLETED)
        .order_by(HumanTask.completed_at.desc()).limit(TIMELINE_LENGTH))
    sent = db.session.execute(
        select(OutboxMessage.subject, OutboxMessage.created_at, OutboxMessage.recipient_role,
               OutboxMessage.recipient_username)
        .where(OutboxMessage.child_id == child_text)
        .order_by(OutboxMessage.created_at.desc()).limit(TIMELINE_LENGTH))
    entries = [Entry(e.received_at, _event_title(e), e.date, e.fields.get("details"), e.reported_by) for e in events]
    entries += [Entry(t.completed_at, f"Task completed: {t.title}", by=t.name or t.completed_by) for t in done]
    entries += [Entry(m.created_at, f"Notification: {m.subject}",
                      detail=f"To {m.recipient_role or m.recipient_username}") for m in sent]
    return sorted(entries, key=lambda e: e.at, reverse=True)[:TIMELINE_LENGTH]


def _event_title(event: ChildEvent) -> str:
    title = words(event.type, EVENT_TYPES)
    kind = event.fields.get("kind")
    return f"{title}: {words(kind).lower()}" if kind else title


def latest_episode(child_id: int) -> LookedAfterEpisode | None:
    """The child's current or most recent period of being looked after."""
    return db.session.scalar(select(LookedAfterEpisode).where(LookedAfterEpisode.child_id == child_id)
                             .order_by(LookedAfterEpisode.id.desc()).limit(1))


def reviews(child_id: int) -> list[Review]:
    """The child's reviews, newest first: each cycle's row is written when the cycle starts."""
    return list(db.session.scalars(select(Review).where(Review.child_id == child_id).order_by(Review.id.desc())))


def name_of(username: str | None) -> str | None:
    if username is None:
        return None
    return db.session.scalar(select(User.name).where(User.username == username)) or username


def teams() -> list[tuple[str, str]]:
    """(code, name) of every team, for the worklist's filter."""
    return list(db.session.execute(select(Team.code, Team.name).order_by(Team.name)))
