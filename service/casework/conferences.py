"""A child's child protection record as the pages and the API read it: each episode that concerns
the child (alone or with siblings), its conferences, the child's own plan and the next conference due.

Read-only; what a sibling group's episode shows of the other children is left to the page, which
knows who is asking (docs/adr/0019).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, cast, func, select

from service.db import db
from service.models import Child, Conference, CpEpisode, CpPlan, InstanceChild, User


@dataclass(frozen=True)
class EpisodeRecord:
    episode: CpEpisode
    conferences: list[Conference]  # the initial conference first, then the reviews
    plan: CpPlan | None  # this child's plan in the episode, if one was made
    chair: str | None  # the chair's name
    group_size: int  # how many children the episode concerns

    @property
    def next_conference_due(self) -> date | None:
        """The next conference due while the episode is open: the initial one, or the next review."""
        if self.episode.status.value not in ("enquiry", "plan"):
            return None
        return self.episode.next_conference_due or (
            self.episode.icpc_due if self.episode.status.value == "enquiry" else None
        )


def episodes_of(child_id: int) -> list[EpisodeRecord]:
    """The child's child protection episodes, newest first."""
    episodes = db.session.scalars(
        select(CpEpisode)
        .join(InstanceChild, InstanceChild.instance_id == CpEpisode.instance_id)
        .where(InstanceChild.child_id == str(child_id))
        .order_by(CpEpisode.id.desc())
    ).all()
    if not episodes:
        return []
    ids = [e.id for e in episodes]
    conferences: dict[int, list[Conference]] = {e: [] for e in ids}
    for conference in db.session.scalars(
        select(Conference).where(Conference.episode_id.in_(ids)).order_by(Conference.number)
    ):
        conferences[conference.episode_id].append(conference)
    plans = {
        p.episode_id: p
        for p in db.session.scalars(select(CpPlan).where(CpPlan.episode_id.in_(ids), CpPlan.child_id == child_id))
    }
    sizes = dict(
        db.session.execute(
            select(CpEpisode.id, func.count(InstanceChild.child_id))
            .join(InstanceChild, InstanceChild.instance_id == CpEpisode.instance_id)
            .where(CpEpisode.id.in_(ids))
            .group_by(CpEpisode.id)
        ).all()
    )
    chairs = dict(
        db.session.execute(
            select(User.id, User.name).where(User.id.in_([e.chair_id for e in episodes if e.chair_id]))
        ).all()
    )
    return [
        EpisodeRecord(
            e, conferences[e.id], plans.get(e.id), chairs.get(e.chair_id) if e.chair_id else None, sizes.get(e.id, 1)
        )
        for e in episodes
    ]


@dataclass(frozen=True)
class Invitations:
    """What the invitation letters of one booked conference say."""

    conference: Conference
    children: list[Child]  # those the reader sees: the letters name only them
    chair: str | None
    social_worker: str | None


def invitations(conference_id: int, seen) -> Invitations | None:
    """The conference's letters, if it is booked or held and the reader sees any of its children;
    `seen` is a condition on `children` (service.people.access.child_condition)."""
    conference = db.session.get(Conference, conference_id)
    if conference is None or conference.booked_date is None:
        return None
    episode = db.session.get_one(CpEpisode, conference.episode_id)
    children = db.session.scalars(
        select(Child)
        .join(InstanceChild, InstanceChild.child_id == cast(Child.id, String))
        .where(InstanceChild.instance_id == episode.instance_id, seen)
        .order_by(Child.dob.is_(None), Child.dob, Child.id)
    ).all()
    if not children:
        return None
    lead = db.session.get_one(Child, episode.child_id)
    chair = db.session.get(User, conference.chair_id or episode.chair_id or 0)
    worker = db.session.get(User, lead.social_worker_id)
    return Invitations(conference, list(children), chair.name if chair else None, worker.name if worker else None)


def as_json(record: EpisodeRecord, username: Callable[[int | None], str | None]) -> dict:
    """One episode as `GET /api/v1/children/<id>` gives it (docs/api.md)."""
    e, plan = record.episode, record.plan
    return {
        "status": e.status.value,
        "strategy_discussion": _iso(e.strategy_on),
        "transfer_in": bool(e.transfer_in),
        "pre_birth": bool(e.pre_birth),
        "initial_conference_due": _iso(e.icpc_due),
        "outcome": e.outcome,
        "chair": username(e.chair_id),
        "siblings_in_episode": record.group_size - 1,
        "next_conference_due": _iso(record.next_conference_due),
        "plan": None
        if plan is None
        else {
            "number": plan.number,
            "category": plan.category,
            "started": _iso(plan.started_on),
            "ended": _iso(plan.ended_on),
            "end_reason": plan.end_reason,
            "became_looked_after": _iso(plan.became_looked_after_on),
        },
        "conferences": [
            {
                "kind": c.kind.value,
                "number": c.number,
                "status": c.status.value,
                "due": _iso(c.due_date),
                "booked": _iso(c.booked_date),
                "held": _iso(c.held_on),
                "on_time": c.on_time,
                "decision": c.decision,
                "category": c.category,
                "chair": username(c.chair_id),
            }
            for c in record.conferences
        ],
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
