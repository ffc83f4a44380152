"""Case study 5: three or more Red notifications for one allocated worker within 7 days.

Checked whenever a Red is recorded. The Review and QA Manager and the worker's ISM (of the
child's service area) are told once per pattern: the Reds a notice counted are marked, so
a fourth Red in the same week does not send a second notice.
"""

from datetime import timedelta

from sqlalchemy import select, update

from service.models import RagNotification, RagStatus, User
from service.people import roles
from service.workflow import outbox
from service.workflow.engine import Notification

PATTERN_REDS = 3
PATTERN_DAYS = 7

_rags, _users = RagNotification.__table__, User.__table__


def check(uow, instance, rag_id) -> None:
    connection = uow.connection
    new = connection.execute(select(_rags.c.worker_id, _rags.c.review_date).where(_rags.c.id == rag_id)).one()
    if new.worker_id is None or new.review_date is None:
        return
    window = (new.review_date - timedelta(days=PATTERN_DAYS - 1), new.review_date)
    reds = connection.scalars(
        select(_rags.c.id).where(
            _rags.c.worker_id == new.worker_id,
            _rags.c.status == RagStatus.RED,
            _rags.c.review_date.between(*window),
            _rags.c.pattern_notified.is_(False),
        )
    ).all()
    if len(reds) < PATTERN_REDS:
        return
    connection.execute(update(_rags).where(_rags.c.id.in_(reds)).values(pattern_notified=True))
    worker = connection.scalar(select(_users.c.name).where(_users.c.id == new.worker_id))
    subject = f"{len(reds)} Red RAG notifications for {worker} within {PATTERN_DAYS} days"
    body = (
        "Case study 5: a pattern of Red notifications for one allocated worker. Consider a meeting of the "
        "ISM, the Team Manager, the Review and QA Manager and the IRO."
    )
    notes = [
        Notification(f"rag-pattern:{rag_id}:{role}", role, subject, body, {})
        for role in (roles.REVIEW_QA_MANAGER, roles.ISM)
    ]
    uow.stage(outbox.queue_statement(connection), outbox.notification_rows(connection, instance, notes, uow.now))
    uow.audit("rag_pattern_notified", instance_id=instance.id, child_id=instance.child_id, reds=reds)
