"""Bearer tokens for case-management systems: random, long, kept only as a SHA-256 hash.

A SHA-256 of a 256-bit random token is as good as a slow hash here (nothing to guess)
and checking one costs microseconds.
"""
import hashlib
import secrets

from sqlalchemy import select

from . import clock
from .db import db, writing
from .errors import InvalidData
from .models import ApiClient


def create(name: str) -> str:
    """Register a client and return its token: shown once, never stored."""
    token = secrets.token_urlsafe(32)
    with writing():
        if db.session.scalar(select(ApiClient.id).where(ApiClient.name == name)):
            raise InvalidData(f"a client called {name!r} exists", {"name": "already taken"})
        db.session.add(ApiClient(name=name, token_hash=_hash(token), created_at=clock.real_now()))
    return token


def client_for(token: str) -> ApiClient | None:
    return db.session.scalar(select(ApiClient).where(ApiClient.token_hash == _hash(token),
                                                     ApiClient.revoked_at.is_(None)))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
