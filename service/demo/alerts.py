"""The demo council's IRO management alerts (bpmn/management_alert.bpmn, docs/domain.md C),
raised and progressed by the demo's replay (service.demo.council) through the diagram's own
tasks and forms, like every other task of the demo.

The report counts 12 alerts in a year (3.5.1): over the replay's 20 weeks, ALERTS raises
six, each on a looked-after child taken on at go-live (so their IRO has known them since; the
first for a sibling group, case study 4: the child and two looked-after children of the same team
and IRO, recorded as siblings first) and each about one of the situations of protocol 3.2, so
that today the service holds an alert at each point a newcomer should see:
- resolved at stage 1: the Team Manager's response answered it;
- resolved at stage 2, after the IRO found the Team Manager's response did not;
- raised serious or urgent, so at stage 3 (Head of Service), then escalated to stage 4:
  the Assistant Director has set the meeting (MEETING_AFTER_WD after today) and the IRO has
  given the statement; the minutes wait for the meeting;
- open at stage 1, the Team Manager's response due in two working days ("Alerts for me");
- overdue at stage 2: the ISM has not responded, and the overdue notice has gone out;
- at the CAFCASS consultation: the Head of Service did not respond at stage 3, the IRO's
  timescale ran out and the IRO decided to refer; the Head of Safeguarding has confirmed
  the consultation, the Head of Service not yet.
An alert's days are counted in working days back from the last working day, and each
step takes a set number of working days, so the alerts stand at the same points whatever
day the demo loads on. The replay asks here which day a task of an alert is done and with
what answers; the answers go through the task's form, and the task is completed by its
assignee, as every other task of the demo is. The children are drawn with a random.Random
of their own: the alerts take none of the replay's draws.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import cast

from sqlalchemy import select

from service.casework import alerts, participation
from service.casework import children as cases
from service.db import db, end_read
from service.errors import ServiceError
from service.models import Child, HumanTask, ManagementAlert, Review, ReviewStatus, Team
from service.people import accounts as people
from service.people import roles
from service.workflow import working_days as calendar

SEED = 351  # the alerts' own draws (after the report's section 3.5.1)
SPECS = frozenset(
    {
        "raise_alert",
        "respond",
        "record_outcome",
        "set_meeting",
        "iro_statement",
        "record_minutes",
        "meeting_outcome",
        "timescale_reached",
        "consult_safeguarding",
        "consult_head_of_service",
        "make_referral",
    }
)
MEETING_AFTER_WD = 2  # the stage 4 meeting: this many working days after the last working day
MEETING_TIME = "14:30"
MEETING_PLACE = "Civic Centre, meeting room 3"


@dataclass(frozen=True)
class Alert:
    """One alert of the demo: the child it is about, when it is raised, what the IRO asks, and
    each step done by today: (spec, stage) -> (working days after the task appears, answers).
    A step that is not listed is not done by today. In answers, `actions_agreed` is given as
    (action, days to do it) and becomes the form's rows with their dates."""

    key: str
    concern: str  # the protocol 3.2 situation
    team: str
    ages: tuple[int, int]  # the child's age, youngest and oldest, on the day it is raised
    raised_wd: int  # working days before the last working day
    timescale_wd: int  # the IRO's resolve_by: working days after raising (within the 3-month cap)
    summary: str
    actions: tuple[str, ...]
    steps: dict
    serious: bool = False
    legal_status: str | None = None  # a child of this legal status where the team has one
    from_review: bool = False  # raised about the child's last review (its review_id)
    siblings: int = 0  # a sibling group's other children (case study 4): of the child's team and IRO


