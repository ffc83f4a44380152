"""The application clock: real time plus an offset stored in the database.

The web app, the scheduler and the CLI all read the same offset, so moving the clock
in demo or test mode moves it for every process (docs/adr/0003-application-clock.md). During one
engine operation "now" is frozen, so every timer evaluated in that operation sees
the same instant; SpiffWorkflow's timer module is pointed at that frozen value.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from sqlalchemy import select

from service.db import db, writing
from service.errors import ClockError
from service.models import ClockSetting, ProcessInstance

LATEST = datetime.fromisoformat("3000-01-01T00:00:00+00:00")  # date arithmetic stays far from year 9999

_frozen_now: ContextVar[datetime | None] = ContextVar("frozen_now", default=None)


def real_now() -> datetime:
    return datetime.now(UTC)


_OFFSET = select(ClockSetting.__table__.c.offset_seconds).where(ClockSetting.__table__.c.id == 1)


def offset_seconds(connection=None) -> float:
    """The latest committed offset. Without a connection it reads on one of its own,
    so a caller's long read transaction cannot show it an old value."""
    if connection is not None:
        return connection.execute(_OFFSET).scalar() or 0.0
    with db.engine.connect() as own:
        return own.execute(_OFFSET).scalar() or 0.0


def now(connection=None) -> datetime:
    """The application's current instant (timezone-aware, UTC).

    Pass the connection of a transaction that has just begun to save a round trip.
    """
    frozen = _frozen_now.get()
    if frozen is not None:
        return frozen
    return real_now() + timedelta(seconds=offset_seconds(connection))


@contextmanager
def frozen_at(instant: datetime):
    """Run an engine operation at one instant; nested operations keep the outer one."""
    if _frozen_now.get() is not None:
        yield _frozen_now.get()
        return
    token = _frozen_now.set(instant)
    try:
        yield instant
    finally:
        _frozen_now.reset(token)


def move_to(target: datetime, mode: str) -> datetime:
    """Set the offset so that now equals target. Never backwards; never in production."""
    _check_target(target, mode)
    with writing():  # read and moved under the lock (the setting's row on PostgreSQL): two moves cannot cross
        db.session.get(ClockSetting, 1, with_for_update=True)
        current = now(db.session.connection())
        if target < current:
            raise ClockError(f"the clock never moves backwards: it is already {current.isoformat()}")
        return _set(target)


def start_at(target: datetime, mode: str) -> datetime:
    """Set the clock of a database where nothing has run yet to any instant, past included.

    Safe only before the first process instance: with nothing waiting, no timer can be
    skipped or fire twice. Replaying a council's history (tests, the demo) starts here.
    """
    _check_target(target, mode)
    with writing():
        if db.session.scalar(select(ProcessInstance.id).limit(1)) is not None:
            raise ClockError("processes have run on this database: the clock can only move forwards")
        return _set(target)


def _check_target(target: datetime, mode: str) -> None:
    if mode == "production":
        raise ClockError("the clock cannot be moved in production mode")
    if target.tzinfo is None:
        raise ClockError("give the time with a UTC offset, e.g. 2027-01-05T09:00:00+00:00")
    if target >= LATEST:
        raise ClockError(f"move the clock to an instant before {LATEST.isoformat()}")


def _set(target: datetime) -> datetime:
    """Store the offset that makes now equal `target`."""
    setting = db.session.get(ClockSetting, 1) or ClockSetting(id=1)
    db.session.add(setting)
    real = real_now()
    setting.offset_seconds, setting.updated_at = (target - real).total_seconds(), real
    return target


class _SpiffClockDatetime(datetime):
    """`datetime` as SpiffWorkflow's timer module sees it: `now()` is the app clock."""

    @classmethod
    def now(cls, tz=None):
        instant = _frozen_now.get()
        if instant is None:
            raise RuntimeError("a timer was evaluated outside an engine operation")
        return instant.astimezone(tz) if tz else instant


# SpiffWorkflow reads datetime.now(timezone.utc) inside its timer definitions; this is
# the one seam that makes its timers follow our clock.
spiff_timer.datetime = _SpiffClockDatetime
