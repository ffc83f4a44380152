"""Drive a child protection episode through the shipped diagram: the steps of Life, with answers
a person would give (each through its task's own form) and what the case then holds."""

from sqlalchemy import select

from service.db import db
from service.models import Child, Conference, CpEpisode, CpPlan, OutboxMessage, ProcessInstance, TimerStatus

from .lifecycle import Life

INVITEES = [
    {"name": "Pat North", "who": "parent_carer"},
    {"name": "Dr Lee", "who": "agency", "agency": "GP"},
]
ATTENDANCE = [
    {"name": "Pat North", "role": "Parent", "attended": True},
    {"name": "Dr Lee", "role": "GP", "attended": False},
]
ACTIONS = [{"text": "Health visitor weekly", "owner": "Health visiting"}]


class Protection(Life):
    def strategy(self, child_id, day, s47=True, **fields):
        return self.event(child_id, "cp_strategy_discussion", day, s47=s47, **fields)

    def enquiry_to_conference(self, child_id, chair="iro2"):
        """The enquiry leads to a conference; the chair and the minute taker are allocated."""
        self.do(child_id, "enquiry_outcome", convene="yes")
        self.do(child_id, "allocate_chair", iro=chair, minute_taker="minutes")

    def book(self, child_id, spec, day, **extra):
        self.do(child_id, spec, conference_date=day, venue="Civic Centre room 2", invitees=INVITEES, **extra)

    def report(self, child_id, spec, sent_on):
        self.do(child_id, spec, report_sent_on=sent_on, shared_with_parents="yes")

    def held(self, child_id, spec, day, **decision):
        self.do(
            child_id,
            spec,
            held_on=day,
            parents_met="yes",
            parents_met_on=day,
            attendance=ATTENDANCE,
            actions=ACTIONS,
            **decision,
        )

    # --- what the case holds -----------------------------------------------------------------
    def open_specs(self, child_id, process="child_protection") -> list[str]:
        """The child's open tasks of `process` (the minutes run on their own, see minutes_specs)."""
        return sorted(t.spec_name for t in self.open_tasks(str(child_id)) if t.process_id == process)

    def minutes_specs(self, child_id) -> list[str]:
        return self.open_specs(child_id, "cp_minutes")

    def cp_episode(self, child_id) -> CpEpisode:
        return db.session.scalars(
            select(CpEpisode).where(CpEpisode.child_id == child_id).order_by(CpEpisode.id.desc())
        ).first()

    def conferences(self, child_id) -> list[Conference]:
        episode = self.cp_episode(child_id)
        return db.session.scalars(
            select(Conference).where(Conference.episode_id == episode.id).order_by(Conference.number)
        ).all()

    def plans(self, child_id=None) -> list[CpPlan]:
        query = select(CpPlan).order_by(CpPlan.child_id, CpPlan.id)
        return db.session.scalars(query.where(CpPlan.child_id == child_id) if child_id else query).all()

    def case(self, child_id) -> Child:
        db.session.expire_all()
        return db.session.get(Child, child_id)

    def cp_instance(self, child_id) -> ProcessInstance:
        return db.session.get(ProcessInstance, self.cp_episode(child_id).instance_id)

    def waiting_timers(self, instance_id) -> list[str]:
        return [t.spec_name for t in self.timers(instance_id) if t.status == TimerStatus.WAITING]

    def deadline_notices(self, since_id=0, process="child_protection") -> list[tuple]:
        """(recipient, subject) of the reminders and overdue notices of `process` (not the minutes,
        which run on their own) queued after row `since_id`."""
        return [
            (m.recipient_username, m.subject)
            for m in db.session.scalars(
                select(OutboxMessage)
                .join(ProcessInstance, ProcessInstance.id == OutboxMessage.instance_id)
                .where(OutboxMessage.id > since_id, ProcessInstance.process_id == process)
                .order_by(OutboxMessage.id)
            )
            if m.subject.startswith(("Reminder", "Overdue"))
        ]
