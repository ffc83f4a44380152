"""Booked reviews and conferences as calendars: a person's month or week, a booking's .ics download,
and the personal subscription feed.

Whose bookings: an IRO's and a social worker's own children's ("My children"); anyone else's,
the children they may see (a Team Manager their team's). A conference is its episode's lead
child's. The feed is off until its owner turns it on; its secret URL's token is kept only as a
SHA-256 hash, and renewing or turning it off ends the old URL at once.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from service.casework.invitations import Booking, calendar
from service.db import db, writing
from service.models import Child, Conference, ConferenceStatus, CpEpisode, Review, ReviewStatus, User
from service.people import access, accounts
from service.people.accounts import Identity
from service.workflow import audit, clock, mail
from service.workflow import working_days as days

_LIVE_REVIEWS = (ReviewStatus.BOOKED, ReviewStatus.ADJOURNED)


@dataclass(frozen=True)
class Entry:
    """One booking on a person's calendar page: staff who may see the child see their name."""

    booking: Booking
    child_id: int
    child_name: str


def _mine(who: Identity):
    return access.caseload_condition(who) if access.has_caseload(who) else access.child_condition(who)


def _rows(condition, start: date | None, end: date | None, only: tuple[str, int] | None = None) -> list[Entry]:
    """The booked reviews and conferences of the children `condition` selects, in date order; `only`
    one of them, ("review", id) or ("conference", id)."""
    reviews = select(Review.id, Review.booked_date, Review.calendar_sequence, Child).join(
        Child, Child.id == Review.child_id
    )
    reviews = reviews.where(Review.status.in_(_LIVE_REVIEWS), Review.booked_date.is_not(None), condition)
    conferences = (
        select(Conference.id, Conference.booked_date, Conference.calendar_sequence, Child)
        .join(CpEpisode, CpEpisode.id == Conference.episode_id)
        .join(Child, Child.id == CpEpisode.child_id)
        .where(Conference.status == ConferenceStatus.BOOKED, Conference.booked_date.is_not(None), condition)
    )
    found = []
    for kind, query, table in (("review", reviews, Review), ("conference", conferences, Conference)):
        on = table.booked_date
        if only is not None:
            if only[0] != kind:
                continue
            query = query.where(table.id == only[1])
        if start is not None:
            query = query.where(on >= start)
        if end is not None:
            query = query.where(on <= end)
        for row in db.session.execute(query):
            booking = Booking(
                kind,
                row.id,
                row.booked_date,
                row.calendar_sequence,
                mail.initials(row.Child.name),
                row.Child.case_number,
            )
            found.append(Entry(booking, row.Child.id, row.Child.name))
    return sorted(found, key=lambda e: (e.booking.on, e.booking.kind, e.booking.id))


def between(who: Identity, start: date, end: date) -> list[Entry]:
    """This person's bookings from `start` to `end` (both included), in date order."""
    return _rows(_mine(who), start, end)


def download(who: Identity, kind: str, booking_id: int) -> bytes | None:
    """One booking as an .ics file, if it is booked and its child is one this person may see."""
    found = _rows(access.child_condition(who), None, None, only=(kind, booking_id))
    return calendar([found[0].booking]) if found else None


def feed(token: str) -> bytes | None:
    """The feed behind this secret, or None: a person's bookings from today on, initials only."""
    user = db.session.scalar(select(User).where(User.calendar_feed_hash == _hash(token), User.active.is_(True)))
    who = accounts.identity_of(user)
    if who is None:
        return None
    today = days.london_date(clock.now())
    return calendar([e.booking for e in _rows(_mine(who), today, None)])


def has_feed(who: Identity) -> bool:
    return db.session.scalar(select(User.calendar_feed_hash).where(User.id == who.id)) is not None


def renew_feed(who: Identity) -> str:
    """Turn the feed on, or give it a new secret URL: the old one stops working. Returns the token."""
    token = secrets.token_urlsafe(32)
    _set_feed(who, _hash(token), "calendar_feed_renewed")
    return token


def end_feed(who: Identity) -> None:
    _set_feed(who, None, "calendar_feed_ended")


def _set_feed(who: Identity, hashed: str | None, action: str) -> None:
    with writing():
        db.session.execute(update(User).where(User.id == who.id).values(calendar_feed_hash=hashed))
        audit.record(clock.now(), who.username, action, user_id=who.id)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
