"""The key that signs session cookies: whoever knows it can sign in as anyone.

Production mode refuses to start without a strong key of its own. Demo and test mode,
when none is given, keep a random key per database (table `app_secret`), so `python
run.py`, `flask ...` and `python -m scheduler` on one database sign alike, on SQLite and
PostgreSQL. Older keys in `SECRET_KEY_FALLBACKS` still open sessions while a key is rotated.
"""

import secrets

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from service.workflow import clock

from .db import db, writing
from .models import AppSecret

MIN_LENGTH = 32
# every key that has been written in this repository: anyone can forge a session with these
PUBLISHED = frozenset({"dev-only-not-secret"})
HOW = 'make one with  python -c "import secrets; print(secrets.token_hex(32))"  and set SECRET_KEY to it'


def check(config) -> None:
    """Refuse to start with a key anyone could know, or (in production) with none."""
    key, fallbacks = config.get("SECRET_KEY"), config.get("SECRET_KEY_FALLBACKS") or []
    if config["IRO_MODE"] == "production" and not key:
        raise RuntimeError(f"SECRET_KEY is not set: production mode needs a secret key of its own; {HOW}")
    for name, value in [("SECRET_KEY", key)] + [("SECRET_KEY_FALLBACKS", k) for k in fallbacks]:
        if value in PUBLISHED:
            raise RuntimeError(f"{name} holds a key published in the service's source; {HOW}")
        if value and config["IRO_MODE"] == "production" and len(value) < MIN_LENGTH:
            raise RuntimeError(f"{name} is shorter than {MIN_LENGTH} characters; {HOW}")


def per_database(app) -> str:
    """Demo and test mode's key, made on first use. A database not migrated yet gets a key for
    this process only: the commands run before migrating sign no session."""
    with app.app_context():
        try:
            if not inspect(db.engine).has_table(AppSecret.__tablename__):
                return secrets.token_hex(32)
            return _stored() or _make()
        finally:
            db.session.remove()


def _stored() -> str | None:
    return db.session.scalar(select(AppSecret.secret_key).where(AppSecret.id == 1))


def _make() -> str:
    """Two processes starting at once keep one key: SQLite's writer re-reads under its lock; on
    PostgreSQL the second insert of row 1 fails, and that process reads the first one's key."""
    try:
        with writing():
            key = _stored()
            if key is None:
                key = secrets.token_hex(32)
                db.session.add(AppSecret(id=1, secret_key=key, created_at=clock.real_now()))
        return key
    except IntegrityError:
        return db.session.execute(select(AppSecret.secret_key).where(AppSecret.id == 1)).scalar_one()
