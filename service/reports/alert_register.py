"""The management alert register (protocol 3.5.3; docs/domain.md C7 and E): every alert raised in
a period with the stage it reached, its outcome and how long it took to resolve, the
period's counts, and the register as a CSV file.

Read from `management_alerts`, the table the alert diagram fills. An alert counts in a
period by the day it was raised; an alert for a sibling group counts once, with its number of
children. Days to resolve are counted for resolved alerts only,
from the day raised to the day closed: calendar days, and working days (England and
Wales bank holidays excluded). Means are Decimals rounded half up to one decimal place,
or None when no alert was resolved. The CSV carries ids, codes, dates and figures only:
no concerns, no names.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from service.db import db
from service.models import AlertStatus, Child, ManagementAlert, Team, User
from service.reports.review_figures import check_period
from service.workflow import working_days as calendar

STATUS_WORDS = {
    AlertStatus.OPEN: "Open",
    AlertStatus.RESOLVED: "Resolved",
    AlertStatus.REFERRED: "Referred to CAFCASS",
    AlertStatus.WITHDRAWN: "Closed without resolution",
    AlertStatus.CANCELLED: "Cancelled: the child stopped being looked after",
}
CSV_COLUMNS = (
    "alert_id",
    "child_id",
    "case_number",
    "team",
    "raised_on",
    "children",
    "start_stage",
    "stage_reached",
    "stage_reached_role",
    "status",
    "closed_on",
    "calendar_days_to_resolve",
    "working_days_to_resolve",
    "cafcass_referred_on",
)


@dataclass(frozen=True)
class RegisterRow:
    alert_id: int
    child_id: int
    case_number: str
    child_name: str
    team_code: str | None
    team_name: str | None
    raised_on: date
    raised_by: str | None  # the IRO's name (their username if no longer known)
    start_stage: int | None
    stage_reached: int | None
    stage_reached_role: str | None
    status: AlertStatus
    closed_on: date | None
    calendar_days: int | None  # to resolve: resolved alerts only
    working_days: int | None
    cafcass_referred_on: date | None
    stages: tuple = ()  # the role at each stage, as the alert's diagram named them
    children: int = 1  # the children it concerns: more than one for a sibling group

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]


@dataclass(frozen=True)
class StageCount:
    stage: int
    role: str
    alerts: int


@dataclass(frozen=True)
class Register:
    start: date
    end: date
    rows: list[RegisterRow]
    raised: int
    resolved: int
    referred: int
    withdrawn: int
    cancelled: int
    still_open: int
    by_stage: list[StageCount]  # by the stage each alert reached
    mean_days_to_resolve: Decimal | None
    mean_working_days_to_resolve: Decimal | None


def default_period(today: date) -> tuple[date, date]:
    """The 12 months up to and including today."""
    return calendar.add_months(today, -12) + timedelta(days=1), today


def rows(start: date, end: date) -> list[RegisterRow]:
    """Every alert raised from `start` to `end`, oldest first."""
    check_period(start, end)
    found = db.session.execute(
        select(
            ManagementAlert,
            Child.case_number,
            Child.name,
            Team.code,
            Team.name.label("team_name"),
            User.name.label("raised_by_name"),
        )
        .join(Child, Child.id == ManagementAlert.child_id)
        .outerjoin(Team, Team.id == ManagementAlert.team_id)
        .outerjoin(User, User.username == ManagementAlert.raised_by)
        .where(ManagementAlert.raised_on.between(start, end))
        .order_by(ManagementAlert.raised_on, ManagementAlert.id)
    ).all()
    return [_row(r) for r in found]


def _row(found) -> RegisterRow:
    alert = found.ManagementAlert
    calendar_days = working_days = None
    if alert.status == AlertStatus.RESOLVED and alert.closed_on and alert.raised_on:
        calendar_days = (alert.closed_on - alert.raised_on).days
        working_days = calendar.working_days_between(alert.raised_on, alert.closed_on)
    stages = alert.stages or []
    role = stages[alert.stage - 1] if alert.stage and 0 < alert.stage <= len(stages) else None
    return RegisterRow(
        alert.id,
        alert.child_id,
        found.case_number,
        found.name,
        found.code,
        found.team_name,
        alert.raised_on,
        found.raised_by_name or alert.raised_by,
        alert.start_stage,
        alert.stage,
        role,
        alert.status,
        alert.closed_on,
        calendar_days,
        working_days,
        alert.cafcass_referred_on,
        tuple(stages),
        len(alert.children or []) or 1,
    )


def register(start: date, end: date) -> Register:
    """The register of the period and its counts."""
    found = rows(start, end)
    statuses = [row.status for row in found]
    resolved = [row for row in found if row.calendar_days is not None]
    return Register(
        start,
        end,
        found,
        raised=len(found),
        resolved=statuses.count(AlertStatus.RESOLVED),
        referred=statuses.count(AlertStatus.REFERRED),
        withdrawn=statuses.count(AlertStatus.WITHDRAWN),
        cancelled=statuses.count(AlertStatus.CANCELLED),
        still_open=statuses.count(AlertStatus.OPEN),
        by_stage=_by_stage(found),
        mean_days_to_resolve=_mean([row.calendar_days for row in resolved if row.calendar_days is not None]),
        mean_working_days_to_resolve=_mean([row.working_days for row in resolved if row.working_days is not None]),
    )


def _by_stage(found: list[RegisterRow]) -> list[StageCount]:
    """Every stage up to the highest any alert reached (0 where none stopped there), with its role."""
    roles: dict[int, str] = {}
    counts: dict[int, int] = {}
    for row in found:
        for n, role in enumerate(row.stages, 1):
            roles.setdefault(n, role)
        if row.stage_reached:
            counts[row.stage_reached] = counts.get(row.stage_reached, 0) + 1
    if not counts:
        return []
    return [StageCount(n, roles.get(n, ""), counts.get(n, 0)) for n in range(1, max(counts) + 1)]


def _mean(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def register_csv(start: date, end: date) -> str:
    """One line per alert raised in the period (RFC 4180, CRLF), ISO dates, no free text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows(start, end):
        writer.writerow(
            csv_cell(value)
            for value in (
                row.alert_id,
                row.child_id,
                row.case_number,
                row.team_code,
                row.raised_on,
                row.children,
                row.start_stage,
                row.stage_reached,
                row.stage_reached_role,
                row.status.value,
                row.closed_on,
                row.calendar_days,
                row.working_days,
                row.cafcass_referred_on,
            )
        )
    return out.getvalue()


def csv_cell(value) -> str:
    """A value as the file holds it; text a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
