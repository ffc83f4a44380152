"""Drive a looked-after child's life through the shipped diagrams, on the application clock.

Answers go through each task's own form (as the API sends them), so a test meets the
same checks a person does. Days are London days; `on(day)` moves the clock to 09:00 of
that day and fires whatever fell due, as the scheduler would.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from service import load_shipped_specs
from service.casework import children as cases
from service.db import db
from service.models import HumanTask, LookedAfterEpisode, OutboxMessage, ProcessInstance, Review, TaskStatus
from service.tasks import task_page as tasks
from service.workflow import clock, instances, outbox

from . import council
from .harness import Harness

LONDON = ZoneInfo("Europe/London")

# A scenario's `restart` parameter: straight through, and with every cache dropped between steps,
# as after a restart; the second is marked slow, so the fast tier runs each scenario once.
STRAIGHT_AND_RESTARTED = [
    pytest.param(False, id="straight"),
    pytest.param(True, id="restarted", marks=pytest.mark.slow),
]


def at_nine(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(9), tzinfo=LONDON)


class Life(Harness):
    """One council whose clock starts at `start` (a day before anything happens)."""

    def __init__(self, app, restart: bool, start: str):
        super().__init__(app, restart)
        load_shipped_specs(app)
        clock.start_at(at_nine(start), "test")
        db.session.commit()
        council.staff()

    def on(self, day: str, hour: int = 9):
        return self.move_to(datetime.combine(date.fromisoformat(day), time(hour), tzinfo=LONDON))

    def child(
        self, name="Alex North", case_number="4120389A", dob="2012-03-04", team="NE", worker="sw.north", siblings=None
    ) -> int:
        body = {
            "case_number": case_number,
            "name": name,
            "dob": dob,
            "gender": "F",
            "team": team,
            "social_worker": worker,
            **({"siblings": siblings} if siblings else {}),
        }
        child_id = cases.create_child(body, actor="test").id
        self.step()
        return child_id

    def event(self, child_id, event_type, day, **fields):
        recorded = cases.record_event(child_id, {"type": event_type, "date": day, **fields}, actor="test")
        self.step()
        return recorded

    def looked_after(self, child_id, day, legal_status="C2"):
        return self.event(
            child_id,
            "became_looked_after",
            day,
            legal_status=legal_status,
            placement_type="foster",
            placement_regulated=True,
        )

    def allocated(self, day="2024-01-08", iro="iro1", **child) -> int:
        """A child looked after from `day` (a Monday) whose IRO is allocated that morning."""
        child_id = self.child(**child)
        self.on(day)
        self.looked_after(child_id, day)
        self.do(child_id, "allocate", iro=iro)
        return child_id

    def task(self, child_id, spec_name) -> HumanTask:
        """The one open task of this kind for the child."""
        [task] = [t for t in self.open_tasks(str(child_id)) if t.spec_name == spec_name]
        return task

    def open_specs(self, child_id) -> list[str]:
        return sorted(t.spec_name for t in self.open_tasks(str(child_id)))

    def do(self, child_id, spec_name, actor=None, **answers):
        """Complete the child's open task with answers checked by its form."""
        task = self.task(child_id, spec_name)
        assert actor or task.assignee, f"{spec_name} went to nobody: no one holds {task.candidate_role!r} here"
        checked = tasks.checked_answers(task, answers)
        version = instances.complete_task(task.id, checked, actor=actor or task.assignee)
        self.step()
        return version

    def refused(self, child_id, spec_name, **answers) -> dict:
        """The field errors the task's form gives these answers (nothing is completed)."""
        from service.errors import InvalidData

        try:
            tasks.checked_answers(self.task(child_id, spec_name), answers)
        except InvalidData as refused:
            return refused.errors
        raise AssertionError(f"{spec_name} accepted {answers}")

    def episode(self, child_id) -> LookedAfterEpisode:
        return db.session.scalars(
            select(LookedAfterEpisode)
            .where(LookedAfterEpisode.child_id == child_id)
            .order_by(LookedAfterEpisode.id.desc())
        ).first()

    def reviews(self, child_id) -> list[Review]:
        return db.session.scalars(select(Review).where(Review.child_id == child_id).order_by(Review.id)).all()

    def notices(self, since_id=0) -> list[tuple]:
        """(recipient username, subject) of the notifications queued after row `since_id` (not the
        calendar invitations: tests/casework/test_invitations.py)."""
        return [
            (m.recipient_username, m.subject)
            for m in db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.id > since_id, OutboxMessage.kind != outbox.CALENDAR)
                .order_by(OutboxMessage.id)
            )
        ]

    def last_notice_id(self) -> int:
        return db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0

    def instances_of(self, child_id) -> list[int]:
        return db.session.scalars(select(ProcessInstance.id).where(ProcessInstance.child_id == str(child_id))).all()

    def task_status(self, task_id) -> TaskStatus:
        return db.session.get(HumanTask, task_id).status


def day_after(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
