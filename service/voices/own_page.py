"""A child's own page before a looked-after review (docs/domain.md V3): which review it is for,
the words the IRO writes for the child, who may be given its link, and what the page shows.

The page belongs to the child's next review (the open one of the current review cycle). Its
words are the IRO's: where the review will be, who is invited, the care plan in plain words
(started from the last review's) and, once the review is held, what it decided. A link is given
to the child only from CHILD_LINK_MIN_AGE on the day; a younger child's carer or advocate
is given it instead, and helps them.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from service.casework import participation
from service.db import db, writing
from service.errors import InvalidData
from service.models import Child, ChildViews, LinkPurpose, PublicLink, Review, ReviewStatus, User
from service.workflow import audit, clock
from service.workflow import working_days as calendar

from . import links

FOR_PEOPLE = {"child": "the child", "carer": "their carer", "advocate": "their advocate"}
VENUE_LIMIT = 300
WORDS_LIMIT = 2000
INVITEES_LIMIT = 20
NO_REVIEW = "There is no review waiting to be held for this child"
OPEN = (ReviewStatus.DUE, ReviewStatus.BOOKED, ReviewStatus.ADJOURNED)


def next_review(child: Child) -> Review | None:
    """The review the child's page is for: the open review of a looked-after child, else None."""
    if not child.looked_after:
        return None
    return db.session.scalar(
        select(Review).where(Review.child_id == child.id, Review.status.in_(OPEN)).order_by(Review.id.desc()).limit(1)
    )


def last_held(child_id: int) -> Review | None:
    return db.session.scalar(
        select(Review)
        .where(Review.child_id == child_id, Review.status == ReviewStatus.HELD)
        .order_by(Review.held_on.desc(), Review.id.desc())
        .limit(1)
    )


def plan_words_to_start(review: Review) -> str | None:
    """The review's plain words, else the last held review's, for the IRO to start from."""
    if review.plan_words:
        return review.plan_words
    earlier = last_held(review.child_id)
    return earlier.plan_words if earlier is not None else None


def save_words(
    child: Child,
    *,
    venue: str | None,
    invitees: str | None,
    plan_words: str | None,
    decided_words: str | None,
    actor: str,
) -> None:
    """Where, who and the plan in plain words on the next review; what was decided on the last held one."""
    review, held = next_review(child), last_held(child.id)
    if review is None:
        raise InvalidData.on("venue", NO_REVIEW)
    names = [line.strip()[:200] for line in (invitees or "").splitlines() if line.strip()]
    errors = {}
    if len(venue or "") > VENUE_LIMIT:
        errors["venue"] = f"Where the review will be must be {VENUE_LIMIT} characters or fewer"
    if len(names) > INVITEES_LIMIT:
        errors["invitees"] = f"Enter up to {INVITEES_LIMIT} people who are invited"
    for name, text in (("plan_words", plan_words), ("decided_words", decided_words)):
        if len(text or "") > WORDS_LIMIT:
            errors[name] = f"Use {WORDS_LIMIT} characters or fewer"
    if errors:
        raise InvalidData("; ".join(errors.values()), errors)
    with writing():
        review = db.session.get_one(Review, review.id)
        review.venue = (venue or "").strip() or None
        review.invitees = names or None
        review.plan_words = (plan_words or "").strip() or None
        changed = [review.id]
        if held is not None and decided_words is not None:
            held = db.session.get_one(Review, held.id)
            held.decided_words = decided_words.strip() or None
            changed.append(held.id)
        audit.record(clock.now(), actor, "own_page_words_saved", child_id=child.id, review_ids=changed)


def age_on(child: Child, day: date) -> int | None:
    return participation.age_on(child.dob, day) if child.dob else None


def refusal_for(child: Child, for_person: str, day: date) -> str | None:
    """Why the link may not be given to this person, or None: a child younger than
    CHILD_LINK_MIN_AGE on the day is not given their own link."""
    if for_person != "child":
        return None
    age = age_on(child, day)
    if age is None or age < current_app.config["CHILD_LINK_MIN_AGE"]:
        first = child.name.split()[0]
        years = f"is {age}" if age is not None else "is not born yet"
        return f"{first} {years}: give the link to their carer or advocate, who can help them"
    return None


def make_link(child: Child, for_person: str, *, actor: str, token: str | None = None) -> links.NewLink:
    """A link to the child's page for their next review, for the child, their carer or their advocate
    (an open one for the same person and review is withdrawn)."""
    review = next_review(child)
    if review is None:
        raise InvalidData.on("for_person", NO_REVIEW)
    if for_person not in FOR_PEOPLE:
        raise InvalidData.on("for_person", "Choose who the link is for")
    refused = refusal_for(child, for_person, calendar.london_date(clock.now()))
    if refused:
        raise InvalidData.on("for_person", refused)
    return links.create(
        LinkPurpose.CHILD_PAGE,
        child_id=child.id,
        review_id=review.id,
        for_person=FOR_PEOPLE[for_person],
        actor=actor,
        token=token,
    )


@dataclass(frozen=True)
class Page:
    """What the child's page shows, read through its link."""

    child_first_name: str
    iro_name: str | None
    iro_phone: str | None
    iro_has_photo: bool
    review: Review
    held: bool
    last_sent: date | None


def page(link: PublicLink) -> Page:
    child = db.session.get_one(Child, link.child_id)
    review = db.session.get_one(Review, link.review_id)
    iro_id = iro_id_of(link)
    iro = db.session.get(User, iro_id) if iro_id else None
    sent: datetime | None = db.session.scalar(
        select(ChildViews.sent_at)
        .where(ChildViews.review_id == review.id, ChildViews.link_id == link.id)
        .order_by(ChildViews.sent_at.desc())
        .limit(1)
    )
    return Page(
        child.name.split()[0],
        iro.name if iro else None,
        iro.phone if iro else None,
        bool(iro and iro.photo_type),
        review,
        review.status is ReviewStatus.HELD,
        calendar.london_date(sent) if sent else None,
    )


def iro_id_of(link: PublicLink) -> int | None:
    """The IRO the page shows: who chairs the link's review, else the child's IRO."""
    review = db.session.get(Review, link.review_id)
    return (review.iro_id if review else None) or db.session.get_one(Child, link.child_id).iro_id
