"""Firing due timers exactly once in effect (docs/adr/0005-timer-leases.md).

A sweep claims due rows with a lease in its own short transaction, then fires them
instance by instance, a small batch per transaction with a savepoint each, so one
broken diagram cannot hold back the others. The instance's version check is what
makes a firing count once: if two sweepers ever fire the same timer (a lease ran out
while the first was still busy), only one commit can win.
"""

from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby
from operator import attrgetter

from flask import current_app
from sqlalchemy import bindparam, select, update

from service.db import db, writing
from service.errors import ConflictError, ScriptFailed
from service.models import Timer, TimerStatus
from service.workflow import audit, clock
from service.workflow.unit_of_work import UnitOfWork

ACTOR = "scheduler"

_timers = Timer.__table__
# a timer that is not due by SpiffWorkflow's reckoning (a tie on the instant) goes back to waiting
_RELEASE = (
    update(_timers)
    .where(
        _timers.c.id.in_(bindparam("ids", expanding=True)),
        _timers.c.status == TimerStatus.CLAIMED,
    )
    .values(status=TimerStatus.WAITING, claim_owner=None, lease_until=None)
)
_FAIL = (
    update(_timers)
    .where(_timers.c.id.in_(bindparam("ids", expanding=True)))
    .values(status=TimerStatus.FAILED, claim_owner=None, lease_until=None)
)


@dataclass(frozen=True)
class Claimed:
    id: int
    instance_id: int
    spiff_task_id: str


def claim_due(owner: str, limit: int | None = None) -> list[Claimed]:
    """Lease up to `limit` due timers to `owner`; commit at once so others skip them."""
    limit = limit or current_app.config["TIMER_BATCH_SIZE"]
    now = clock.now()
    lease_until = now + timedelta(seconds=current_app.config["TIMER_LEASE_SECONDS"])
    due = (Timer.due_at < now) & (
        (Timer.status == TimerStatus.WAITING) | ((Timer.status == TimerStatus.CLAIMED) & (Timer.lease_until < now))
    )
    candidates = select(Timer.id).where(due).order_by(Timer.due_at).limit(limit).with_for_update(skip_locked=True)
    with writing():
        rows = db.session.execute(
            update(Timer)
            .where(Timer.id.in_(candidates), due)
            .values(status=TimerStatus.CLAIMED, claim_owner=owner, lease_until=lease_until)
            .returning(Timer.id, Timer.instance_id, Timer.spiff_task_id)
        ).all()
    return [Claimed(*row) for row in rows]


def fire_claimed(claimed: list[Claimed], batch_instances: int = 50) -> int:
    """Fire the claimed timers; return how many instances moved on.

    A batch of instances shares one transaction. If any of them fails, the batch is
    rolled back whole and fired again one instance per transaction, so one broken
    diagram or one lost race holds back nobody else.
    """
    groups = group_by_instance(claimed)
    fired = 0
    for start in range(0, len(groups), batch_instances):
        batch = groups[start : start + batch_instances]
        try:
            with UnitOfWork(ACTOR) as uow:
                fired += sum(fire_instance(uow, instance_id, timers) for instance_id, timers in batch)
        except (ConflictError, ScriptFailed):
            fired += sum(_fire_alone(instance_id, timers) for instance_id, timers in batch)
    return fired


def _fire_alone(instance_id: int, claimed: list[Claimed]) -> int:
    try:
        with UnitOfWork(ACTOR) as uow:
            return fire_instance(uow, instance_id, claimed)
    except ConflictError:
        return 0  # another sweeper won: its commit holds the effect
    except ScriptFailed as exc:
        with UnitOfWork(ACTOR) as uow:
            uow.connection.execute(_FAIL, {"ids": [c.id for c in claimed]})
            uow.audit("timer_failed", instance_id=instance_id, error=str(exc))
        return 0


def group_by_instance(claimed: list[Claimed]) -> list[tuple[int, list[Claimed]]]:
    ordered = sorted(claimed, key=attrgetter("instance_id"))
    return [(instance_id, list(group)) for instance_id, group in groupby(ordered, key=attrgetter("instance_id"))]


def fire_instance(uow, instance_id: int, claimed: list[Claimed]) -> int:
    """Fire one instance's claimed timers inside `uow`; 1 if it moved on.

    Whether a timer is still to fire is read from the instance state, under its lock:
    if another sweeper fired it after our lease ran out, it is no longer waiting there.
    """
    instance = uow.load(instance_id)
    waiting = [c for c in claimed if c.spiff_task_id in instance.before.timers]
    if not waiting:
        return 0
    uow.act(instance, uow.engine.fire_timers)
    uow.save(instance)
    tied = [c.id for c in waiting if c.spiff_task_id in instance.before.timers]
    if tied:
        uow.connection.execute(_RELEASE, {"ids": tied})
    uow.audit("timers_fired", instance_id=instance_id, child_id=instance.child_id, timers=[c.id for c in waiting])
    return 1


def sweep(owner: str, max_rounds: int = 10_000) -> int:
    """Claim and fire until nothing is due, timers created by the firing included."""
    total = 0
    for _ in range(max_rounds):
        claimed = claim_due(owner)
        if not claimed:
            break
        total += fire_claimed(claimed)
    return total


def move_clock(target, *, actor: str, owner: str = "clock") -> int:
    """Move the application clock to `target` and fire everything that became due."""
    mode = current_app.config["IRO_MODE"]
    with writing():
        before = clock.now()
        clock.move_to(target, mode)
        audit.record(clock.real_now(), actor, "clock_moved", before=before.isoformat(), after=target.isoformat())
    return sweep(owner)
