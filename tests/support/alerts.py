"""The management alert's scenario driver: a looked-after child allocated to an IRO, an alert
raised and answered through the shipped diagram, and what it recorded."""

from sqlalchemy import select

from service.casework import alerts
from service.db import db
from service.models import AlertEntry, ManagementAlert
from service.people import accounts as people

from .lifecycle import Life

CONCERNS = (
    "After very significant delay within the court proceedings, there has been no action to seek long "
    "term placements for 4 of the children."
)
ACTIONS = [
    {"action": "Confirmation that the sibling placement planning for the group of 4 is clear."},
    {"action": "Long term referrals to homefinding/placements have been made for them."},
]


class AlertLife(Life):
    def looked_after_child(
        self, day, name="Alex North", case_number="4120389A", team="NE", worker="sw.north", siblings=None
    ) -> int:
        child = self.child(name=name, case_number=case_number, team=team, worker=worker, siblings=siblings)
        self.looked_after(child, day)
        self.do(child, "allocate", iro="iro1")
        return child

    def raise_alert(self, child, resolve_by, serious=False, iro="iro1") -> ManagementAlert:
        alerts.request(people.identity(people.user_by_username(iro).id), child)
        self.step()
        self.do(
            child,
            "raise_alert",
            serious_or_urgent=serious,
            summary_of_concerns=CONCERNS,
            actions_requested=ACTIONS,
            resolve_by=resolve_by,
        )
        return self.alert(child)

    def alert(self, child) -> ManagementAlert:
        return db.session.scalars(
            select(ManagementAlert).where(ManagementAlert.child_id == child).order_by(ManagementAlert.id.desc())
        ).first()

    def alert_specs(self, child) -> list[str]:
        instance = self.alert(child).instance_id
        return sorted(t.spec_name for t in self.open_tasks(str(child)) if t.instance_id == instance)

    def steps(self, child) -> list[tuple]:
        return [
            (e.stage, e.step)
            for e in db.session.scalars(
                select(AlertEntry).where(AlertEntry.alert_id == self.alert(child).id).order_by(AlertEntry.id)
            )
        ]

    def alert_notices(self, since_id) -> list[tuple]:
        """The notifications about management alerts (the child's reviews send their own)."""
        return [n for n in self.notices(since_id) if "management alert" in n[1] or "CAFCASS" in n[1]]

    def respond(self, child, spec="respond"):
        self.do(
            child,
            spec,
            response="We have met and agreed a plan.",
            actions_agreed=[{"action": "Referral to homefinding", "by": "2030-01-31"}],
        )

    def outcome(self, child, outcome, notes="As recorded.", spec="record_outcome", **more):
        self.do(child, spec, outcome=outcome, outcome_notes=notes, **more)
