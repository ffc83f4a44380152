"""Notifications: queued in the transaction that caused them, delivered later by SMTP.

Queueing is idempotent (a unique key per effect) and names the person: whoever holds
the notice's role on the case then, or the username a diagram gave. Delivery claims a
row, looks up that person's address in their account as it is now, sends, and records
the result at once; a row marked sent is never sent again by us. The Message-ID is
derived from the key, so a receiving server can drop the one duplicate a crash between
sending and recording could cause. What cannot be delivered is failed with its reason
and listed for the Review and QA Manager (service.tasks.undelivered), who can send it again.
"""

import smtplib
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from service.db import db, execute_rows, writing
from service.models import Child, OutboxMessage, OutboxStatus
from service.people import assignment
from service.workflow import clock, mail

CLAIM_SECONDS = 120
PUBLIC_LINK = "public_link"  # a message to a parent or child: service/voices/handover.py
CALENDAR = "calendar"  # an invitation whose body is iCalendar text: service/casework/invitations.py
LINK_SENT = "(sent: the link and the address are not kept once delivered)"


_QUEUE = {
    dialect: insert(OutboxMessage.__table__).on_conflict_do_nothing(index_elements=["idempotency_key"])
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_ROW_DEFAULTS = dict(
    instance_id=None,
    child_id=None,
    recipient_role=None,
    recipient_username=None,
    status=OutboxStatus.PENDING,
    attempts=0,
    sent_at=None,
    last_error=None,
    read_at=None,
    kind="notice",
)


def queue_statement(connection):
    """The insert that skips any row whose idempotency key is already queued."""
    return _QUEUE[connection.dialect.name]


def queue(connection, rows: list[dict], now) -> None:
    execute_rows(connection, queue_statement(connection), with_defaults(rows, now))


def with_defaults(rows: list[dict], now) -> list[dict]:
    """Rows to queue now, each with what it leaves out."""
    return [_ROW_DEFAULTS | dict(created_at=now, next_attempt_at=now) | row for row in rows]


def notification_rows(connection, instance, notifications, now) -> list[dict]:
    rows = []
    for note in notifications:
        person = assignment.person_for(connection, note.role, note.context, instance.child_id)
        row = dict(
            idempotency_key=f"notify:{instance.id}:{note.key}",
            instance_id=instance.id,
            child_id=instance.child_id,
            recipient_role=note.role,
            recipient_username=person.username if person else None,
            recipient=(person.email if person else None) or "",
            subject=" ".join(note.subject.split())[:300],
            body=note.body,
        )
        if person is None:
            row.update(status=OutboxStatus.FAILED, last_error=nobody_holds(note.role))
        rows.append(_ROW_DEFAULTS | dict(created_at=now, next_attempt_at=now) | row)
    return rows


def nobody_holds(role: str) -> str:
    return f"nobody holds the role {role} on this case"


def no_address(username: str | None) -> str:
    return f"{username} has no e-mail address in the service (or their account is closed)"


def deliver_due(owner: str, limit: int = 50) -> int:
    """Send due messages; return how many were sent."""
    config = current_app.config
    sent = 0
    for message_id in _claim(owner, limit):
        failure: tuple[Exception, int] | None = None
        address = None
        try:
            message = db.session.get_one(OutboxMessage, message_id)
            if message.kind == PUBLIC_LINK:  # to the address staff typed, with its text as written
                address = message.recipient
                mail.send(config, mail.plain(config, to=address, subject=message.subject, body=message.body))
            else:
                address = assignment.address_of(db.session.connection(), message.recipient_username or "")
                if address is None:
                    raise mail.Undeliverable(no_address(message.recipient_username))
                mail.send(config, _email(config, message, address))
        except (mail.Undeliverable, ValueError) as exc:  # e.g. a line break in an address: no retry will help
            failure = (exc, 1)
        except (OSError, smtplib.SMTPException) as exc:
            failure = (exc, config["OUTBOX_MAX_ATTEMPTS"])
        with writing():  # the result is written over a fresh read, not the one taken before sending
            message = db.session.get_one(OutboxMessage, message_id)
            message.recipient = address or message.recipient
            if failure:
                _record_failure(message, *failure)
            else:
                message.status, message.sent_at, message.last_error = OutboxStatus.SENT, clock.now(), None
                if message.kind == PUBLIC_LINK:  # the link and the address are not kept once delivered
                    message.body, message.recipient = LINK_SENT, "***@" + message.recipient.rsplit("@", 1)[-1]
                sent += 1
    return sent


def _claim(owner, limit):
    """Take due rows for a while by pushing their next attempt on; commit so others skip them."""
    with writing():
        now = clock.now()
        due = (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now)
        candidates = (
            select(OutboxMessage.id)
            .where(due)
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = db.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(candidates), due)
            .values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
            .returning(OutboxMessage.id)
        ).all()
    return sorted(ids)


def _email(config, message, address):
    child = None
    if message.child_id and message.child_id.isdigit():
        found = db.session.get(Child, int(message.child_id))
        child = mail.Child(mail.initials(found.name), found.case_number) if found else None
    message_id = f"<{message.idempotency_key.replace(':', '.')}@{config['MAIL_SENDER'].split('@')[-1]}>"
    if message.kind == CALENDAR:
        return mail.invitation(config, to=address, subject=message.subject, ics=message.body, message_id=message_id)
    return mail.notice(
        config,
        to=address,
        subject=message.subject,
        role=message.recipient_role,
        child=child,
        message_id=message_id,
    )


def _record_failure(message, exc, max_attempts):
    message.attempts += 1
    message.last_error = str(exc) if isinstance(exc, mail.Undeliverable) else f"{type(exc).__name__}: {exc}"
    message.last_error = message.last_error[:500]
    if message.attempts >= max_attempts:
        message.status = OutboxStatus.FAILED
    else:
        message.next_attempt_at = clock.now() + timedelta(seconds=min(30 * 2 ** (message.attempts - 1), 3600))
