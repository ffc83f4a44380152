"""What a task's form may ask about its case (see the `forms` package docstring).

Built once per page view or API call and handed to `form.prepare`; everything is
read lazily, so a form that asks nothing costs nothing.
"""

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import cast
from uuid import UUID

from sqlalchemy import func, or_, select, true

from service.casework import alerts, caseloads, conference_chairs
from service.db import db
from service.diagrams import specs
from service.models import (
    AlertStatus,
    Child,
    ChildEvent,
    HumanTask,
    InstanceChild,
    ManagementAlert,
    ProcessInstance,
    RagNotification,
    Review,
    ReviewStatus,
    Team,
    User,
)
from service.people import accounts as people
from service.voices import child_views
from service.workflow import clock
from service.workflow import working_days as calendar
from service.workflow.unit_of_work import engine


@dataclass(frozen=True)
class IroOption:
    """An IRO the allocation meeting may choose, with why they are suggested."""

    username: str
    name: str
    caseload: int  # child protection plans they chair plus looked-after children (short breaks included)
    fte: float
    preferred: str | None  # "child protection IRO" or "siblings' IRO"

    @property
    def per_fte(self) -> float:
        return self.caseload / self.fte if self.fte else float(self.caseload)


class TaskContext:
    def __init__(self, task: HumanTask):
        self.task = task

    @cached_property
    def today(self) -> date:
        return calendar.london_date(clock.now())

    @cached_property
    def child(self) -> Child | None:
        child_id = self.task.child_id
        return db.session.get(Child, int(child_id)) if child_id and child_id.isdigit() else None

    @property
    def _child_id(self) -> int:
        """The task's child's id, for the questions only a task about a child asks."""
        return int(cast(str, self.task.child_id))

    @cached_property
    def data(self) -> dict:
        """The task's data in the diagram, read from the instance's stored state."""
        row = db.session.execute(
            select(ProcessInstance.process_id, ProcessInstance.version_ids, ProcessInstance.state).where(
                ProcessInstance.id == self.task.instance_id
            )
        ).one()
        workflow = engine().load(specs.bundle(row.process_id, row.version_ids), row.state)
        return dict(workflow.get_task_from_id(UUID(self.task.spiff_task_id)).data)

    def iro_options(self) -> list[IroOption]:
        """Active IROs, the preferred first (docs/domain.md A1: the child's CP IRO, then a sibling's
        IRO), then by caseload per FTE (`caseloads`), lightest first."""
        child = self.child
        preferred = {}
        if child is not None:
            siblings = [s for s in (child.siblings or []) if isinstance(s, int)]
            for iro_id in db.session.scalars(
                select(Child.iro_id).where(Child.id.in_(siblings), Child.iro_id.is_not(None))
            ):
                preferred[iro_id] = "siblings' IRO"
            if child.cp_plan and child.cp_iro_id:
                preferred[child.cp_iro_id] = "child protection IRO"
        options = [
            IroOption(c.username, c.name, c.total, c.fte or 1.0, preferred.get(c.user_id))
            for c in caseloads.caseloads(active_iros_only=True)
        ]
        return sorted(options, key=lambda o: (o.preferred is None, o.per_fte, o.name))

    def cp_chair_options(self) -> list["conference_chairs.ChairOption"]:
        """IROs to chair the conference about this process's children, in the suggestion's order."""
        children = db.session.scalars(
            select(InstanceChild.child_id).where(InstanceChild.instance_id == self.task.instance_id)
        ).all()
        return conference_chairs.suggested_chairs([int(c) for c in children if c.isdigit()])

    def minute_taker_options(self) -> list["conference_chairs.MinuteTakerOption"]:
        """Minute takers with the sets of minutes each has outstanding, the least loaded first."""
        return conference_chairs.minute_takers()

    def endorsing_review(self, since: date) -> Review | None:
        """The first review held on or after `since` that endorsed the proposed care-plan changes."""
        return db.session.scalar(
            select(Review)
            .where(
                Review.child_id == self._child_id,
                Review.status == ReviewStatus.HELD,
                Review.held_on >= since,
                Review.endorses_care_plan_changes.is_(True),
            )
            .order_by(Review.held_on)
            .limit(1)
        )

    def pending_care_plan_changes(self) -> list[dict]:
        """Care-plan changes in a protocol 3.6.3 circumstance reported since the last review that
        endorsed changes: the review being recorded is asked to endorse them."""
        child_id = self._child_id
        last = db.session.scalar(
            select(func.max(Review.held_on)).where(
                Review.child_id == child_id,
                Review.status == ReviewStatus.HELD,
                Review.endorses_care_plan_changes.is_(True),
            )
        )
        events = db.session.scalars(
            select(ChildEvent)
            .where(
                ChildEvent.child_id == child_id,
                ChildEvent.type == "significant_change",
                *([ChildEvent.date > last] if last else []),
            )
            .order_by(ChildEvent.date, ChildEvent.id)
        ).all()
        return [{"date": e.date, **e.fields["care_plan_change"]} for e in events if e.fields.get("care_plan_change")]

    def alerts_since_last_review(self) -> list[str]:
        """Management alerts raised since the child's last review, in words (protocol 3.5.1)."""
        return alerts.raised_since_last_review(self._child_id) if self.child is not None else []

    def alert_header(self) -> "alerts.Header | None":
        """The header of case study 4's form for this child, as it would be sent today."""
        if self.child is None:
            return None
        group = db.session.scalars(
            select(InstanceChild.child_id).where(InstanceChild.instance_id == self.task.instance_id)
        ).all()
        return alerts.header(self.child, self.today, self.data, group)

    @cached_property
    def review_id(self) -> int | None:
        """The review this task's process records (a review cycle's tasks), if any."""
        return db.session.scalar(select(Review.id).where(Review.instance_id == self.task.instance_id))

    def child_views(self) -> list["child_views.Sent"]:
        """The views the child sent from their own page before this review, newest first. Only the
        one who records the review (the child's IRO) is shown its form, so every send is shown."""
        return child_views.of_review(self.review_id, true()) if self.review_id is not None else []

    def holders(self, role: str) -> list[tuple[str, str]]:
        return people.holders(role)

    def previous_rag(self, before: date | None) -> RagNotification | None:
        """The child's latest RAG notification given at a review before `before` (any review when
        None), other than this process's own."""
        if self.child is None:
            return None
        return db.session.scalar(
            select(RagNotification)
            .where(
                RagNotification.child_id == self.child.id,
                RagNotification.status.is_not(None),
                or_(RagNotification.instance_id.is_(None), RagNotification.instance_id != self.task.instance_id),
                *([RagNotification.review_date < before] if before else []),
            )
            .order_by(RagNotification.review_date.desc(), RagNotification.id.desc())
            .limit(1)
        )

    def open_alert_id(self) -> int | None:
        """The child's open IRO management alert (the latest raised, should there be two), if any."""
        if self.child is None:
            return None
        return db.session.scalar(
            select(ManagementAlert.id)
            .where(ManagementAlert.child_id == self.child.id, ManagementAlert.status == AlertStatus.OPEN)
            .order_by(ManagementAlert.raised_on.desc(), ManagementAlert.id.desc())
            .limit(1)
        )

    def worker_qualified(self) -> bool | None:
        """Whether the child's allocated social worker is a qualified social worker (None: not known)."""
        child = cast(Child, self.child)
        worker = db.session.get(User, child.social_worker_id) if child.social_worker_id else None
        return worker.qualified_social_worker if worker is not None else None

    def review_people(self) -> dict:
        """Names of the allocated worker, the team's manager, the team and the IRO (the one who
        chaired this process's review, else the child's IRO), as the RAG notification's header shows."""
        child = cast(Child, self.child)  # a RAG notification's task is about a child
        review = db.session.scalar(select(Review).where(Review.instance_id == self.task.instance_id))
        iro_id = (review.iro_id if review is not None else None) or child.iro_id
        team_id = (review.team_id if review is not None else None) or child.team_id
        worker = db.session.get(User, child.social_worker_id) if child.social_worker_id else None
        iro = db.session.get(User, iro_id) if iro_id else None
        team = db.session.get(Team, team_id)
        return {
            "worker": worker.name if worker else None,
            "team_manager": alerts.team_manager_name(team_id),
            "team": team.name if team else None,
            "iro": iro.name if iro else None,
        }
