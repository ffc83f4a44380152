"""Bringing a child's next review forward, and the record deadlines of a held review.

Reg 33(3) requires an earlier review when the IRO asks for one (docs/domain.md A2). The
review cycle diagram waits for the `review_brought_forward` message and rebooks the
review; the date and the reason are checked here first, so the diagram only ever
sees a date it can book.
"""

from dataclasses import dataclass
from datetime import date

from service.db import db
from service.errors import InvalidData, NotFound
from service.models import Child, Review
from service.reports.review_figures import DEADLINES
from service.workflow import clock, instances
from service.workflow import working_days as calendar

REASON_LIMIT = 2000
NO_REVIEW_WAITING = "There is no review waiting to be held for this child"


def bring_forward(child_id: int, new_date: date, reason: str, *, actor: str) -> list[int]:
    """Ask the child's waiting review cycle to hold the review on `new_date`; the instances it resumed."""
    child = db.session.get(Child, child_id)
    if child is None:
        raise NotFound(f"child {child_id} does not exist")
    errors = {}
    if new_date < calendar.london_date(clock.now()):
        errors["date"] = "The new date must be today or in the future"
    elif child.looked_after_since and new_date < child.looked_after_since:
        errors["date"] = (
            f"The new date must be on or after {child.looked_after_since:%-d %B %Y}, when the child became looked after"
        )
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Enter why the review is needed earlier"
    elif len(reason) > REASON_LIMIT:
        errors["reason"] = f"The reason must be {REASON_LIMIT} characters or fewer"
    if errors:
        raise InvalidData("; ".join(f"{name}: {message}" for name, message in errors.items()), errors)
    try:
        return instances.send_message(
            "review_brought_forward",
            {"date": new_date.isoformat(), "reason": reason},
            actor=actor,
            child_id=str(child_id),
        )
    except NotFound:
        raise InvalidData(f"date: {NO_REVIEW_WAITING}", {"date": NO_REVIEW_WAITING}) from None


@dataclass(frozen=True)
class RecordDeadline:
    """One deadline of the record of a review (docs/domain.md A6-A7): met, missed, or still running."""

    name: str
    due: date | None
    met: bool | None


def record_deadlines(review: Review) -> list[RecordDeadline]:
    return [
        RecordDeadline(name, getattr(review, f"{prefix}_due"), getattr(review, f"{prefix}_met"))
        for prefix, name in DEADLINES.items()
    ]
