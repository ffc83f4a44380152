"""Working-day and calendar-month rules of docs/domain.md, in one place.

Statutory deadlines ("within 5 WD", "within 3 months") are computed by the engine,
the BPMN timer expressions, the scheduler and the reports; keeping the rules here means
they all agree. Pure domain code: no Flask, no SQLAlchemy.

WD = Monday to Friday, excluding England and Wales bank holidays. "Within N WD of D"
ends with the Nth working day after D (D is day 0). A deadline ends at the end of its
day, Europe/London time; instants are timezone-aware and returned in UTC.
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from operator import index
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "london_date",
    "is_working_day",
    "next_working_day",
    "why_not_working_day",
    "add_working_days",
    "working_days_between",
    "add_months",
    "add_weeks",
    "end_of_day",
    "deadline_after_working_days",
    "deadline_after_months",
]

LONDON = ZoneInfo("Europe/London")


@cache
def _bank_holidays(year: int) -> MappingProxyType[date, str]:
    """England and Wales bank holidays of one year with their names, cached: counting calls this per day."""
    return MappingProxyType(dict(holidays.country_holidays("GB", subdiv="ENG", years=year)))


def _coerce(value):
    """Parse ISO strings (BPMN expressions pass them) and refuse naive datetimes."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError("naive datetime: give a timezone-aware value")
        return value
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, an aware datetime or an ISO string, got {type(value).__name__}")


def london_date(value) -> date:
    """The London calendar day of a value: deadlines are counted in London days."""
    value = _coerce(value)
    return value.astimezone(LONDON).date() if isinstance(value, datetime) else value


def _on_day(value, day: date):
    """`value` moved to `day`, keeping its London wall-clock time and its tzinfo."""
    if not isinstance(value, datetime):
        return day
    local = value.astimezone(LONDON)
    moved = datetime.combine(day, local.time(), tzinfo=LONDON).replace(fold=local.fold)
    return moved.astimezone(value.tzinfo)


def is_working_day(d) -> bool:
    day = london_date(_coerce(d))
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def next_working_day(d) -> date:
    """The first working day after the London day of `d` (what a booking on a weekend or a bank
    holiday is offered instead)."""
    day = london_date(_coerce(d)) + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def why_not_working_day(d) -> str | None:
    """ "a Saturday", "a Sunday" or "a bank holiday (Summer bank holiday)", else None: the words a
    warning about a day that is no working day uses."""
    day = london_date(_coerce(d))
    if day.weekday() >= 5:
        return f"a {day:%A}"
    name = _bank_holidays(day.year).get(day)
    return f"a bank holiday ({name})" if name else None


MAX_WORKING_DAYS = 2_600  # ten years: far beyond any timescale, and counted day by day in well under a second


def add_working_days(start, n: int):
    """The Nth working day after start (n < 0 counts backwards); start need not be a WD.
    At most MAX_WORKING_DAYS either way: diagram code calls this, and one call cannot be
    interrupted by the sandbox's time budget."""
    value, remaining = _coerce(start), index(n)
    if abs(remaining) > MAX_WORKING_DAYS:
        raise ValueError(
            f"add_working_days counts at most {MAX_WORKING_DAYS:,} working days either way, not {remaining:,}"
        )
    day, step = london_date(value), (1 if remaining > 0 else -1)
    if remaining == 0:
        return value
    remaining = abs(remaining)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return _on_day(value, day)


def working_days_between(start, end) -> int:
    """Working days d with start < d <= end; negative when end is before start."""
    a, b = london_date(_coerce(start)), london_date(_coerce(end))
    if b < a:
        return -working_days_between(b, a)
    weeks, rest = divmod((b - a).days, 7)
    count = weeks * 5 + sum(1 for i in range(1, rest + 1) if (a.weekday() + i) % 7 < 5)
    for year in range(a.year, b.year + 1):
        count -= sum(1 for h in _bank_holidays(year) if a < h <= b and h.weekday() < 5)
    return count


def add_months(start, n: int):
    """Same day n calendar months on, clamped to the month's last day (30 Nov + 3 = 28/29 Feb)."""
    value = _coerce(start)
    day = london_date(value)
    year, month0 = divmod(day.year * 12 + day.month - 1 + index(n), 12)
    next_month = date(year + (month0 + 1) // 12, (month0 + 1) % 12 + 1, 1)
    last = (next_month - timedelta(days=1)).day
    return _on_day(value, date(year, month0 + 1, min(day.day, last)))


def add_weeks(start, n: int):
    value = _coerce(start)
    return _on_day(value, london_date(value) + timedelta(weeks=index(n)))


def end_of_day(d) -> datetime:
    """The instant a deadline on day d ends: 23:59:59.999999 London time, in UTC."""
    day = london_date(_coerce(d))
    return datetime.combine(day, time.max, tzinfo=LONDON).astimezone(UTC)


def deadline_after_working_days(start, n: int) -> datetime:
    """When a "within n WD" deadline expires (what a BPMN timer fires at)."""
    return end_of_day(add_working_days(start, n))


def deadline_after_months(start, n: int) -> datetime:
    """When a "within n months" deadline expires (what a BPMN timer fires at)."""
    return end_of_day(add_months(start, n))
