"""Public links (docs/domain.md V1): one page, for one person, for one occasion.

A link's token is 32 random URL-safe characters; only its SHA-256 is kept, so the database
holds nothing that opens a page. A link is open until it expires, is withdrawn by staff, or
(a feedback link) has taken its one answer. A child's page link ends a set number of days after
its review (held, else booked, else due), so it follows the review when the date moves.
Making a new link for the same person and occasion withdraws the old one.
"""

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from service.db import db, writing
from service.errors import NotFound
from service.models import Child, LinkPurpose, PublicLink, Review
from service.workflow import audit, clock
from service.workflow import working_days as calendar

TOKEN_BYTES = 24  # 32 characters once encoded: nothing to guess


class LinkState(str, enum.Enum):
    OPEN = "open"
    USED = "used"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class NewLink:
    """A link just made: its row, and its token, which exists nowhere else once this is dropped."""

    link: PublicLink
    token: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    purpose: LinkPurpose,
    *,
    child_id: int,
    for_person: str,
    actor: str,
    conference_id: int | None = None,
    review_id: int | None = None,
    expires_at: datetime | None = None,
    token: str | None = None,
) -> NewLink:
    """A new open link; any open one for the same person and occasion is withdrawn by it.
    `token` is for the demo council only, whose README lists links to try: anywhere else a
    token chosen by a person could be guessed."""
    token = token or secrets.token_urlsafe(TOKEN_BYTES)
    with writing():
        now = clock.now()
        for old in db.session.scalars(
            select(PublicLink).where(
                PublicLink.purpose == purpose,
                PublicLink.child_id == child_id,
                PublicLink.conference_id.is_(None)
                if conference_id is None
                else PublicLink.conference_id == conference_id,
                PublicLink.review_id.is_(None) if review_id is None else PublicLink.review_id == review_id,
                PublicLink.for_person == for_person,
                PublicLink.withdrawn_at.is_(None),
                PublicLink.used_at.is_(None),
            )
        ):
            old.withdrawn_at, old.withdrawn_by = now, actor
        link = PublicLink(
            token_hash=token_hash(token),
            purpose=purpose,
            child_id=child_id,
            conference_id=conference_id,
            review_id=review_id,
            for_person=for_person[:200],
            created_by=actor,
            created_at=now,
            expires_at=expires_at,
        )
        db.session.add(link)
        db.session.flush()
        audit.record(now, actor, "public_link_created", child_id=child_id, link_id=link.id, purpose=purpose.value)
    return NewLink(link, token)


def end_of_day_after(day, days: int) -> datetime:
    """The moment `days` days after `day` ends in London, as the link's expiry."""
    return datetime.combine(day + timedelta(days=days), time(23, 59, 59), tzinfo=calendar.LONDON)


def expiry(link: PublicLink) -> datetime | None:
    """When the link ends: a feedback link's stored date; a child's page's, from its review now."""
    if link.purpose is not LinkPurpose.CHILD_PAGE or link.review_id is None:
        return link.expires_at
    review = db.session.get(Review, link.review_id)
    if review is None:
        return None
    day = review.held_on or review.booked_date or review.due_date
    return end_of_day_after(day, current_app.config["CHILD_PAGE_DAYS_AFTER_REVIEW"]) if day else None


def state(link: PublicLink, now: datetime | None = None) -> LinkState:
    if link.withdrawn_at is not None:
        return LinkState.WITHDRAWN
    if link.used_at is not None:
        return LinkState.USED
    ends = expiry(link)
    if ends is not None and (now or clock.now()) > ends:
        return LinkState.EXPIRED
    return LinkState.OPEN


def find(token: str) -> PublicLink | None:
    """The link a token opens, or None for a token that was never made (or is malformed)."""
    if not token or len(token) > 100 or not token.replace("-", "").replace("_", "").isalnum():
        return None
    return db.session.scalar(select(PublicLink).where(PublicLink.token_hash == token_hash(token)))


def opened(link_id: int) -> None:
    with writing():
        link = db.session.get(PublicLink, link_id)
        if link is not None:
            link.opened_at = clock.now()


def use(link_id: int) -> PublicLink:
    """Lock and re-read an open link inside the caller's write, for the one answer it takes:
    raises LinkEnded if it was used, withdrawn or ran out meanwhile."""
    link = db.session.scalar(select(PublicLink).where(PublicLink.id == link_id).with_for_update())
    if link is None:
        raise LinkEnded(LinkState.WITHDRAWN)
    found = state(link)
    if found is not LinkState.OPEN:
        raise LinkEnded(found)
    return link


class LinkEnded(Exception):
    def __init__(self, state: LinkState):
        super().__init__(state.value)
        self.state = state


def withdraw(link_id: int, *, actor: str, visible) -> PublicLink:
    """Withdraw a link of a child `visible` (an SQL condition on children) lets the actor see."""
    with writing():
        link = db.session.scalar(
            select(PublicLink)
            .join(Child, Child.id == PublicLink.child_id)
            .where(PublicLink.id == link_id, visible)
            .with_for_update()
        )
        if link is None:
            raise NotFound(f"no link {link_id}")
        if link.withdrawn_at is None:
            link.withdrawn_at, link.withdrawn_by = clock.now(), actor
            audit.record(clock.now(), actor, "public_link_withdrawn", child_id=link.child_id, link_id=link.id)
    return link


def of_occasion(purpose: LinkPurpose, *, conference_id: int | None = None, review_id: int | None = None) -> list:
    """The links made for one conference or review, newest first, each with its state."""
    where = (
        PublicLink.conference_id == conference_id if conference_id is not None else PublicLink.review_id == review_id
    )
    rows = db.session.scalars(
        select(PublicLink).where(PublicLink.purpose == purpose, where).order_by(PublicLink.id.desc())
    ).all()
    return [(link, state(link)) for link in rows]
