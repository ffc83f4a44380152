"""docs/adr/0002-every-write-takes-its-lock-first.md: every write takes its lock first (service.db.writing)."""

import pytest
from sqlalchemy import create_engine, exc, func, select, text

from service.db import UnlockedWrite, db, writing
from service.models import SignInAttempt
from service.workflow import clock


def _attempt():
    return SignInAttempt(username="someone", address="127.0.0.1", at=clock.real_now())


def _attempts():
    return db.session.scalar(select(func.count()).select_from(SignInAttempt))


def test_a_bare_write_fails_in_test_mode_and_writes_nothing(app):
    db.session.add(_attempt())
    with pytest.raises(UnlockedWrite, match="INSERT INTO sign_in_attempts"):
        db.session.commit()
    db.session.rollback()
    assert _attempts() == 0


def test_the_same_write_through_writing_is_committed(app):
    with writing():
        db.session.add(_attempt())
    db.session.rollback()
    assert _attempts() == 1


def test_a_write_after_a_read_fails_on_sqlite_when_another_writer_committed_in_between(app, database_url):
    """Why the rule: the deferred transaction's snapshot is stale, so SQLite refuses it at once
    (SQLITE_BUSY_SNAPSHOT), however long the busy timeout. `writing()` reads under the lock."""
    plain = create_engine(database_url, connect_args={"timeout": 5})  # no guard: the mistake itself
    try:
        with plain.connect() as reader:  # a deferred transaction (service.db._begin)
            reader.execute(text("SELECT count(*) FROM sign_in_attempts")).scalar()
            with writing():
                db.session.add(_attempt())  # another writer commits in between
            with pytest.raises(exc.OperationalError, match="database is locked"):
                reader.execute(text("DELETE FROM sign_in_attempts"))
            reader.rollback()
    finally:
        plain.dispose()
    with writing():  # re-read under the lock, then write: whatever committed before
        assert db.session.scalar(select(func.count()).select_from(SignInAttempt)) == 1
        db.session.execute(SignInAttempt.__table__.delete())
    assert _attempts() == 0
