"""Notifications: queued in the transaction that caused them, delivered later by SMTP.

Queueing is idempotent (a unique key per effect). Delivery claims a row, sends it,
and records the result at once; a row marked sent is never sent again by us. The
Message-ID is derived from the key, so a receiving server can drop the one duplicate
a crash between sending and recording could cause.
"""
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from . import assignment, clock
from .db import db, execute_rows, writing
from .models import OutboxMessage, OutboxStatus

CLAIM_SECONDS = 120


_QUEUE = {
    dialect: insert(OutboxMessage.__table__).on_conflict_do_nothing(index_elements=["idempotency_key"])
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_ROW_DEFAULTS = dict(instance_id=None, child_id=None, recipient_role=None, recipient_username=None,
                     status=OutboxStatus.PENDING, attempts=0, sent_at=None, last_error=None, read_at=None)


def queue_statement(connection):
    """The insert that skips any row whose idempotency key is already queued."""
    return _QUEUE[connection.dialect.name]


def queue(connection, rows: list[dict], now) -> None:
    execute_rows(connection, queue_statement(connection),
                 [_ROW_DEFAULTS | dict(created_at=now, next_attempt_at=now) | row for row in rows])


def notification_rows(connection, instance, notifications, now) -> list[dict]:
    rows = []
    for note in notifications:
        person = assignment.person_for(connection, note.role, note.context, instance.child_id)
        address = person.email if person else None
        row = dict(
            idempotency_key=f"notify:{instance.id}:{note.key}", instance_id=instance.id, child_id=instance.child_id,
            recipient_role=note.role, recipient_username=person.username if person else None,
            recipient=address or "", subject=" ".join(note.subject.split())[:300], body=note.body,
        )
        if not address:
            row.update(status=OutboxStatus.FAILED, last_error=f"no e-mail address for the {note.role} on this case")
        rows.append(_ROW_DEFAULTS | dict(created_at=now, next_attempt_at=now) | row)
    return rows


def deliver_due(owner: str, limit: int = 50) -> int:
    """Send due messages; return how many were sent."""
    config = current_app.config
    sent = 0
    for message_id in _claim(owner, limit):
        failure = None
        try:
            _send(db.session.get(OutboxMessage, message_id), config)
        except ValueError as exc:  # cannot be written as mail (e.g. a line break in an address): never will
            failure = (exc, 1)
        except (OSError, smtplib.SMTPException) as exc:
            failure = (exc, config["OUTBOX_MAX_ATTEMPTS"])
        with writing():  # the result is written over a fresh read, not the one taken before sending
            message = db.session.get(OutboxMessage, message_id)
            if failure:
                _record_failure(message, *failure)
            else:
                message.status, message.sent_at, message.last_error = OutboxStatus.SENT, clock.now(), None
                sent += 1
    return sent


def _claim(owner, limit):
    """Take due rows for a while by pushing their next attempt on; commit so others skip them."""
    with writing():
        now = clock.now()
        due = (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now)
        candidates = (select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
                      .with_for_update(skip_locked=True))
        ids = db.session.scalars(
            update(OutboxMessage).where(OutboxMessage.id.in_(candidates), due)
            .values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
            .returning(OutboxMessage.id)
        ).all()
    return sorted(ids)


def _send(message, config):
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = f"<{message.idempotency_key.replace(':', '.')}@{config['MAIL_SENDER'].split('@')[-1]}>"
    email.set_content(message.body or message.subject)
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
        smtp.send_message(email)


def _record_failure(message, exc, max_attempts):
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:500]
    if message.attempts >= max_attempts:
        message.status = OutboxStatus.FAILED
    else:
        message.next_attempt_at = clock.now() + timedelta(seconds=min(30 * 2 ** (message.attempts - 1), 3600))