ALERTS = (
    Alert(
        "visits",
        "Statutory visits not undertaken within required timescales",
        "NE",
        (5, 15),
        88,
        20,
        "Statutory visits have not been undertaken within the required timescales: the last recorded visit to "
        "the placement was eleven weeks ago and the child has not been seen alone since the last review. The "
        "foster carers say they have not been able to reach the social worker. The review's decision to visit "
        "at least every six weeks has not been carried out.",
        (
            "Visit the child in placement within five working days and see the child alone",
            "Record the visits on the case file",
            "Confirm to the IRO the visits booked up to the next review",
        ),
        {
            ("respond", 1): (
                3,
                {
                    "response": "I have discussed this with the social worker in supervision. The child was visited in "
                    "placement this week and seen alone, and the visit is recorded. Visits are now booked "
                    "every five weeks up to the next review and I will check them in monthly supervision.",
                    "actions_agreed": (
                        ("Visit the child in placement and see them alone", 2),
                        ("Book the visits every five weeks up to the next review", 7),
                    ),
                },
            ),
            ("record_outcome", 1): (
                2,
                {
                    "outcome": "resolved",
                    "outcome_notes": "The visit took place and is recorded, and the visits up to the next review are "
                    "booked. The carers confirm they have heard from the social worker.",
                },
            ),
        },
        siblings=2,
    ),
    Alert(
        "recommendations",
        "Looked After Review recommendations not followed through",
        "LAC",
        (4, 15),
        60,
        30,
        "The recommendations of the last Looked After Review have not been followed through: the health "
        "assessment, the personal education plan meeting and the referral for life story work were due within "
        "six weeks and none has been done. There is no record of management discussion of the care plan since "
        "the review.",
        (
            "Complete the health assessment",
            "Hold the personal education plan meeting this term",
            "Make the referral for life story work",
            "Send the IRO the updated care plan with dates",
        ),
        {
            ("respond", 1): (
                4,
                {
                    "response": "The social worker has had a high caseload this term. The recommendations will be "
                    "picked up as soon as possible.",
                    "actions_agreed": (("Pick up the review recommendations in supervision", 28),),
                },
            ),
            ("record_outcome", 1): (
                1,
                {
                    "outcome": "next_stage",
                    "outcome_notes": "The response gives no dates and no assurance that the recommendations will be "
                    "carried out. Not resolved: the alert goes to the Integrated Service Manager.",
                },
            ),
            ("respond", 2): (
                3,
                {
                    "response": "I have met the Team Manager and the social worker. The health assessment is booked, "
                    "the PEP meeting is arranged with the school, and the referral for life story work has gone "
                    "to the family support service. The updated care plan will be sent to the IRO.",
                    "actions_agreed": (
                        ("Health assessment appointment", 14),
                        ("PEP meeting with the designated teacher", 21),
                        ("Updated care plan sent to the IRO", 10),
                    ),
                },
            ),
            ("record_outcome", 2): (
                2,
                {
                    "outcome": "resolved",
                    "outcome_notes": "Every recommendation now has an owner and a date, "
                    "and I have the updated care plan.",
                },
            ),
        },
        from_review=True,
    ),
    Alert(
        "placement",
        "Evidence of poor placement choice/standard of care",
        "South",
        (12, 15),
        14,
        45,
        "Serious and urgent: since an emergency move the young person has been in a residential home outside "
        "the city and has had no education for seven weeks. The home has given notice because it cannot meet "
        "the young person's needs, there have been three missing episodes in the last month, and no placement "
        "search or plan for education is recorded.",
        (
            "Start a search for a placement that can meet the young person's needs",
            "Arrange interim tuition within ten working days",
            "Hold a strategy discussion about the missing episodes",
            "Send the IRO a revised care plan",
        ),
        {
            ("respond", 3): (
                4,
                {
                    "response": "The placement search has started through the commissioning team, and the Virtual "
                    "School is looking for tuition. A strategy discussion will be held.",
                    "actions_agreed": (
                        ("Placement search through the commissioning team", 28),
                        ("Interim tuition through the Virtual School", 21),
                    ),
                },
            ),
            ("record_outcome", 3): (
                1,
                {
                    "outcome": "next_stage",
                    "outcome_notes": "No placement is identified, tuition has not started and the young person went "
                    "missing again this week. Not resolved: the alert goes to the Assistant Director.",
                },
            ),
            ("set_meeting", 4): (
                2,
                {
                    "invited": "Head of Service, South\nIntegrated Service Manager, South\nTeam Manager, South\n"
                    "Social worker\nVirtual School Head\nReview and QA Manager"
                },
            ),
            ("iro_statement", 4): (
                3,
                {
                    "statement": "To stop the matter going to stage 5: a placement that can meet the young person's "
                    "needs, with a planned move date; tuition started, at least 15 hours a week until a school place "
                    "is found; the strategy discussion held and the missing-from-care plan sent to me; and "
                    "the revised care plan presented at an early review."
                },
            ),
        },
        serious=True,
    ),
    Alert(
        "pathway_plan",
        "Care plans and pathway plans not being completed or progressed appropriately",
        "15+",
        (16, 17),
        3,
        25,
        "The young person has no pathway plan: the needs assessment has not been started, no personal adviser "
        "is allocated and there is no plan for where the young person will live at 18. The last review asked for "
        "the pathway plan within six weeks; that date has passed.",
        (
            "Complete the needs assessment and the pathway plan with the young person",
            "Allocate a personal adviser",
            "Refer to the accommodation panel",
        ),
        {},
    ),
    Alert(
        "family_finding",
        "Delays in family finding/placement search",
        "LAC",
        (2, 9),
        12,
        40,
        "The permanence plan agreed at the last review is long-term fostering, but no referral to family "
        "finding has been made in the four months since. The current carers are short-term and have said they "
        "cannot keep the child beyond the summer.",
        (
            "Make the referral to family finding",
            "Present the permanence plan to the permanence panel",
            "Agree how contact with the birth family continues during the search",
        ),
        {
            ("respond", 1): (
                3,
                {
                    "response": "The referral to family finding is being written and will go in shortly.",
                    "actions_agreed": (("Referral to family finding", 14),),
                },
            ),
            ("record_outcome", 1): (
                1,
                {
                    "outcome": "next_stage",
                    "outcome_notes": "The referral has still not been made and no date is given for the permanence "
                    "panel. Not resolved: the alert goes to the Integrated Service Manager.",
                },
            ),
        },
    ),
    Alert(
        "proceedings",
        "Care Proceedings or Permanency Plans not initiated in a timely manner",
        "NW",
        (1, 8),
        30,
        25,
        "The child has been accommodated under section 20 since before the last two reviews. Both reviews "
        "agreed that care proceedings should start, and the legal planning meeting advised issuing within four "
        "weeks; nothing has been issued. Whether the mother still agrees to the accommodation is not clear, and "
        "the child has no permanence plan.",
        (
            "Issue care proceedings as the legal planning meeting advised",
            "Confirm in writing the mother's agreement to the accommodation",
            "Agree the permanence plan at a permanence planning meeting",
        ),
        {
            ("respond", 1): (
                3,
                {
                    "response": "The case is on the agenda of the next legal planning meeting.",
                    "actions_agreed": (("Legal planning meeting", 21),),
                },
            ),
            ("record_outcome", 1): (
                1,
                {
                    "outcome": "next_stage",
                    "outcome_notes": "Legal planning has already advised issuing; another meeting is more delay. Not "
                    "resolved: the alert goes to the Integrated Service Manager.",
                },
            ),
            ("respond", 2): (
                3,
                {
                    "response": "The social worker is preparing the application with legal services. I will ask the "
                    "Head of Service to agree to issue.",
                    "actions_agreed": (("Application to court prepared", 14),),
                },
            ),
            ("record_outcome", 2): (
                1,
                {
                    "outcome": "next_stage",
                    "outcome_notes": "There is still no date for issuing. Not resolved: the alert goes to the Head of "
                    "Service.",
                },
            ),
            ("timescale_reached", 3): (
                1,
                {
                    "outcome": "cafcass",
                    "outcome_notes": "The Head of Service has not responded and the child remains accommodated with no "
                    "plan for proceedings or permanence. The drift risks a breach of the child's "
                    "rights: I intend to refer to CAFCASS and am consulting the Head of Safeguarding "
                    "and the Head of Service.",
                },
            ),
            ("consult_safeguarding", 3): (
                1,
                {
                    "advice": "I agree a referral is warranted unless proceedings are issued within five working days. "
                    "I have asked the Assistant Director to look at the case urgently."
                },
            ),
        },
        legal_status="V2",
    ),
)


