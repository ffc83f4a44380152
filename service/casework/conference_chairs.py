"""Who is suggested to chair a child protection conference, and who may take its minutes
(docs/domain.md D2).

The chair suggestion's order: (1) the IRO who reviews the child (any child of the group) as
looked after; (2) the IRO who reviews or chairs for a sibling (one family, one chair); (3) the
rest by caseload per FTE, lightest first, counting the child protection plans they chair and the
looked-after children they review. Minute takers are shown with the sets of minutes they still
have outstanding.
"""

from dataclasses import dataclass

from sqlalchemy import and_, func, select

from service.casework import caseloads
from service.db import db
from service.models import Child, ConferenceMinutes, MinutesStatus, User, UserRole
from service.people import roles

LOOKED_AFTER_IRO = "reviews the child as looked after"
SIBLINGS_IRO = "reviews or chairs for a sibling"
_RANK = {LOOKED_AFTER_IRO: 0, SIBLINGS_IRO: 1}


@dataclass(frozen=True)
class ChairOption:
    """An IRO the Review and QA Manager may choose as chair, with why they are suggested."""

    username: str
    name: str
    caseload: int  # child protection plans chaired plus looked-after children reviewed
    fte: float
    why: str | None  # LOOKED_AFTER_IRO, SIBLINGS_IRO, or None (by caseload)

    @property
    def per_fte(self) -> float:
        return self.caseload / self.fte if self.fte else float(self.caseload)


@dataclass(frozen=True)
class MinuteTakerOption:
    username: str
    name: str
    outstanding: int  # sets of minutes not yet distributed


def suggested_chairs(child_ids: list[int]) -> list[ChairOption]:
    """Active IROs in the order of the suggestion, for a conference about `child_ids`."""
    group = db.session.execute(select(Child.iro_id, Child.siblings).where(Child.id.in_(child_ids))).all()
    why = {row.iro_id: LOOKED_AFTER_IRO for row in group if row.iro_id}
    siblings = {s for row in group for s in (row.siblings or []) if isinstance(s, int)} - set(child_ids)
    for row in db.session.execute(select(Child.iro_id, Child.cp_iro_id).where(Child.id.in_(siblings))):
        for iro_id in (row.iro_id, row.cp_iro_id):
            if iro_id:
                why.setdefault(iro_id, SIBLINGS_IRO)
    options = [
        ChairOption(c.username, c.name, c.total, c.fte or 1.0, why.get(c.user_id))
        for c in caseloads.caseloads(active_iros_only=True)
    ]
    return sorted(options, key=lambda o: (_RANK.get(o.why or "", 2), o.per_fte, o.name))


def minute_takers() -> list[MinuteTakerOption]:
    """Active minute takers, the least loaded first."""
    outstanding = select(func.count(ConferenceMinutes.id)).where(
        ConferenceMinutes.status == MinutesStatus.OUTSTANDING, ConferenceMinutes.minute_taker_id == User.id
    )
    rows = db.session.execute(
        select(User.username, User.name, outstanding.scalar_subquery().label("outstanding"))
        .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == roles.MINUTE_TAKER))
        .where(User.active.is_(True))
        .distinct()
    ).all()
    options = [MinuteTakerOption(r.username, r.name, r.outstanding) for r in rows]
    return sorted(options, key=lambda o: (o.outstanding, o.name))
