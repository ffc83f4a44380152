"""The child protection figures managers report (docs/domain.md D and E; report sections 6 and
7.1), read from the tables the child protection and minutes diagrams fill: `cp_episodes`,
`cp_plans`, `cp_conferences` and `cp_minutes`.

A conference counts in a period by the day it was held, a plan by the day it started, a set of
minutes by the day its distribution fell due. A team is the episode's team; an IRO is the
chair of the conference, plan or minutes. Percentages are as the review figures give them
(`review_figures.percent`): None when there is nothing to count.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, distinct, func, or_, select

from service.casework import codes
from service.db import db
from service.models import (
    Conference,
    ConferenceKind,
    ConferenceMinutes,
    ConferenceStatus,
    CpEpisode,
    CpPlan,
    Team,
    User,
)
from service.people import roles
from service.workflow import working_days as calendar

from .review_figures import check_period, people_choices, percent

INITIAL_KINDS = (ConferenceKind.INITIAL, ConferenceKind.PRE_BIRTH, ConferenceKind.TRANSFER_IN)
REVIEWS_ON_TIME_TARGET = Decimal(100)  # % of review conferences held on time (docs/domain.md D; 99.7% in 2012)
LONG_PLAN_MONTHS = 24  # a plan lasting two years or more
MAX_POINTS = 60  # month ends shown of children on plans over time


@dataclass(frozen=True)
class Share:
    """How many counted, and how many of them were within the rule."""

    count: int
    within: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.within, self.count)


@dataclass(frozen=True)
class Minutes:
    """Sets of minutes whose distribution fell due: distributed by then (met), distributed late or
    not distributed with the day passed (missed), and still running. The percentage is met out of
    met and missed, as for the review record deadlines."""

    due: int
    met: int
    missed: int

    @property
    def running(self) -> int:
        return self.due - self.met - self.missed

    @property
    def percent(self) -> Decimal | None:
        return percent(self.met, self.met + self.missed)


@dataclass(frozen=True)
class OnPlans:
    day: date
    children: int


@dataclass(frozen=True)
class Figures:
    start: date
    end: date
    today: date
    team: str | None
    iro: str | None
    initial: Share  # initial, pre-birth and transfer-in conferences held, within 15 WD
    reviews: Share  # review conferences held, on time
    on_plans: tuple[OnPlans, ...]  # children on a plan at each month end (and the period's end)
    by_category: tuple[tuple[str, int], ...]  # (category's words, plans started)
    repeat_plans: Share  # plans started, of which second or later
    long_plans: Share  # plans open at the end or ended in the period, of which two years or more
    to_looked_after: int  # children whose plan saw them become looked after in the period
    minutes: Minutes

    @property
    def reviews_meet_target(self) -> bool | None:
        value = self.reviews.percent
        return None if value is None else value >= REVIEWS_ON_TIME_TARGET


def month_ends(start: date, end: date) -> list[date]:
    """Each month's last day from `start` to `end`, then `end` itself when it is not one; the last
    MAX_POINTS of them, so a long period stays a readable table."""
    days, day = [], _month_end(start)
    while day <= end:
        days.append(day)
        if day == date.max:
            break
        day = _month_end(day + timedelta(days=1))
    if end != _month_end(end):
        days.append(end)
    return days[-MAX_POINTS:]


def _month_end(day: date) -> date:
    if day.month == 12:
        return date(day.year, 12, 31)
    return date(day.year, day.month + 1, 1) - timedelta(days=1)


def report(start: date, end: date, today: date, team: str | None = None, iro: str | None = None) -> Figures:
    """The figures of the period from `start` to `end`, for one team (code) or chair (username) when
    given; minutes not distributed count as missed once their day is before `today`."""
    check_period(start, end)
    team_id = select(Team.id).where(Team.code == team).scalar_subquery() if team else None
    chair_id = select(User.id).where(User.username == iro).scalar_subquery() if iro else None

    def scope(chair_column):
        where = []
        if team_id is not None:
            where.append(CpEpisode.team_id == team_id)
        if chair_id is not None:
            where.append(chair_column == chair_id)
        return where

    return Figures(
        start,
        end,
        today,
        team,
        iro,
        _initial(start, end, scope(Conference.chair_id)),
        _reviews(start, end, scope(Conference.chair_id)),
        _on_plans(start, end, scope(CpPlan.chair_id)),
        _by_category(start, end, scope(CpPlan.chair_id)),
        _repeat_plans(start, end, scope(CpPlan.chair_id)),
        _long_plans(start, end, scope(CpPlan.chair_id)),
        _to_looked_after(start, end, scope(CpPlan.chair_id)),
        _minutes(start, end, today, scope(ConferenceMinutes.chair_id)),
    )


def _count(condition):
    return func.count(case((condition, 1)))


def _held(start: date, end: date, where: list):
    return [Conference.status == ConferenceStatus.HELD, Conference.held_on.between(start, end), *where]


def _initial(start: date, end: date, where: list) -> Share:
    """Initial conferences within 15 WD of the strategy discussion: held by the episode's ICPC due date."""
    row = db.session.execute(
        select(func.count(), _count(Conference.held_on <= CpEpisode.icpc_due))
        .select_from(Conference)
        .join(CpEpisode, CpEpisode.id == Conference.episode_id)
        .where(Conference.kind.in_(INITIAL_KINDS), *_held(start, end, where))
    ).one()
    return Share(*row)


