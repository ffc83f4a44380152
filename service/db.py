"""The SQLAlchemy handle, the column types shared by every table, and the write rule."""

from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.model import Model as FlaskSQLAlchemyModel
from sqlalchemy import DateTime, MetaData, Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))

if TYPE_CHECKING:  # db.Model is built when the program runs; this is what it is, for mypy

    class Model(FlaskSQLAlchemyModel, DeclarativeBase):
        __table__: ClassVar[Table]  # every model maps one table

else:
    Model = db.Model


class UTCDateTime(TypeDecorator):
    """Instants stored in UTC and always handed back timezone-aware.

    SQLite keeps no zone, so a naive value read back would silently be local time.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware instants only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL, and writers that queue for the lock instead of failing.

    The driver's own transaction handling is switched off so that `_begin` decides how a
    transaction starts.
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


WRITE_LOCK = {"writer": True}


class UnlockedWrite(RuntimeError):
    """A write outside `writing()` or a unit of work (docs/adr/0002); raised in test mode."""


@event.listens_for(Engine, "begin")
def _begin(conn):
    """A writer transaction takes SQLite's one write lock up front (BEGIN IMMEDIATE): a deferred
    transaction that read first and writes later fails at once when another writer committed
    in between, whatever the busy timeout. Readers stay deferred. The driver's own transaction
    handling is off (`_sqlite_pragmas`), so this is SQLAlchemy's "pysqlite serializable" recipe.
    PostgreSQL needs no special BEGIN: its writers lock the rows they change."""
    writer = bool(conn.get_execution_options().get("writer"))
    conn.info["writer"] = writer
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _end(conn):
    conn.info.pop("writer", None)  # the info dict outlives the transaction (it is the pooled connection's)


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _refuse_unlocked_writes(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip()[:7].upper().startswith(_WRITES) and not conn.info.get("writer"):
        raise UnlockedWrite(f"write outside writing() or a unit of work: {statement.split(chr(10))[0][:80]}")


def guard_writes(engine) -> None:
    """Test mode: every write must run in a writer transaction, so a bare write fails the suite
    before it can fail a user under load."""
    event.listen(engine, "before_cursor_execute", _refuse_unlocked_writes)


@contextmanager
def writing():
    """The one way the session writes: begin as a writer, let the caller re-read and act, commit.

    The session's read transaction (if any) is ended first, since its snapshot may predate
    another writer's commit; whatever the caller reads inside is current and stays so until
    the commit. An error rolls everything back. Inside another `writing()` it joins that one.
    """
    session = db.session()
    if session.info.get("writing"):
        yield session
        return
    if has_unsaved_writes(session):
        raise RuntimeError("commit or roll back pending changes before writing()")
    end_read()
    session.connection(execution_options=WRITE_LOCK)
    session.info["writing"] = True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop("writing", None)


def execute_rows(connection, statement, rows: list[dict]) -> None:
    """Run a prebuilt statement for each row; one row skips the executemany machinery."""
    if rows:
        connection.execute(statement, rows[0] if len(rows) == 1 else rows)


@event.listens_for(Session, "after_flush")
def _note_flush(session, flush_context):
    """Remember that this transaction holds writes, so nobody ends it by rolling back."""
    session.info["unsaved_writes"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_flush(session, transaction):
    if transaction.parent is None:
        session.info.pop("unsaved_writes", None)


def end_read() -> None:
    """End the session's read transaction, if one is open: the next read then sees what other
    writers committed meanwhile (a read transaction keeps its snapshot), and on SQLite the
    write-ahead log is not held back by a reader. Refused while changes are pending, which
    only `writing()` may commit."""
    session = db.session()
    if has_unsaved_writes(session):
        raise RuntimeError("commit or roll back pending changes before ending a read")
    if session.in_transaction():
        session.rollback()  # nothing to undo: it only ends the read


def has_unsaved_writes(session) -> bool:
    return bool(session.new or session.dirty or session.deleted or session.info.get("unsaved_writes"))
