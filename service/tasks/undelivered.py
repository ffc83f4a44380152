"""Mail not delivered: the notices that failed, listed with their reason for the Review and
QA Manager, who sends them again once the cause is mended (an address added, a role
allocated, the mail server back).

Sending again re-queues the notice for the outbox with fresh attempts. It first resolves the
recipient once more, so a notice for a role nobody held goes to whoever holds it now; one
that would fail again at once for the same reason is refused, changing nothing.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from service.db import db, writing
from service.errors import InvalidData, NotFound
from service.models import Child, OutboxMessage, OutboxStatus
from service.people import access, assignment
from service.people.accounts import Identity
from service.workflow import audit, clock, outbox

PAGE_SIZE = 100


@dataclass(frozen=True)
class Listing:
    messages: list
    total: int
    case_numbers: dict  # child id (text) -> case number, for the children the messages concern


def listing(who: Identity, limit: int = PAGE_SIZE) -> Listing:
    """The newest undelivered notices, and how many there are in all."""
    _allowed(who)
    failed = OutboxMessage.status == OutboxStatus.FAILED
    messages = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(failed)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )
    child_ids = {int(m.child_id) for m in messages if m.child_id and m.child_id.isdigit()}
    case_numbers = {
        str(child_id): number
        for child_id, number in db.session.execute(select(Child.id, Child.case_number).where(Child.id.in_(child_ids)))
    }
    return Listing(
        messages,
        db.session.execute(select(func.count()).select_from(OutboxMessage).where(failed)).scalar_one(),
        case_numbers,
    )


def send_again(who: Identity, message_id: int) -> str | None:
    """Queue one failed notice again; returns the username it will go to."""
    _allowed(who)
    with writing():
        message = db.session.get(OutboxMessage, message_id)
        if message is None:
            raise NotFound(f"no notice {message_id}")
        if message.status != OutboxStatus.FAILED:
            raise InvalidData("This notice is no longer undelivered: someone has already sent it again")
        problem = _requeue(message)
        if problem:
            raise InvalidData(f"Not sent again: {problem}. Put that right first.")
        _audit(who, [message])
        return message.recipient_username


def send_all_again(who: Identity) -> tuple[int, int]:
    """Queue again every failed notice that now has somewhere to go: (queued, still undeliverable)."""
    _allowed(who)
    with writing():
        failed = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED).order_by(OutboxMessage.id)
        ).all()
        queued = [message for message in failed if not _requeue(message)]
        _audit(who, queued)
        return len(queued), len(failed) - len(queued)


def _requeue(message) -> str | None:
    """Make a failed notice pending again, or say why it would fail again (changing nothing)."""
    connection = db.session.connection()
    username = message.recipient_username
    if username is None:
        person = assignment.person_for(connection, message.recipient_role, {}, message.child_id)
        if person is None:
            return outbox.nobody_holds(message.recipient_role)
        username = person.username
    address = assignment.address_of(connection, username)
    if address is None:
        return outbox.no_address(username)
    now = clock.now()
    message.recipient_username, message.recipient = username, address
    message.status, message.attempts, message.next_attempt_at, message.last_error = (OutboxStatus.PENDING, 0, now, None)
    return None


def _audit(who, messages):
    now = clock.now()
    for message in messages:
        audit.record(
            now,
            who.username,
            "mail_sent_again",
            instance_id=message.instance_id,
            child_id=message.child_id,
            notice=message.id,
            to=message.recipient_username,
        )


def _allowed(who):
    if not access.sees_undelivered_mail(who):
        raise NotFound("no such page")
