"""IRO management alerts (docs/domain.md C): raising one, who sees which, and their history.

The alert process (bpmn/management_alert.bpmn) records each alert and each step of it
through `record_alert(...)` and `record_alert_step(...)`; everything here reads those
rows. An alert starts with the message `management_alert_requested`, whoever asks
(an IRO from a child's page or a review, or another diagram such as the RAG
notification): the IRO then completes case study 4's form as the first task.

An alert may concern a sibling group (case study 4 was one alert for seven siblings): one
instance, its lead the child whose page it was raised from (their team and area route the
stages), every child in `instance_children` and, as sent, in `ManagementAlert.children`.
Whoever sees any of its children sees the alert, with only the children they see.
"""

import datetime
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import aliased

from service.casework import families
from service.db import db
from service.errors import InvalidData, NotFound
from service.models import (
    AlertEntry,
    AlertStatus,
    Child,
    HumanTask,
    InstanceChild,
    ManagementAlert,
    Review,
    ReviewStatus,
    TaskStatus,
    Team,
    User,
    UserRole,
)
from service.people import access, roles
from service.people.accounts import Identity
from service.workflow import clock, instances
from service.workflow import working_days as calendar

REQUEST_MESSAGE = "management_alert_requested"


@dataclass(frozen=True)
class Header:
    """The top of case study 4's form: who it is from and to, and the child's details."""

    date: date
    raised_by: str
    to: list  # the roles of the stages it goes to, with the person holding each where known
    child_name: str
    dob: datetime.date | None  # `date` here is the field above; None for an unborn child
    social_worker: str | None
    team: str
    line_manager: str | None
    siblings: list = field(default_factory=list)  # a sibling group's other children: (name, dob)
    expected_birth: datetime.date | None = None


def request(who: Identity, child_id: int, review_id: int | None = None, siblings=()) -> int:
    """Start an alert for a looked-after child this IRO sees, and for those of the child's
    `siblings` (ids) they choose; returns the id of its form task."""
    if not access.raises_alerts(who):
        raise NotFound("only an IRO raises a management alert")
    child = db.session.scalar(select(Child).where(Child.id == child_id, access.child_condition(who)))
    if child is None:
        raise NotFound(f"child {child_id} does not exist")
    if not child.looked_after:
        raise InvalidData(
            f"{child.name} is not looked after: a management alert challenges a looked-after child's care plan"
        )
    if (
        review_id is not None
        and db.session.scalar(select(Review.id).where(Review.id == review_id, Review.child_id == child_id)) is None
    ):
        raise InvalidData(f"review {review_id} is not one of {child.name}'s reviews")
    group = _group(who, child, siblings)
    payload = {"review_id": review_id, "people": {roles.IRO: {"username": who.username}}}
    [instance_id] = instances.send_message(
        REQUEST_MESSAGE, payload, actor=who.username, child_id=str(child_id), group=tuple(str(c) for c in group)
    )
    return cast(  # the process has just opened its form
        int,
        db.session.scalar(
            select(HumanTask.id).where(HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.OPEN)
        ),
    )


def _group(who: Identity, child: Child, siblings) -> list[int]:
    """The siblings to include: each a looked-after sibling of the child this IRO sees."""
    chosen = list(dict.fromkeys(siblings))
    allowed = {sibling.id for sibling in families.alert_siblings(who, child)}
    refused = [sibling for sibling in chosen if sibling not in allowed]
    if refused:
        raise InvalidData(
            f"siblings: child {refused[0]} is not a looked-after sibling of {child.name} you may see",
            {"siblings": "choose only looked-after siblings of the child"},
        )
    return chosen


def header(child: Child, today: date, data: dict, group=()) -> Header:
    iro = _name_of(data.get("people", {}).get(roles.IRO, {}).get("username"))
    team = db.session.get_one(Team, child.team_id)
    worker = db.session.get(User, child.social_worker_id)
    stages = data.get("stages") or []
    return Header(
        today,
        iro or "the child's IRO",
        stages,
        child.name,
        child.dob,
        worker.name if worker else None,
        team.name,
        team_manager_name(child.team_id),
        [(sibling.name, sibling.dob) for sibling in _children(group) if sibling.id != child.id],
        child.expected_birth,
    )


def _children(ids) -> list[Child]:
    return list(db.session.scalars(select(Child).where(Child.id.in_([int(i) for i in ids])).order_by(Child.name)))


