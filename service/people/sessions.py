"""Signed-in sessions kept in the database, so that ending one ends every copy of its cookie.

The cookie carries a random reference; the table keeps only its SHA-256 (like API tokens:
nothing to guess, so a fast hash will do). Each request reads its session with the person
in one query and writes nothing: the 30-minute idle limit is the re-signed cookie's. However
busy, a session ends 12 hours after it began, so a stolen cookie cannot be kept alive by use.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, or_, select, update

from service.db import db, writing
from service.models import User, UserSession
from service.workflow import clock

MAX_AGE = timedelta(hours=12)


def start(user_id: int) -> str:
    """A new session for the person; its reference goes in the cookie and nowhere else. The
    person's sessions that have ended or run out are cleared away meanwhile."""
    token, now = secrets.token_urlsafe(32), clock.real_now()
    with writing():
        db.session.execute(
            delete(UserSession).where(
                UserSession.user_id == user_id,
                or_(UserSession.ended_at.is_not(None), UserSession.created_at <= now - MAX_AGE),
            )
        )
        db.session.add(UserSession(user_id=user_id, token_hash=_hash(token), created_at=now))
    return token


def user_for(token: str) -> User | None:
    """The active person whose session this is, while it has not ended."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == _hash(token),
            UserSession.ended_at.is_(None),
            UserSession.created_at > clock.real_now() - MAX_AGE,
            User.active.is_(True),
        )
    )


def end(token: str) -> None:
    with writing():
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
            .values(ended_at=clock.real_now())
        )


def end_all(user_id: int) -> int:
    """End every session of the person (in the caller's `writing()`); how many were open."""
    ended = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.real_now())
    )
    return cast(CursorResult, ended).rowcount


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