def _reviews(start: date, end: date, where: list) -> Share:
    """Review conferences held by their due date."""
    row = db.session.execute(
        select(func.count(), _count(Conference.held_on <= Conference.due_date))
        .select_from(Conference)
        .join(CpEpisode, CpEpisode.id == Conference.episode_id)
        .where(Conference.kind == ConferenceKind.REVIEW, *_held(start, end, where))
    ).one()
    return Share(*row)


def _on_plans(start: date, end: date, where: list) -> tuple[OnPlans, ...]:
    """Children on a plan at each month end: a plan started on or before the day and not ended by
    it (a plan ending on the day no longer counts), each child once."""
    rows = db.session.execute(
        select(CpPlan.child_id, CpPlan.started_on, CpPlan.ended_on)
        .join(CpEpisode, CpEpisode.id == CpPlan.episode_id)
        .where(CpPlan.started_on <= end, or_(CpPlan.ended_on.is_(None), CpPlan.ended_on > start), *where)
    ).all()
    return tuple(
        OnPlans(
            day, len({r.child_id for r in rows if r.started_on <= day and (r.ended_on is None or r.ended_on > day)})
        )
        for day in month_ends(start, end)
    )


def _started(start: date, end: date, where: list) -> list:
    return [CpPlan.started_on.between(start, end), *where]


def _by_category(start: date, end: date, where: list) -> tuple[tuple[str, int], ...]:
    """Plans started in the period by category, in Working Together's order; categories with none left out."""
    counts = dict(
        db.session.execute(
            select(CpPlan.category, func.count())
            .join(CpEpisode, CpEpisode.id == CpPlan.episode_id)
            .where(*_started(start, end, where))
            .group_by(CpPlan.category)
        ).all()
    )
    ordered = [*codes.CP_CATEGORIES, *sorted(set(counts) - set(codes.CP_CATEGORIES))]
    return tuple((codes.CP_CATEGORIES.get(c, c), counts[c]) for c in ordered if c in counts)


def _repeat_plans(start: date, end: date, where: list) -> Share:
    """Plans started in the period, and those of them that are the child's second or later."""
    row = db.session.execute(
        select(func.count(), _count(CpPlan.number >= 2))
        .join(CpEpisode, CpEpisode.id == CpPlan.episode_id)
        .where(*_started(start, end, where))
    ).one()
    return Share(*row)


def _long_plans(start: date, end: date, where: list) -> Share:
    """Plans open at the period's end or ended in it, and those of them two years or more long
    (by the end of the period, or by the day they ended)."""
    rows = db.session.execute(
        select(CpPlan.started_on, CpPlan.ended_on)
        .join(CpEpisode, CpEpisode.id == CpPlan.episode_id)
        .where(
            CpPlan.started_on <= end,
            or_(CpPlan.ended_on.is_(None), CpPlan.ended_on > end, CpPlan.ended_on.between(start, end)),
            *where,
        )
    ).all()

    def lasted_to(plan) -> date:
        return end if plan.ended_on is None or plan.ended_on > end else plan.ended_on

    long = sum(1 for r in rows if calendar.add_months(r.started_on, LONG_PLAN_MONTHS) <= lasted_to(r))
    return Share(len(rows), long)


def _to_looked_after(start: date, end: date, where: list) -> int:
    """Children who became looked after while on a plan, on a day in the period (report 6.4)."""
    return db.session.execute(
        select(func.count(distinct(CpPlan.child_id)))
        .join(CpEpisode, CpEpisode.id == CpPlan.episode_id)
        .where(CpPlan.became_looked_after_on.between(start, end), *where)
    ).scalar_one()


def _minutes(start: date, end: date, today: date, where: list) -> Minutes:
    """Sets of minutes whose distribution fell due in the period: distributed by the day, or missed."""
    due, done = ConferenceMinutes.distribution_due, ConferenceMinutes.distributed_on
    row = db.session.execute(
        select(
            func.count(),
            _count(and_(done.is_not(None), done <= due)),
            _count(or_(done > due, and_(done.is_(None), due < today))),
        )
        .select_from(ConferenceMinutes)
        .join(Conference, Conference.id == ConferenceMinutes.conference_id)
        .join(CpEpisode, CpEpisode.id == Conference.episode_id)
        .where(due.between(start, end), *where)
    ).one()
    return Minutes(*row)


def iro_choices() -> list[tuple[str, str]]:
    """(username, name) of today's IROs and of anyone who chaired a conference or a plan."""
    return people_choices(roles.IRO, Conference.chair_id, CpPlan.chair_id)