def _name_of(username: str | None) -> str | None:
    return db.session.scalar(select(User.name).where(User.username == username)) if username else None


def team_manager_name(team_id) -> str | None:
    """The name of the team's Team Manager (the social worker's line manager on the forms), or None."""
    return db.session.scalar(
        select(User.name)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == roles.TEAM_MANAGER, UserRole.team_id == team_id, User.active.is_(True))
        .order_by(UserRole.id)
        .limit(1)
    )


def raised_since_last_review(child_id: int) -> list[str]:
    """Protocol 3.5.1: the alerts the review must hear of, raised since the last review held."""
    last = db.session.scalar(
        select(Review.held_on)
        .where(Review.child_id == child_id, Review.status == ReviewStatus.HELD)
        .order_by(Review.held_on.desc())
        .limit(1)
    )
    found = db.session.scalars(
        select(ManagementAlert)
        .where(
            ManagementAlert.child_id == child_id,
            ManagementAlert.raised_on.is_not(None),
            *([ManagementAlert.raised_on > last] if last else []),
        )
        .order_by(ManagementAlert.raised_on)
    )
    return [describe(alert) for alert in found]


def describe(alert: ManagementAlert) -> str:
    where = f"stage {alert.stage} ({stage_role(alert, alert.stage)})"
    state = {
        AlertStatus.OPEN: f"open at {where}",
        AlertStatus.RESOLVED: f"resolved at {where}",
        AlertStatus.REFERRED: f"referred to CAFCASS at {where}",
        AlertStatus.WITHDRAWN: f"withdrawn at {where}",
        AlertStatus.CANCELLED: "cancelled",
    }[alert.status]
    return f"Raised {alert.raised_on:%-d %B %Y} at stage {alert.start_stage}: {state}"


def stage_role(alert: ManagementAlert, stage: int | None) -> str:
    stages = alert.stages or []
    return stages[stage - 1] if stage and 0 < stage <= len(stages) else "?"


@dataclass(frozen=True)
class AlertForMe:
    alert: ManagementAlert
    child_name: str
    task_id: int | None  # the alert's open task this person may act on (a response, a meeting, a consultation)
    task_title: str | None
    working_days_left: int | None  # until that task is due; None while nothing waits for this person
    siblings: int = 0  # the group's other children this person sees


def for_me(who: Identity) -> list[AlertForMe]:
    """ "Alerts for me": open alerts at my stage in my area, what each waits for from me first."""
    condition = access.alerts_at_my_stage_condition(who)
    if condition is None:
        return []
    mine = aliased(HumanTask)
    my_task = (
        select(mine.id)
        .where(
            mine.instance_id == ManagementAlert.instance_id,
            mine.status == TaskStatus.OPEN,
            access.acting_condition(who, mine),
        )
        .order_by(mine.due_at, mine.id)
        .limit(1)
        .correlate(ManagementAlert)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(ManagementAlert, Child.name, HumanTask.id, HumanTask.title, HumanTask.due_at)
        .join(Child, Child.id == ManagementAlert.child_id)
        .outerjoin(HumanTask, HumanTask.id == my_task)
        .where(condition)
    ).all()
    today = calendar.london_date(clock.now())
    found = [
        AlertForMe(
            alert,
            name,
            task_id,
            title,
            calendar.working_days_between(today, due) if due is not None else None,
            len(children_seen(who, alert)) - 1,
        )
        for alert, name, task_id, title, due in rows
    ]
    return sorted(found, key=lambda a: (a.task_id is None, a.working_days_left or 0, a.alert.id))


@dataclass(frozen=True)
class Waiting:
    """One open task of an alert: where the alert waits now (an alert at the CAFCASS consultation
    waits for two people at once)."""

    role: str | None  # the task's lane
    person: str | None  # who holds the task, when someone does
    step: str  # the task's id in the diagram (respond, consult_head_of_service, ...)
    title: str  # the task's name, for a step a newer diagram added
    due_at: datetime.datetime | None


