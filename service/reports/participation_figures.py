"""How children took part in their looked-after reviews, beside the views they sent from their own
page before them (docs/domain.md V3 and A5).

For the reviews held in a period: the share of children old enough to be given their own link
(CHILD_LINK_MIN_AGE or over on the review's day) who sent their views before it, and the reviews
by participation code, each with how many had views sent before them. Views are kept only until
their review is held, so every views row of a held review was sent before it.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import exists, select

from service.casework import participation
from service.db import db
from service.models import Child, ChildViews, Review, ReviewStatus

from .review_figures import NOT_RECORDED, percent


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.count, self.total)


@dataclass(frozen=True)
class CodeRow:
    code: str | None
    words: str
    reviews: int
    with_views: int


@dataclass(frozen=True)
class Figures:
    start: date
    end: date
    min_age: int
    views_sent: Share  # children of min_age or over who sent views before their review
    by_code: list[CodeRow]


def report(start: date, end: date) -> Figures:
    min_age = current_app.config["CHILD_LINK_MIN_AGE"]
    sent = exists().where(ChildViews.review_id == Review.id)
    rows = db.session.execute(
        select(Review.held_on, Review.participation_code, Child.dob, sent.label("sent"))
        .join(Child, Child.id == Review.child_id)
        .where(Review.status == ReviewStatus.HELD, Review.held_on.between(start, end))
    ).all()
    old_enough = [row for row in rows if row.dob and participation.age_on(row.dob, row.held_on) >= min_age]
    by_code = [
        CodeRow(
            code,
            words,
            sum(1 for row in rows if row.participation_code == code),
            sum(1 for row in rows if row.participation_code == code and row.sent),
        )
        for code, words in [*participation.CODES.items(), (None, NOT_RECORDED)]
    ]
    return Figures(
        start,
        end,
        min_age,
        Share(sum(1 for row in old_enough if row.sent), len(old_enough)),
        [row for row in by_code if row.code is not None or row.reviews],
    )
