"""In-app notifications: the same outbox rows as the e-mail, listed for their recipient."""

from sqlalchemy import select, update

from service.db import db, writing
from service.models import OutboxMessage
from service.people.accounts import Identity
from service.workflow import clock

PAGE_SIZE = 50


def for_user(who: Identity, limit: int = PAGE_SIZE) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient_username == who.username)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(who: Identity) -> None:
    with writing():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.recipient_username == who.username, OutboxMessage.read_at.is_(None))
            .values(read_at=clock.now())
        )