@dataclass
class AlertReplay:
    """The alerts' part of the replay: which child each is about, and the day and answers of each task."""

    last_working_day: date
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    raised: dict = field(default_factory=dict)  # instance id -> Alert
    stage_of: dict = field(default_factory=dict)  # task id -> the alert's stage when the task appeared
    chosen: set = field(default_factory=set)  # children with an alert

    def days(self, go_live: date) -> list[tuple[date, Alert]]:
        """The day each alert is raised (none on go-live day: the IROs are booking reviews)."""
        first = calendar.add_working_days(go_live, 5)
        return [
            (max(calendar.add_working_days(self.last_working_day, -alert.raised_wd), first), alert) for alert in ALERTS
        ]

    def request(self, alert: Alert, day: date, eligible: set[int]) -> None:
        """The child's IRO asks for the alert (as from the child's page); the form is the first task."""
        child_id, review_id = self._child(alert, day, eligible)
        iro_id = db.session.execute(select(Child.iro_id).where(Child.id == child_id)).scalar_one()
        group = self._siblings(alert, child_id, cast(int, iro_id), eligible)
        iro = cast(people.Identity, people.identity(cast(int, iro_id)))
        task_id = alerts.request(iro, child_id, review_id, siblings=group)
        self.raised[db.session.get_one(HumanTask, task_id).instance_id] = alert
        self.chosen.add(child_id)
        end_read()

    def _siblings(self, alert: Alert, child_id: int, iro_id: int, eligible: set[int]) -> list[int]:
        """The child's brothers and sisters for a sibling group's alert: the first looked-after
        children of the same team and IRO (no draw), recorded as siblings before it is raised."""
        if not alert.siblings:
            return []
        team_id = db.session.execute(select(Child.team_id).where(Child.id == child_id)).scalar_one()
        found = db.session.scalars(
            select(Child.id)
            .where(Child.team_id == team_id, Child.iro_id == iro_id, Child.looked_after.is_(True), Child.id != child_id)
            .order_by(Child.id)
        ).all()
        group = [c for c in found if c in eligible and c not in self.chosen][: alert.siblings]
        if group:
            cases.change_child(child_id, {"siblings": group}, actor="demo")
            for sibling in group:
                cases.change_child(sibling, {"siblings": [child_id, *(g for g in group if g != sibling)]}, actor="demo")
        self.chosen.update(group)
        return group

    def _child(self, alert: Alert, day: date, eligible: set[int]) -> tuple[int, int | None]:
        """A child of the alert's team and ages, of its legal status and with a review held where
        the alert asks for one and the team has such a child; with that review's id."""
        rows = db.session.execute(
            select(Child.id, Child.dob, Child.legal_status)
            .join(Team, Team.id == Child.team_id)
            .where(Team.code == alert.team, Child.looked_after.is_(True), Child.iro_id.is_not(None))
            .order_by(Child.id)
        ).all()
        fits = [
            row
            for row in rows
            if row.id in eligible
            and row.id not in self.chosen
            and alert.ages[0] <= participation.age_on(row.dob, day) <= alert.ages[1]
        ]
        if not fits:
            raise ServiceError(
                f"the demo has no child of team {alert.team} aged {alert.ages} for its {alert.key} alert"
            )
        if alert.legal_status:
            fits = [row for row in fits if row.legal_status == alert.legal_status] or fits
        reviews = {}
        if alert.from_review:
            reviews = dict(
                db.session.execute(
                    select(Review.child_id, Review.id)
                    .where(
                        Review.child_id.in_([row.id for row in fits]),
                        Review.status == ReviewStatus.HELD,
                        Review.held_on < day,
                    )
                    .order_by(Review.held_on)
                ).all()
            )  # the last review held, for each child
            fits = [row for row in fits if row.id in reviews] or fits
        child_id = self.rng.choice(fits).id
        return child_id, reviews.get(child_id)

    def plan(self, task_id: int, spec: str, instance_id: int, created: date) -> date | None:
        """The day a task of an alert is done; None: not by today (or not an alert of the demo)."""
        alert = self.raised.get(instance_id)
        if alert is None:
            return None
        if spec == "raise_alert":  # the IRO asked for the form to fill it in
            return _working_day_on_or_after(created)
        stage = db.session.scalar(select(ManagementAlert.stage).where(ManagementAlert.instance_id == instance_id))
        end_read()
        step = alert.steps.get((spec, stage))
        if step is None:
            return None
        self.stage_of[task_id] = stage
        return calendar.add_working_days(created, step[0])

    def answers(self, task_id: int, spec: str, instance_id: int, created: date, day: date) -> dict:
        alert = self.raised[instance_id]
        if spec == "raise_alert":
            resolve_by = min(
                calendar.add_working_days(day, alert.timescale_wd), calendar.add_months(day, 3)
            )  # the diagram's resolution_cap_months
            return {
                "serious_or_urgent": alert.serious,
                "summary_of_concerns": alert.summary,
                "actions_requested": [{"action": action} for action in alert.actions],
                "resolve_by": resolve_by.isoformat(),
            }
        answers = dict(alert.steps[spec, self.stage_of[task_id]][1])
        if "actions_agreed" in answers:
            answers["actions_agreed"] = [
                {"action": action, "by": (day + timedelta(days=days)).isoformat()}
                for action, days in answers["actions_agreed"]
            ]
        if spec == "set_meeting":  # the first minute taker the form offers
            meeting = calendar.add_working_days(self.last_working_day, MEETING_AFTER_WD)
            answers.update(
                meeting_date=meeting.isoformat(),
                meeting_time=MEETING_TIME,
                meeting_place=MEETING_PLACE,
                minute_taker=people.holders(roles.MINUTE_TAKER)[0][0],
            )
        if spec in ("consult_safeguarding", "consult_head_of_service"):  # consulted the day the IRO decided
            answers.update(consulted_on=created.isoformat(), confirmed=True)
        return answers


def _working_day_on_or_after(day: date) -> date:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day
