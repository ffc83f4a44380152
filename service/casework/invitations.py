"""Calendar invitations for booked reviews and conferences, for Outlook without a public URL.

When a looked-after review or a child protection conference is booked, moves or is cancelled,
its chair (the IRO) and the child's social worker are each e-mailed an iCalendar invitation,
queued through the outbox in the same transaction as the booking. Each booking keeps one UID;
its SEQUENCE rises with each change (RFC 5546), so a calendar moves or removes the one event.
Reviews and conferences are booked by date only: the event starts at `CALENDAR_START` (10:00
by default) Europe/London and lasts `CALENDAR_MINUTES` (90). It carries the child's initials
and case number only, never the name (DESIGN decision 13): its details stay in the service.
The same events make a booking's .ics download and a person's feed.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from flask import current_app
from sqlalchemy import select, update

from service.models import (
    Child,
    Conference,
    ConferenceStatus,
    CpEpisode,
    Review,
    ReviewStatus,
    User,
)
from service.workflow import clock, mail, outbox

LONDON = ZoneInfo("Europe/London")
CALENDAR = outbox.CALENDAR
REQUEST, CANCEL = "REQUEST", "CANCEL"
_BOOKED = {
    "review": (ReviewStatus.BOOKED, ReviewStatus.ADJOURNED),
    "conference": (ConferenceStatus.BOOKED,),
}
_CANCELLED = {"review": ReviewStatus.CANCELLED, "conference": ConferenceStatus.CANCELLED}
_TABLES = {"review": Review.__table__, "conference": Conference.__table__}
_TITLES = {"review": "Looked-after review", "conference": "Child protection conference"}


@dataclass(frozen=True)
class Booking:
    """One booked review or conference as a calendar shows it."""

    kind: str  # "review" or "conference"
    id: int
    on: date
    sequence: int
    initials: str
    case_number: str

    @property
    def summary(self) -> str:
        return f"{_TITLES[self.kind]}: {self.initials} {self.case_number}"


def sync(uow, kind: str, row_id: int) -> None:
    """Queue invitations if this booking's date is not the one last sent, or it was cancelled."""
    table = _TABLES[kind]
    row = uow.connection.execute(select(table).where(table.c.id == row_id)).one()
    if row.status in _BOOKED[kind] and row.booked_date is not None and row.booked_date != row.calendar_date:
        method, on = REQUEST, row.booked_date
    elif row.status == _CANCELLED[kind] and row.calendar_date is not None:
        method, on = CANCEL, row.calendar_date
    else:
        return
    ever_sent = row.calendar_date is not None or row.calendar_sequence > 0
    sequence = row.calendar_sequence + 1 if ever_sent else 0
    uow.connection.execute(
        update(table)
        .where(table.c.id == row_id)
        .values(calendar_date=on if method == REQUEST else None, calendar_sequence=sequence)
    )
    if not uow.notify:  # history imported: nobody is invited to the past
        return
    child_id, chair_id = _child_and_chair(uow.connection, kind, row)
    child = uow.connection.execute(
        select(Child.name, Child.case_number, Child.social_worker_id).where(Child.id == child_id)
    ).one()
    booking = Booking(kind, row_id, on, sequence, mail.initials(child.name), child.case_number)
    text = calendar([booking], method).decode()
    subject = f"{'Cancelled' if method == CANCEL else 'Invitation'}: {booking.summary}, {_day(on)}"
    people = [("IRO", chair_id), ("social worker", child.social_worker_id)]
    rows = []
    for role, user_id in people:
        username = user_id and uow.connection.scalar(select(User.username).where(User.id == user_id))
        if not username:
            continue
        rows.append(
            dict(
                idempotency_key=f"calendar:{kind}:{row_id}:{sequence}:{username}",
                instance_id=row.instance_id,
                child_id=str(child_id),
                recipient_role=role,
                recipient_username=username,
                recipient="",
                subject=subject,
                body=text,
                kind=CALENDAR,
                read_at=uow.now,  # an invitation is no notice to read in the service
            )
        )
    uow.stage(outbox.queue_statement(uow.connection), outbox.with_defaults(rows, uow.now))


def _child_and_chair(connection, kind, row) -> tuple[int, int | None]:
    """The child a booking is about (a conference's: its episode's lead child) and who chairs it."""
    if kind == "review":
        chair = connection.scalar(select(Child.iro_id).where(Child.id == row.child_id))
        return row.child_id, row.iro_id or chair
    episode = connection.execute(
        select(CpEpisode.child_id, CpEpisode.chair_id).where(CpEpisode.id == row.episode_id)
    ).one()
    return episode.child_id, row.chair_id or episode.chair_id


def calendar(bookings: list[Booking], method: str | None = None) -> bytes:
    """An iCalendar of these bookings: an invitation (`method`) or, without one, a download or feed."""
    config = current_app.config
    cal = icalendar.Calendar()
    cal.add("prodid", "-//IRO service//Calendar//EN")
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    host = urlsplit(config["IRO_BASE_URL"]).hostname or "iro-service"
    start_at = time.fromisoformat(config["CALENDAR_START"])
    for booking in bookings:
        start = datetime.combine(booking.on, start_at, tzinfo=LONDON)
        event = icalendar.Event()
        event.add("uid", f"{booking.kind}-{booking.id}@{host}")
        event.add("sequence", booking.sequence)
        event.add("dtstamp", clock.now())
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=config["CALENDAR_MINUTES"]))
        event.add("summary", booking.summary)
        event.add("description", "The details are in the IRO service: " + config["IRO_BASE_URL"])
        event.add("organizer", f"mailto:{config['MAIL_SENDER']}")
        if method == CANCEL:
            event.add("status", "CANCELLED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _day(on: date) -> str:
    return f"{on.day} {on:%B %Y}"
