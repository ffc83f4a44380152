"""Drive a scenario through the service layer, as a person and the scheduler would."""

from datetime import timedelta

from sqlalchemy import select

from service.db import db
from service.models import AuditEvent, HumanTask, OutboxMessage, ProcessInstance, TaskStatus, Timer
from service.people import accounts as people
from service.workflow import clock, instances, timers

# who the test diagrams' lanes go to; their addresses come from their accounts (create_people)
PEOPLE = {"IRO": {"username": "iro1"}, "Review and QA Manager": {"username": "rqam"}}


def create_people():
    """Accounts for PEOPLE, for tests whose notices must reach an SMTP server."""
    for person in PEOPLE.values():
        people.create_user(person["username"], person["username"], f"{person['username']}@council.example")


class Harness:
    """`restart=True` drops every in-memory cache between steps, so each step starts
    from what the database holds, as after a restart."""

    def __init__(self, app, restart: bool):
        self.app, self.restart = app, restart

    def step(self):
        if self.restart:
            self.app.extensions.pop("iro_engine", None)
            self.app.extensions.pop("iro_spec_bundles", None)
            db.session.remove()

    def start(self, process_id, data=None, child_id="C1", group=()):
        started = instances.start_instance(
            process_id, {"people": PEOPLE, **(data or {})}, actor="iro1", child_id=child_id, group=group
        )
        self.step()
        return started

    def complete(self, task_id, data=None, actor="iro1"):
        version = instances.complete_task(task_id, data or {}, actor=actor)
        self.step()
        return version

    def advance(self, **delta):
        fired = timers.move_clock(clock.now() + timedelta(**delta), actor="test")
        self.step()
        return fired

    def move_to(self, instant):
        fired = timers.move_clock(instant, actor="test")
        self.step()
        return fired

    # --- what a user would see ---------------------------------------------
    def open_tasks(self, child_id="C1"):
        return db.session.scalars(
            select(HumanTask)
            .where(HumanTask.child_id == child_id, HumanTask.status == TaskStatus.OPEN)
            .order_by(HumanTask.id)
        ).all()

    def tasks(self, instance_id):
        return db.session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance_id).order_by(HumanTask.id)
        ).all()

    def timers(self, instance_id):
        return db.session.scalars(select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.due_at)).all()

    def outbox(self):
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()

    def audit(self, action):
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()

    def instance(self, instance_id):
        return db.session.get(ProcessInstance, instance_id)
