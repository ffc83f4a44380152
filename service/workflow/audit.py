"""Every change is audited: who, what, when, and the data submitted."""

from sqlalchemy import insert

from service.db import db
from service.models import AuditEvent

INSERT = insert(AuditEvent.__table__)


def row(at, actor, action, *, instance_id=None, human_task_id=None, child_id=None, **details) -> dict:
    return dict(
        at=at,
        actor=actor,
        action=action,
        instance_id=instance_id,
        human_task_id=human_task_id,
        child_id=child_id,
        details=details,
    )


def record(at, actor, action, **fields):
    """Write one audit row in the session's transaction (outside a unit of work)."""
    db.session.connection().execute(INSERT, row(at, actor, action, **fields))