def waiting(alert: ManagementAlert) -> list[Waiting]:
    """Where an open alert waits now: its instance's open tasks, soonest due first."""
    if alert.status != AlertStatus.OPEN:
        return []
    rows = db.session.execute(
        select(HumanTask.candidate_role, User.name, HumanTask.spec_name, HumanTask.title, HumanTask.due_at)
        .outerjoin(User, User.username == HumanTask.assignee)
        .where(HumanTask.instance_id == alert.instance_id, HumanTask.status == TaskStatus.OPEN)
        .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
    ).all()
    return [Waiting(*row) for row in rows]


@dataclass(frozen=True)
class RaisedAlert:
    alert: ManagementAlert
    children: list  # as children_seen gives them
    waiting: list[Waiting]


def raised_by(who: Identity) -> list[RaisedAlert]:
    """ "Alerts I raised": this IRO's alerts whose children they still see, open first, newest first;
    NotFound for anyone who raises no alerts."""
    if not access.raises_alerts(who):
        raise NotFound("only an IRO raises management alerts")
    found = db.session.scalars(
        select(ManagementAlert)
        .where(
            ManagementAlert.raised_by == who.username,
            ManagementAlert.raised_on.is_not(None),
            access.concerns_visible_child(who, ManagementAlert.instance_id),
        )
        .order_by(
            (ManagementAlert.status != AlertStatus.OPEN), ManagementAlert.raised_on.desc(), ManagementAlert.id.desc()
        )
    )
    return [RaisedAlert(alert, children_seen(who, alert), waiting(alert)) for alert in found]


def visible(who: Identity, alert_id: int) -> ManagementAlert:
    """The alert if this person sees any of its children (so the managers of its stages do); else NotFound."""
    alert = db.session.scalar(
        select(ManagementAlert).where(
            ManagementAlert.id == alert_id, access.concerns_visible_child(who, ManagementAlert.instance_id)
        )
    )
    if alert is None:
        raise NotFound(f"alert {alert_id} does not exist")
    return alert


def children_seen(who: Identity, alert: ManagementAlert) -> list[dict]:
    """The alert's children as sent, {id, name, dob, case_number}, the lead first: those this person sees."""
    sent = alert.children or [
        {"id": alert.child_id, "name": alert.child_name, "dob": alert.child_dob, "case_number": None}
    ]
    ids = [entry["id"] for entry in sent]
    seen = dict(
        db.session.execute(
            select(Child.id, Child.case_number).where(Child.id.in_(ids), access.child_condition(who))
        ).all()
    )
    return [
        {**entry, "case_number": entry["case_number"] or seen[entry["id"]]} for entry in sent if entry["id"] in seen
    ]


def of_child(child_id: int) -> list[ManagementAlert]:
    """The alerts raised so far that concern the child, alone or with siblings, newest first."""
    return list(
        db.session.scalars(
            select(ManagementAlert)
            .where(
                ManagementAlert.raised_on.is_not(None),
                ManagementAlert.instance_id.in_(
                    select(InstanceChild.instance_id).where(InstanceChild.child_id == str(child_id))
                )
                | (ManagementAlert.child_id == child_id),
            )
            .order_by(ManagementAlert.raised_on.desc(), ManagementAlert.id.desc())
        )
    )


def history(alert: ManagementAlert) -> list[AlertEntry]:
    return list(
        db.session.scalars(
            select(AlertEntry).where(AlertEntry.alert_id == alert.id).order_by(AlertEntry.recorded_at, AlertEntry.id)
        )
    )


def moved_on(task: HumanTask) -> str | None:
    """Why a cancelled task of an alert can no longer be done, in words, or None."""
    alert = db.session.scalar(select(ManagementAlert).where(ManagementAlert.instance_id == task.instance_id))
    if alert is None or task.status != TaskStatus.CANCELLED:
        return None
    if alert.status != AlertStatus.OPEN:
        return f"This task was withdrawn: the alert is {alert.status.value}. Your response was not recorded."
    reached = db.session.scalar(
        select(AlertEntry.recorded_at)
        .where(AlertEntry.alert_id == alert.id, AlertEntry.step == "received")
        .order_by(AlertEntry.id.desc())
        .limit(1)
    )
    if reached is not None and reached > task.created_at:  # the stage it belonged to has ended
        return (
            f"This task was withdrawn when the alert moved on; the alert is now at stage {alert.stage} "
            f"({stage_role(alert, alert.stage)}). Your response was not recorded."
        )
    return (
        "This task was withdrawn when the alert's timescale ran out; the IRO is deciding what happens next. "
        "Your response was not recorded."
    )
