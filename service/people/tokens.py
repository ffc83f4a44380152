"""Bearer tokens for case-management systems: random, long, kept only as a SHA-256 hash.

A SHA-256 of a 256-bit random token is as good as a slow hash here (nothing to guess)
and checking one costs microseconds. A token may expire; expiry and revocation follow
real time (not the application clock, which demo mode moves) and hold from the next call.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from service.db import db, writing
from service.errors import InvalidData, NotFound
from service.models import ApiClient
from service.workflow import clock


def create(name: str, expires_in_days: float | None = None) -> str:
    """Register a client and return its token: shown once, never stored."""
    if expires_in_days is not None and expires_in_days <= 0:
        raise InvalidData("a token's expiry must be a positive number of days", {"expires_in_days": "not positive"})
    token, now = secrets.token_urlsafe(32), clock.real_now()
    with writing():
        if db.session.scalar(select(ApiClient.id).where(ApiClient.name == name)):
            raise InvalidData(f"a client called {name!r} exists", {"name": "already taken"})
        db.session.add(
            ApiClient(
                name=name,
                token_hash=_hash(token),
                created_at=now,
                expires_at=None if expires_in_days is None else now + timedelta(days=expires_in_days),
            )
        )
    return token


def client_for(token: str) -> ApiClient | None:
    return db.session.scalar(
        select(ApiClient).where(
            ApiClient.token_hash == _hash(token),
            ApiClient.revoked_at.is_(None),
            or_(ApiClient.expires_at.is_(None), ApiClient.expires_at > clock.real_now()),
        )
    )


def listing() -> list[ApiClient]:
    """Every client, oldest first: what an administrator sees (never a token)."""
    return list(db.session.scalars(select(ApiClient).order_by(ApiClient.created_at, ApiClient.id)))


def revoke(name: str) -> datetime:
    """Revoke a client's token from its next call; refused if it is unknown or revoked already."""
    with writing():
        client = db.session.scalar(select(ApiClient).where(ApiClient.name == name))
        if client is None:
            raise NotFound(f"there is no API client {name!r}")
        if client.revoked_at is not None:
            raise InvalidData(
                f"the token of {name!r} was revoked already, at {client.revoked_at.isoformat()}",
                {"name": "revoked already"},
            )
        client.revoked_at = clock.real_now()
        return client.revoked_at


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
