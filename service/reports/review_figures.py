"""The looked-after review figures managers report (docs/domain.md A2, A5, A7 and E), and the
SSDA903 reviews file, read from `reviews`, the table the review diagrams fill.

A review counts in a period by the day it was held; a record deadline by the day it fell
due, so a review held late in one period is not counted again when its record is due in
the next. Percentages are Decimals rounded half up to one decimal place (what the annual
report prints), or None when there is nothing to count: "no reviews" is not 0%.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, or_, select

from service.casework.participation import COUNTED, PARTICIPATING
from service.db import db
from service.errors import InvalidData, ServiceError
from service.models import Child, Review, ReviewStatus, Team, User, UserRole
from service.people import roles

ON_TIME_TARGET = Decimal(95)  # % of reviews held on time (docs/domain.md A2; report 5.1)
# the record deadlines of A6-A7, by the prefix of their columns; their lengths live in the diagram
DEADLINES = {
    "decisions_to_managers": "Decisions sent to the allocated worker and managers",
    "decisions": "Decisions and recommendations recorded",
    "record": "Full record of the review",
    "distribution": "Record distributed to those who attended",
}
SSDA903_COLUMNS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")
NOT_RECORDED = "Not recorded"


class ReviewsNotCoded(ServiceError):
    """Held reviews without a participation code: the SSDA903 file may have no blanks."""


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Timeliness:
    """Reviews held and how many of them were held by their due date."""

    held: int
    on_time: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.on_time, self.held)

    @property
    def meets_target(self) -> bool | None:
        return None if self.percent is None else self.percent >= ON_TIME_TARGET


@dataclass(frozen=True)
class Participation:
    """Reviews coded PN1-PN7, and those of them where the child participated (PN1-3, PN5-6)."""

    coded: int
    participating: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.participating, self.coded)


@dataclass(frozen=True)
class Deadline:
    """One record deadline: how many fell due, and how they went as of `today`.

    Missed: recorded as missed, or its day has passed without it being met; of those,
    `open_overdue` are still not done. The percentage is met out of met and missed,
    leaving out deadlines still running.
    """

    name: str
    label: str
    due: int
    met: int
    missed: int
    open_overdue: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.met, self.met + self.missed)


@dataclass(frozen=True)
class Figures:
    reviews: Timeliness
    short_breaks: Timeliness  # series of short breaks (V4), also reported apart (A12)
    other: Timeliness
    participation: Participation
    deadlines: tuple[Deadline, ...]


@dataclass(frozen=True)
class Row:
    """The figures of one team (by code) or one IRO (by name)."""

    label: str
    figures: Figures


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    today: date
    team: str | None
    iro: str | None
    overall: Figures
    by_team: tuple[Row, ...]
    by_iro: tuple[Row, ...]


def check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidData("the period ends before it starts", {"to": "must be the same as or after the start"})


def financial_year_start(day: date) -> date:
    """1 April on or before `day`: councils report by financial year."""
    year = day.year if day.month >= 4 else day.year - 1
    return date(year, 4, 1) if year else date.min  # there is no year 0


def report(start: date, end: date, today: date, team: str | None = None, iro: str | None = None) -> Report:
    """Figures of reviews held from `start` to `end` (and deadlines falling due then), for one
    team (code) or IRO (username) when given; deadlines still open count as overdue after `today`."""
    check_period(start, end)
    where = [Review.status == ReviewStatus.HELD]
    if team:
        where.append(Review.team_id == select(Team.id).where(Team.code == team).scalar_subquery())
    if iro:
        where.append(Review.iro_id == select(User.id).where(User.username == iro).scalar_subquery())
    held = [Review.held_on.between(start, end), *where]
    deadlines = _deadline_counts(start, end, today)
    due = [or_(*(getattr(Review, f"{name}_due").between(start, end) for name in DEADLINES)), *where]

    def breakdown(group):
        reviews, records = _counts(_HELD_COUNTS, held, group), _counts(deadlines, due, group)
        keys = sorted(reviews.keys() | records.keys(), key=lambda k: (k[1] is None, k[1] or "", k[0] or 0))
        return tuple(Row(k[1] or NOT_RECORDED, _figures(reviews.get(k), records.get(k))) for k in keys)

    overall = _figures(_counts(_HELD_COUNTS, held)[()], _counts(deadlines, due)[()])
    return Report(start, end, today, team, iro, overall, breakdown(_BY_TEAM), breakdown(_BY_IRO))


def _count(condition):
    return func.count(case((condition, 1)))


_SHORT_BREAKS, _ON_TIME = Review.short_breaks.is_(True), Review.on_time.is_(True)
_HELD_COUNTS = (
    func.count(),
    _count(_ON_TIME),
    _count(_SHORT_BREAKS),
    _count(and_(_SHORT_BREAKS, _ON_TIME)),
    _count(Review.participation_code.in_(COUNTED)),
    _count(Review.participation_code.in_(PARTICIPATING)),
)


def _deadline_counts(start: date, end: date, today: date) -> tuple:
    """Four counts per deadline: fell due in the period, met, missed, still open and overdue."""
    counts = []
    for name in DEADLINES:
        due, done, met = (getattr(Review, f"{name}_{part}") for part in ("due", "on", "met"))
        in_period, not_met = due.between(start, end), met.is_not(True)
        counts += [
            _count(in_period),
            _count(and_(in_period, met.is_(True))),
            _count(and_(in_period, not_met, or_(met.is_(False), due < today))),
            _count(and_(in_period, not_met, done.is_(None), due < today)),
        ]
    return tuple(counts)


_BY_TEAM = (Review.team_id, Team, Team.code)  # (what reviews are grouped by, its table, the row's label)
_BY_IRO = (Review.iro_id, User, User.name)


def _counts(columns, where, group=None) -> dict:
    """Counts over `reviews`: {(): counts}, or {(id, label): counts} per team or IRO."""
    if group is None:
        return {(): tuple(db.session.execute(select(*columns).select_from(Review).where(*where)).one())}
    key, table, label = group
    query = (
        select(key, label, *columns)
        .select_from(Review)
        .outerjoin(table, table.id == key)
        .where(*where)
        .group_by(key, label)
    )
    return {(row[0], row[1]): tuple(row[2:]) for row in db.session.execute(query)}


def _figures(held: tuple | None, records: tuple | None) -> Figures:
    reviews, on_time, short_breaks, short_on_time, coded, participating = held or (0,) * len(_HELD_COUNTS)
    records = records or (0,) * 4 * len(DEADLINES)
    return Figures(
        Timeliness(reviews, on_time),
        Timeliness(short_breaks, short_on_time),
        Timeliness(reviews - short_breaks, on_time - short_on_time),
        Participation(coded, participating),
        tuple(Deadline(name, label, *records[4 * i : 4 * i + 4]) for i, (name, label) in enumerate(DEADLINES.items())),
    )


def people_choices(role: str, *named_in) -> list[tuple[str, str]]:
    """(username, name) of today's holders of `role` and of anyone a column of `named_in` names
    (a user id column): whom figures may be for, by name."""
    return list(
        db.session.execute(
            select(User.username, User.name)
            .where(
                or_(
                    User.id.in_(select(UserRole.user_id).where(UserRole.role == role)),
                    *(User.id.in_(select(column).where(column.is_not(None))) for column in named_in),
                )
            )
            .order_by(User.name, User.username)
        )
    )


def iro_choices() -> list[tuple[str, str]]:
    """(username, name) of today's IROs and of anyone who chaired a review: whom figures may be for."""
    return people_choices(roles.IRO, Review.iro_id)


