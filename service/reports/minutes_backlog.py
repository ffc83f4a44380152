"""The minutes backlog (docs/domain.md D; report 7.1, where it was counted by hand): the sets of
conference minutes not yet distributed, by age band and by minute taker, oldest first, and the
number outstanding at each of the last 12 month ends.

Read from `cp_minutes`, the table the minutes diagram fills. A set's age is the working days from
the day its conference was held to today (England and Wales bank holidays excluded); the bands
start with the timescale itself (distribution within 20 working days). The step a set is at is
its open task. The page shows case numbers only: no names.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from service.db import db
from service.models import (
    Child,
    Conference,
    ConferenceMinutes,
    CpEpisode,
    HumanTask,
    MinutesStatus,
    TaskStatus,
    User,
)
from service.workflow import working_days as calendar

# (words shown, most working days since the conference or None for no limit)
BANDS = (
    ("Within timescale (20 working days or fewer)", 20),
    ("21 to 40 working days", 40),
    ("41 to 60 working days", 60),
    ("Over 60 working days", None),
)
KIND_WORDS = {"initial": "Initial", "pre_birth": "Pre-birth", "transfer_in": "Transfer-in", "review": "Review"}
NO_MINUTE_TAKER = "No minute taker recorded"
MONTHS = 12


@dataclass(frozen=True)
class Outstanding:
    held_on: date
    case_number: str
    kind: str
    minute_taker: str
    step: str
    working_days: int
    band: str


@dataclass(frozen=True)
class Backlog:
    today: date
    sets: list[Outstanding]  # oldest first
    by_band: list[tuple[str, int]]  # every band, in order, with its count
    by_minute_taker: list[tuple[str, dict[str, int], int]]  # (name, {band: count}, total), most first
    trend: list[tuple[date, int]]  # (month end, outstanding then), oldest first

    @property
    def band_names(self) -> list[str]:
        return [name for name, _ in BANDS]


def band_of(working_days: int) -> str:
    return next(name for name, most in BANDS if most is None or working_days <= most)


def backlog(today: date) -> Backlog:
    sets = _outstanding(today)
    by_band = [(name, sum(1 for s in sets if s.band == name)) for name, _ in BANDS]
    takers: dict[str, dict[str, int]] = {}
    for s in sets:
        counts = takers.setdefault(s.minute_taker, {name: 0 for name, _ in BANDS})
        counts[s.band] += 1
    by_taker = sorted(
        ((name, counts, sum(counts.values())) for name, counts in takers.items()), key=lambda row: (-row[2], row[0])
    )
    return Backlog(today, sets, by_band, by_taker, trend(today))


def _outstanding(today: date) -> list[Outstanding]:
    taker = aliased(User)
    step = (
        select(func.min(HumanTask.title))
        .where(HumanTask.instance_id == ConferenceMinutes.instance_id, HumanTask.status == TaskStatus.OPEN)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(ConferenceMinutes.held_on, Child.case_number, Conference.kind, taker.name, step)
        .join(Conference, Conference.id == ConferenceMinutes.conference_id)
        .join(CpEpisode, CpEpisode.id == Conference.episode_id)
        .join(Child, Child.id == CpEpisode.child_id)
        .outerjoin(taker, taker.id == ConferenceMinutes.minute_taker_id)
        .where(ConferenceMinutes.status == MinutesStatus.OUTSTANDING, ConferenceMinutes.held_on <= today)
        .order_by(ConferenceMinutes.held_on, ConferenceMinutes.id)
    ).all()
    sets = []
    for held_on, case_number, kind, minute_taker, open_step in rows:
        days = calendar.working_days_between(held_on, today)
        sets.append(
            Outstanding(
                held_on,
                case_number,
                KIND_WORDS.get(getattr(kind, "value", kind), str(kind)),
                minute_taker or NO_MINUTE_TAKER,
                open_step or "",
                days,
                band_of(days),
            )
        )
    return sets


def month_ends(today: date, count: int = MONTHS) -> list[date]:
    """The last `count` month ends before today, oldest first."""
    ends, end = [], today.replace(day=1) - timedelta(days=1)
    for _ in range(count):
        ends.append(end)
        end = end.replace(day=1) - timedelta(days=1)
    return ends[::-1]


def outstanding_on(day: date) -> int:
    """Sets whose conference was held by `day` and not distributed by then."""
    return (
        db.session.scalar(
            select(func.count(ConferenceMinutes.id)).where(
                ConferenceMinutes.held_on <= day,
                or_(ConferenceMinutes.distributed_on.is_(None), ConferenceMinutes.distributed_on > day),
            )
        )
        or 0
    )


def trend(today: date) -> list[tuple[date, int]]:
    return [(end, outstanding_on(end)) for end in month_ends(today)]
