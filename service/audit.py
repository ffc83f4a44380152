"""Every change is audited: who, what, when, and the data submitted."""
from sqlalchemy import insert

from .db import db
from .models import AuditEvent

_INSERT = insert(AuditEvent.__table__)


def record(at, actor, action, *, instance_id=None, human_task_id=None, child_id=None, connection=None, **details):
    """Write one audit row, on `connection` (a unit of work's) or the session's."""
    (connection or db.session.connection()).execute(_INSERT, dict(
        at=at, actor=actor, action=action, instance_id=instance_id,
        human_task_id=human_task_id, child_id=child_id, details=details,
    ))
