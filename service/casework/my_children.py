""" "My children": an IRO's or a social worker's own caseload (`access.caseload_condition`), each
child with what comes next and how the case stands.

The next review due is the open review's booked date, else its due date; the next conference
due likewise for the open conference of an open child protection episode, else the episode's
next conference due. The last RAG grade is that of the latest RAG notification recorded for the
child; the open management alerts are those concerning the child, alone or in a sibling group.

Six queries whatever the caseload: the children, then each fact for all of them at once.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, cast, func, select

from service.db import db
from service.models import (
    AlertStatus,
    Child,
    Conference,
    ConferenceStatus,
    CpEpisode,
    CpEpisodeStatus,
    InstanceChild,
    ManagementAlert,
    RagNotification,
    RagStatus,
    Review,
    ReviewStatus,
    Team,
)
from service.people import access
from service.people.accounts import Identity

from . import conferences

RAG_ORDER = {RagStatus.RED: 0, RagStatus.AMBER: 1, RagStatus.GREEN: 2}  # red first; none graded last
OPEN_REVIEW = (ReviewStatus.DUE, ReviewStatus.BOOKED, ReviewStatus.ADJOURNED)
OPEN_CONFERENCE = (ConferenceStatus.DUE, ConferenceStatus.BOOKED)
OPEN_EPISODE = (CpEpisodeStatus.ENQUIRY, CpEpisodeStatus.PLAN)


@dataclass(frozen=True)
class MyChild:
    id: int
    name: str
    case_number: str
    team: str
    looked_after: bool
    child_protection: bool  # on a plan, or an enquiry or plan with a conference to come
    review_due: date | None
    conference_due: date | None
    rag: RagStatus | None
    open_alerts: int

    @property
    def next_due(self) -> date | None:
        return min((d for d in (self.review_due, self.conference_due) if d), default=None)


@dataclass(frozen=True)
class Filters:
    kind: str | None = None  # "looked_after" or "cp"; None for all
    rag: RagStatus | None = None
    sort: str = "name"  # "name", "due" (soonest first) or "rag" (red first)


def my_children(who: Identity, filters: Filters = Filters()) -> list[MyChild]:
    """This person's own children, filtered and sorted as asked."""
    mine = select(Child.id).where(access.caseload_condition(who))
    as_text = select(cast(Child.id, String)).where(access.caseload_condition(who))
    children = db.session.execute(
        select(Child.id, Child.name, Child.case_number, Team.name, Child.looked_after, Child.cp_plan)
        .join(Team, Team.id == Child.team_id)
        .where(Child.id.in_(mine))
    ).all()
    reviews = dict(
        db.session.execute(
            select(Review.child_id, func.min(func.coalesce(Review.booked_date, Review.due_date)))
            .where(Review.status.in_(OPEN_REVIEW), Review.child_id.in_(mine))
            .group_by(Review.child_id)
        ).all()
    )
    conference_due = _next_conferences(as_text)
    rags = _last_rag_grades(mine)
    alerts = {
        int(child_id): count
        for child_id, count in db.session.execute(
            select(InstanceChild.child_id, func.count(ManagementAlert.id))
            .join(ManagementAlert, ManagementAlert.instance_id == InstanceChild.instance_id)
            .where(InstanceChild.child_id.in_(as_text), ManagementAlert.status == AlertStatus.OPEN)
            .group_by(InstanceChild.child_id)
        )
    }
    rows = [
        MyChild(
            id,
            name,
            case_number,
            team,
            looked_after,
            cp_plan or id in conference_due,
            reviews.get(id),
            conference_due.get(id),
            rags.get(id),
            alerts.get(id, 0),
        )
        for id, name, case_number, team, looked_after, cp_plan in children
    ]
    return sorted((row for row in rows if _wanted(row, filters)), key=_SORT_KEYS[filters.sort])


def _next_conferences(children) -> dict[int, date]:
    """Each child's next conference due, of their open child protection episodes: the open
    conference's booked date, else its due date, else the episode's next conference due
    (`EpisodeRecord.next_conference_due`, before the conference is set up)."""
    concerning = (
        select(InstanceChild.child_id, CpEpisode)
        .join(CpEpisode, CpEpisode.instance_id == InstanceChild.instance_id)
        .where(InstanceChild.child_id.in_(children), CpEpisode.status.in_(OPEN_EPISODE))
    )
    episodes = db.session.execute(concerning).all()
    booked = dict(
        db.session.execute(
            select(Conference.episode_id, func.min(func.coalesce(Conference.booked_date, Conference.due_date)))
            .where(
                Conference.episode_id.in_([episode.id for _, episode in episodes]),
                Conference.status.in_(OPEN_CONFERENCE),
            )
            .group_by(Conference.episode_id)
        ).all()
    )
    due: dict[int, date] = {}
    for child_id, episode in episodes:
        day = booked.get(episode.id) or conferences.EpisodeRecord(episode, [], None, None, 0).next_conference_due
        if day is not None:
            due[int(child_id)] = min(day, due.get(int(child_id), day))
    return due


def _last_rag_grades(children) -> dict[int, RagStatus]:
    """Each child's latest graded RAG notification: the latest review date, then the latest recorded."""
    latest = (
        select(
            RagNotification.child_id,
            RagNotification.status,
            func.row_number()
            .over(
                partition_by=RagNotification.child_id,
                order_by=(RagNotification.review_date.desc().nulls_last(), RagNotification.id.desc()),
            )
            .label("n"),
        )
        .where(RagNotification.child_id.in_(children), RagNotification.status.is_not(None))
        .subquery()
    )
    return dict(db.session.execute(select(latest.c.child_id, latest.c.status).where(latest.c.n == 1)).all())


def _wanted(row: MyChild, filters: Filters) -> bool:
    if filters.kind == "looked_after" and not row.looked_after:
        return False
    if filters.kind == "cp" and not row.child_protection:
        return False
    return filters.rag is None or row.rag == filters.rag


_SORT_KEYS = {
    "name": lambda row: (row.name, row.id),
    "due": lambda row: (row.next_due is None, row.next_due or date.min, row.name, row.id),
    "rag": lambda row: (RAG_ORDER.get(row.rag, len(RAG_ORDER)), row.name, row.id),
}
