"""IRO caseloads per FTE (docs/domain.md E): the child protection plans an IRO chairs beside the
looked-after children they review, counted the same way wherever a caseload is shown (the
allocation form's suggestion, the caseloads report).

A plan counts while it is open (a `cp_plans` row with no end) for its chair, once per child; a
looked-after child (short breaks included) counts for their IRO.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, distinct, func, or_, select

from service.db import db
from service.models import Child, CpPlan, User, UserRole
from service.people import roles

RECOMMENDED = (50, 70)  # children per FTE (report 5.3.2)


@dataclass(frozen=True)
class Caseload:
    user_id: int
    username: str
    name: str
    fte: float | None  # None: not recorded
    cp: int  # child protection plans chaired, one per child
    lac: int  # looked-after children reviewed, short breaks included

    @property
    def total(self) -> int:
        return self.cp + self.lac

    @property
    def per_fte(self) -> Decimal | None:
        """Children per full-time equivalent, to one decimal place; None without an FTE."""
        if not self.fte:
            return None
        return (Decimal(self.total) / Decimal(str(self.fte))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def outside_recommended(self) -> str | None:
        """ "below" or "above" the recommended 50-70 per FTE, or None (within, or no FTE)."""
        low, high = RECOMMENDED
        per_fte = self.per_fte
        if per_fte is None or low <= per_fte <= high:
            return None
        return "below" if per_fte < low else "above"


def caseloads(active_iros_only: bool = False) -> list[Caseload]:
    """Each IRO's caseload, by name: today's active IROs, and (unless `active_iros_only`) anyone else
    still chairing a plan or reviewing a looked-after child, so no child drops out of the count."""
    protection = (
        select(func.count(distinct(CpPlan.child_id)))
        .where(CpPlan.chair_id == User.id, CpPlan.ended_on.is_(None))
        .scalar_subquery()
    )
    looked_after = (
        select(func.count(Child.id)).where(Child.looked_after.is_(True), Child.iro_id == User.id).scalar_subquery()
    )
    who = and_(User.id.in_(select(UserRole.user_id).where(UserRole.role == roles.IRO)), User.active.is_(True))
    if not active_iros_only:
        who = or_(
            who,
            User.id.in_(select(CpPlan.chair_id).where(CpPlan.ended_on.is_(None))),
            User.id.in_(select(Child.iro_id).where(Child.looked_after.is_(True))),
        )
    rows = db.session.execute(
        select(User.id, User.username, User.name, User.fte, protection, looked_after)
        .where(who)
        .order_by(User.name, User.username)
    )
    return [Caseload(*row) for row in rows]