def ssda903_reviews_csv(start: date, end: date) -> str:
    """The SSDA903 reviews table of the reviews held from `start` to `end`, as the DfE takes it:
    CHILD (the case number), DOB, REVIEW (the day held), REVIEW_CODE; dates dd/mm/yyyy, CRLF
    line ends (RFC 4180). A held review without its participation code is refused, naming it,
    rather than sent blank or left out."""
    check_period(start, end)
    rows = db.session.execute(
        select(Child.case_number, Child.dob, Review.held_on, Review.participation_code)
        .join(Child, Child.id == Review.child_id)
        .where(Review.status == ReviewStatus.HELD, Review.held_on.between(start, end))
        .order_by(Review.held_on, Child.case_number, Review.id)
    ).all()
    uncoded = [f"{row.case_number} on {row.held_on:%d/%m/%Y}" for row in rows if not row.participation_code]
    if uncoded:
        raise ReviewsNotCoded(
            "Record the participation code of these held reviews first (the SSDA903 file may "
            f"have no blanks): {', '.join(uncoded)}"
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SSDA903_COLUMNS)
    writer.writerows(
        (row.case_number, _dmy(row.dob), f"{row.held_on:%d/%m/%Y}", row.participation_code) for row in rows
    )
    return out.getvalue()


def _dmy(day: date | None) -> str:
    """A date as SSDA903 writes it (blank for an unborn child, who has no review yet)."""
    return "" if day is None else f"{day:%d/%m/%Y}"
