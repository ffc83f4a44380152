"""The RAG register (docs/domain.md B6 and E; report 3.4.5-3.4.9): every quality assurance RAG
notification given in a period, with who held the case, and table 3.4.9, "LA Care Plans
Reviewed in Period": Red, Amber and Green by team, as counts and percentages, beside the
same table for the period before.

Read from `rag_notifications`, the table the RAG diagram fills. A notification counts in a
period by the date of the review it graded. It counts under the team, IRO and allocated
worker stamped on it when it was given (who held the case on the day), and under "Team not
recorded" when it has no team. Percentages are of the team's (or the service's) Red, Amber
and Green notifications together, Decimals rounded half up to one decimal place, as the
report prints them, or None when there is nothing to count. The CSV carries ids, codes,
dates and usernames only: no names, no details of the criteria.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import aliased

from service.db import db
from service.models import Child, RagNotification, RagStatus, Team, User
from service.people import roles
from service.reports.alert_register import csv_cell
from service.reports.review_figures import check_period, people_choices, percent
from service.workflow import working_days as calendar

TEAM_NOT_RECORDED = "Team not recorded"  # the report's words (table 3.4.9)
STATUS_WORDS = {RagStatus.RED: "Red", RagStatus.AMBER: "Amber", RagStatus.GREEN: "Green"}
CSV_COLUMNS = (
    "notification_id",
    "child_id",
    "case_number",
    "review_id",
    "review_date",
    "status",
    "criteria",
    "excellent_practice",
    "team",
    "iro",
    "worker",
    "worker_qualified",
    "progress",
    "alert_id",
)


@dataclass(frozen=True)
class RegisterRow:
    notification_id: int
    child_id: int
    child_name: str
    case_number: str  # as the notification recorded it, else the child's
    review_id: int | None
    review_date: date
    status: RagStatus | None
    criteria_codes: tuple[str, ...]  # the ticked criteria of the status, without their details
    excellent_practice: bool | None
    team_code: str | None
    team_name: str | None
    iro_username: str | None
    iro_name: str | None
    worker_username: str | None
    worker_name: str | None
    worker_qualified: bool | None  # qualified social worker, or an unqualified case holder
    progress: str | None  # the IRO's review of the response: adequate, limited
    alert_id: int | None

    @property
    def status_words(self) -> str:
        return "Not recorded" if self.status is None else STATUS_WORDS.get(self.status, "Not recorded")

    @property
    def criteria_count(self) -> int:
        return len(self.criteria_codes)


@dataclass(frozen=True)
class Counts:
    """Red, Amber and Green notifications of one team, or of the service."""

    red: int = 0
    amber: int = 0
    green: int = 0

    @property
    def total(self) -> int:
        return self.red + self.amber + self.green

    @property
    def red_percent(self) -> Decimal | None:
        return percent(self.red, self.total)

    @property
    def amber_percent(self) -> Decimal | None:
        return percent(self.amber, self.total)

    @property
    def green_percent(self) -> Decimal | None:
        return percent(self.green, self.total)


@dataclass(frozen=True)
class TeamRow:
    code: str | None  # None: "Team not recorded"
    label: str
    counts: Counts


@dataclass(frozen=True)
class Table:
    """Table 3.4.9 of one period: a row per team (every team, then "Team not recorded"), and the total."""

    start: date
    end: date
    teams: tuple[TeamRow, ...]
    total: Counts


@dataclass(frozen=True)
class Comparison:
    """Table 3.4.9 of the period and of the period of the same length just before it, row for row."""

    current: Table
    previous: Table | None  # None for a period starting in year 1

    @property
    def rows(self) -> list[tuple[TeamRow, TeamRow | None]]:
        """(this period's row, the previous period's) per team: both tables list the same teams."""
        previous = self.previous.teams if self.previous else [None] * len(self.current.teams)
        return list(zip(self.current.teams, previous, strict=True))


def register(
    start: date,
    end: date,
    team: str | None = None,
    iro: str | None = None,
    worker: str | None = None,
    status: RagStatus | str | None = None,
) -> list[RegisterRow]:
    """Every notification of a review dated from `start` to `end`, newest first; for one team (code),
    IRO and allocated worker (usernames) and status when given."""
    check_period(start, end)
    iro_user, worker_user = aliased(User), aliased(User)
    where: list[ColumnElement[bool]] = [RagNotification.review_date.between(start, end)]
    if team:
        where.append(RagNotification.team_id == select(Team.id).where(Team.code == team).scalar_subquery())
    if iro:
        where.append(RagNotification.iro_id == select(User.id).where(User.username == iro).scalar_subquery())
    if worker:
        where.append(RagNotification.worker_id == select(User.id).where(User.username == worker).scalar_subquery())
    if status:
        where.append(RagNotification.status == RagStatus(status))
    found = db.session.execute(
        select(
            RagNotification,
            Child.name,
            Child.case_number,
            Team.code,
            Team.name.label("team_name"),
            iro_user.username.label("iro_username"),
            iro_user.name.label("iro_name"),
            worker_user.username.label("worker_username"),
            worker_user.name.label("worker_name"),
        )
        .join(Child, Child.id == RagNotification.child_id)
        .outerjoin(Team, Team.id == RagNotification.team_id)
        .outerjoin(iro_user, iro_user.id == RagNotification.iro_id)
        .outerjoin(worker_user, worker_user.id == RagNotification.worker_id)
        .where(*where)
        .order_by(RagNotification.review_date.desc(), RagNotification.id.desc())
    ).all()
    return [_row(r) for r in found]


def _row(found) -> RegisterRow:
    rag = found.RagNotification
    return RegisterRow(
        rag.id,
        rag.child_id,
        found.name,
        rag.case_number or found.case_number,
        rag.review_id,
        rag.review_date,
        rag.status,
        _codes(rag.criteria),
        rag.excellent_practice,
        found.code,
        found.team_name,
        found.iro_username,
        found.iro_name,
        found.worker_username,
        found.worker_name,
        rag.worker_qualified,
        rag.progress,
        rag.alert_id,
    )


def _codes(criteria) -> tuple[str, ...]:
    """The codes of the ticked criteria ([{code, details}]); their details stay out of the register."""
    codes = []
    for criterion in criteria or ():
        code = criterion.get("code") if isinstance(criterion, dict) else criterion
        if code not in (None, ""):
            codes.append(str(code))
    return tuple(codes)


def previous_period(start: date, end: date) -> tuple[date, date] | None:
    """The period of the same length that ends the day before `start`: the same number of calendar
    months when the period is whole months (1 April to 31 March, or the 12 months to a day), else
    the same number of days. None if it would begin before the calendar does (year 1)."""
    check_period(start, end)
    try:
        return _previous(start, end)
    except (OverflowError, ValueError):
        return None


def _previous(start: date, end: date) -> tuple[date, date]:
    before, after = start - timedelta(days=1), end + timedelta(days=1)
    months = (end.year - start.year) * 12 + end.month - start.month
    for n in (months, months + 1):
        if n > 0 and start.day == 1 and calendar.add_months(start, n) == after:
            return calendar.add_months(start, -n), before  # whole calendar months: 1 April to 31 March
        if n > 0 and calendar.add_months(end, -n) + timedelta(days=1) == start:
            return calendar.add_months(before, -n) + timedelta(days=1), before  # the n months to a day
    return before - (end - start), before


def table_349(start: date, end: date) -> Comparison:
    """Table 3.4.9 for the period, and for the period of the same length just before it."""
    previous = previous_period(start, end)
    return Comparison(_table(start, end), previous and _table(*previous))


def _table(start: date, end: date) -> Table:
    check_period(start, end)
    counted = db.session.execute(
        select(RagNotification.team_id, RagNotification.status, func.count())
        .where(RagNotification.review_date.between(start, end), RagNotification.status.is_not(None))
        .group_by(RagNotification.team_id, RagNotification.status)
    ).all()
    by_team: dict[int | None, dict[str, int]] = {}
    for team_id, status, n in counted:
        by_team.setdefault(team_id, {})[RagStatus(status).value] = n
    teams = db.session.execute(select(Team.id, Team.code).order_by(Team.code)).all()
    rows = [TeamRow(code, code, Counts(**by_team.get(team_id, {}))) for team_id, code in teams]
    rows.append(TeamRow(None, TEAM_NOT_RECORDED, Counts(**by_team.get(None, {}))))
    total = Counts(*(sum(getattr(row.counts, name) for row in rows) for name in ("red", "amber", "green")))
    return Table(start, end, tuple(rows), total)


def iro_choices() -> list[tuple[str, str]]:
    """(username, name) of today's IROs and of anyone who gave a notification: whom the register may be for."""
    return people_choices(roles.IRO, RagNotification.iro_id)


def worker_choices() -> list[tuple[str, str]]:
    """(username, name) of today's social workers and of anyone who held a case graded: the allocated workers."""
    return people_choices(roles.SOCIAL_WORKER, RagNotification.worker_id)


def register_csv(
    start: date,
    end: date,
    team: str | None = None,
    iro: str | None = None,
    worker: str | None = None,
    status: RagStatus | str | None = None,
) -> str:
    """One line per notification of the register (RFC 4180, CRLF), ISO dates, criteria codes separated by
    spaces, no free text and no names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in register(start, end, team=team, iro=iro, worker=worker, status=status):
        writer.writerow(
            csv_cell(value)
            for value in (
                row.notification_id,
                row.child_id,
                row.case_number,
                row.review_id,
                row.review_date,
                row.status.value if row.status else None,
                " ".join(row.criteria_codes),
                _yes_no(row.excellent_practice),
                row.team_code,
                row.iro_username,
                row.worker_username,
                _yes_no(row.worker_qualified),
                row.progress,
                row.alert_id,
            )
        )
    return out.getvalue()


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else "yes" if value else "no"
