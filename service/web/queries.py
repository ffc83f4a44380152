"""Read-only queries the pages need and the service layer does not offer.

Each one either applies the access rules of `service.people.access` itself or reads only
what a page that already passed them may show.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import aliased

from service.casework import alerts, codes, conferences
from service.db import db
from service.errors import NotFound
from service.models import (
    AlertEntry,
    CaseNote,
    Child,
    ChildEvent,
    HumanTask,
    LookedAfterEpisode,
    ManagementAlert,
    OutboxMessage,
    ProcessInstance,
    Review,
    TaskStatus,
    Team,
    User,
)
from service.people import access
from service.people.accounts import Identity

from .template_helpers import words

TIMELINE_LENGTH = 50
LONDON = ZoneInfo("Europe/London")


def visible_child(who: Identity, child_id: int) -> Child | None:
    """The child if this person may see them; None exactly as for a child that does not exist."""
    return db.session.scalar(select(Child).where(Child.id == child_id, access.child_condition(who)))


@dataclass(frozen=True)
class CaseHolders:
    team: str
    iro: str | None
    cp_iro: str | None
    social_worker: str | None


def case_holders(child: Child) -> CaseHolders:
    """Names of the child's team, IRO, child protection chair and social worker, in one query."""
    iro, cp_iro, worker = aliased(User), aliased(User), aliased(User)
    row = db.session.execute(
        select(Team.name, iro.name, cp_iro.name, worker.name)
        .select_from(Child)
        .join(Team, Team.id == Child.team_id)
        .outerjoin(iro, iro.id == Child.iro_id)
        .outerjoin(cp_iro, cp_iro.id == Child.cp_iro_id)
        .outerjoin(worker, worker.id == Child.social_worker_id)
        .where(Child.id == child.id)
    ).one()
    return CaseHolders(*row)


def open_tasks(who: Identity, child_id: int) -> list[HumanTask]:
    """The child's open tasks this person may see, soonest due first."""
    return list(
        db.session.scalars(
            select(HumanTask)
            .where(HumanTask.child_id == str(child_id), HumanTask.status == TaskStatus.OPEN, access.task_condition(who))
            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
        )
    )


@dataclass(frozen=True)
class Entry:
    """One line of a child's timeline."""

    at: datetime  # when the service learnt of it: the timeline's order
    title: str
    on: date | None = None  # the day it happened, for reported events
    detail: str | None = None
    by: str | None = None


def timeline(child_id: int, protection: list[conferences.EpisodeRecord]) -> list[Entry]:
    """Newest first: reported events, completed tasks, case notes (an alert raised or resolved) and
    notifications sent about the child."""
    child_text = str(child_id)
    events = db.session.scalars(
        select(ChildEvent)
        .where(ChildEvent.child_id == child_id)
        .order_by(ChildEvent.received_at.desc())
        .limit(TIMELINE_LENGTH)
    )
    done = db.session.execute(
        select(HumanTask.title, HumanTask.completed_at, User.name, HumanTask.completed_by)
        .outerjoin(User, User.username == HumanTask.completed_by)
        .where(HumanTask.child_id == child_text, HumanTask.status == TaskStatus.COMPLETED)
        .order_by(HumanTask.completed_at.desc())
        .limit(TIMELINE_LENGTH)
    )
    sent = db.session.execute(
        select(
            OutboxMessage.subject,
            OutboxMessage.created_at,
            OutboxMessage.recipient_role,
            OutboxMessage.recipient_username,
        )
        .where(OutboxMessage.child_id == child_text)
        .order_by(OutboxMessage.created_at.desc())
        .limit(TIMELINE_LENGTH)
    )
    notes = db.session.execute(
        select(CaseNote.written_at, CaseNote.text, CaseNote.written_by, User.name)
        .outerjoin(User, User.username == CaseNote.written_by)
        .where(CaseNote.child_id == child_id)
        .order_by(CaseNote.written_at.desc())
        .limit(TIMELINE_LENGTH)
    )
    entries = [Entry(e.received_at, _event_title(e), e.date, e.fields.get("details"), e.reported_by) for e in events]
    entries += [Entry(n.written_at, "Case note", detail=n.text, by=n.name or n.written_by) for n in notes]
    entries += [Entry(t.completed_at, f"Task completed: {t.title}", by=t.name or t.completed_by) for t in done]
    entries += [
        Entry(m.created_at, f"Notification: {m.subject}", detail=f"To {m.recipient_role or m.recipient_username}")
        for m in sent
    ]
    entries += _protection_entries(protection)
    return sorted(entries, key=lambda e: e.at, reverse=True)[:TIMELINE_LENGTH]


def _protection_entries(protection: list[conferences.EpisodeRecord]) -> list[Entry]:
    """Conferences held and the child's plans started and ended (`conferences.episodes_of`, which the
    case page reads once), on every child of a sibling group's timeline (the group's tasks and
    notices go on the lead child's)."""
    entries = []
    for record in protection:
        for c in record.conferences:
            if c.held_on is not None:
                decision = words(c.decision, codes.CONFERENCE_DECISIONS) if c.decision else None
                entries.append(
                    Entry(_noon(c.held_on), f"{words(c.kind.value, codes.CONFERENCE_KINDS)} held", c.held_on, decision)
                )
        plan = record.plan
        if plan is not None:
            category = words(plan.category, codes.CP_CATEGORIES)
            entries.append(Entry(_noon(plan.started_on), "Child protection plan started", plan.started_on, category))
            if plan.ended_on is not None:
                reason = words(plan.end_reason, codes.CP_ENDED_REASONS) if plan.end_reason else None
                entries.append(Entry(_noon(plan.ended_on), "Child protection plan ended", plan.ended_on, reason))
    return entries[:TIMELINE_LENGTH]


def _noon(day: date) -> datetime:
    """A day's place in the timeline's order, for records that keep a day, not an instant."""
    return datetime.combine(day, time(12), tzinfo=LONDON)


def _event_title(event: ChildEvent) -> str:
    title = words(event.type, codes.EVENT_TYPES)
    kind = event.fields.get("kind")
    return f"{title}: {words(kind).lower()}" if kind else title


def latest_episode(child_id: int) -> LookedAfterEpisode | None:
    """The child's current or most recent period of being looked after."""
    return db.session.scalar(
        select(LookedAfterEpisode)
        .where(LookedAfterEpisode.child_id == child_id)
        .order_by(LookedAfterEpisode.id.desc())
        .limit(1)
    )


def reviews(child_id: int) -> list[Review]:
    """The child's reviews, newest first: each cycle's row is written when the cycle starts."""
    return list(db.session.scalars(select(Review).where(Review.child_id == child_id).order_by(Review.id.desc())))


def name_of(username: str | None) -> str | None:
    if username is None:
        return None
    return db.session.scalar(select(User.name).where(User.username == username)) or username


def teams() -> list[tuple[str, str]]:
    """(code, name) of every team, for the worklist's filter."""
    return list(db.session.execute(select(Team.code, Team.name).order_by(Team.name)))


# --- management alerts ------------------------------------------------------------------------------------


def child_alerts(child_id: int) -> list[tuple[int, str]]:
    """(id, the alert in words) of the alerts raised so far that concern the child, alone or with
    siblings, newest first (the page shows the child; the words name no child)."""
    return [(alert.id, alerts.describe(alert)) for alert in alerts.of_child(child_id)]


def alert_id_of(instance_id: int) -> int | None:
    """The alert an instance records (its tasks' pages link to it), or None."""
    return db.session.scalar(select(ManagementAlert.id).where(ManagementAlert.instance_id == instance_id))


@dataclass(frozen=True)
class AlertStep:
    """One entry of an alert's history, with the name of who recorded it."""

    entry: AlertEntry
    by: str | None

    @property
    def step(self) -> str:
        return self.entry.step

    @property
    def details(self) -> dict:
        return self.entry.details or {}


@dataclass(frozen=True)
class AlertStage:
    number: int | None
    role: str
    steps: list[AlertStep]

    def of(self, *kinds: str) -> list[AlertStep]:
        return [step for step in self.steps if step.step in kinds]


@dataclass(frozen=True)
class AlertRecord:
    """An alert as its page, its printable form and the CAFCASS letter show it."""

    alert: ManagementAlert
    team: str | None
    raised_by: str | None  # the IRO's name
    stages: list[AlertStage]  # each stage it reached, in order, with its history
    response_days: int | None  # working days a stage has to respond (the diagram's named value, as it was used)
    referral: AlertStep | None  # the referral to CAFCASS, once made
    names: dict  # username: name, of everyone the history names
    children: list  # {id, name, dob, case_number} as sent: the children it concerns that the reader sees
    waiting: list[alerts.Waiting]  # where an open alert waits now

    @property
    def title(self) -> str:
        """The children's names, as the reader may see them."""
        return ", ".join(child["name"] for child in self.children)

    @property
    def reached(self) -> list[int]:
        """The stages ticked on the form: from 1 up to the current (or last) stage, as case study 4 ticks them."""
        return list(range(1, (self.alert.stage or 0) + 1))

    @property
    def progressed_to(self) -> set[int]:
        """The stages it went on to after the one it started at."""
        return {
            stage.number
            for stage in self.stages
            if stage.number and stage.number != self.alert.start_stage and stage.of("received")
        }

    def role(self, stage: int | None) -> str:
        return alerts.stage_role(self.alert, stage)

    def name(self, username: str | None) -> str | None:
        return self.names.get(username, username)


def alert_record(who: Identity, alert_id: int) -> AlertRecord:
    """The alert with its history grouped by stage; NotFound unless this person sees one of its children."""
    alert = alerts.visible(who, alert_id)
    entries = alerts.history(alert)
    usernames = (
        {entry.recorded_by for entry in entries}
        | ({alert.raised_by} if alert.raised_by else set())
        | {(entry.details or {}).get("minute_taker") for entry in entries if entry.step == "meeting_set"} - {None}
    )
    names = dict(db.session.execute(select(User.username, User.name).where(User.username.in_(usernames))).all())
    team = db.session.scalar(select(Team.name).where(Team.id == alert.team_id)) if alert.team_id else None
    grouped: dict = {}
    for entry in entries:
        grouped.setdefault(entry.stage, []).append(AlertStep(entry, names.get(entry.recorded_by, entry.recorded_by)))
    stages = [
        AlertStage(number, alerts.stage_role(alert, number), steps)
        for number, steps in sorted(grouped.items(), key=lambda item: (item[0] is None, item[0] or 0))
    ]
    referral = next((step for stage in stages for step in stage.of("cafcass_referral")), None)
    return AlertRecord(
        alert,
        team,
        names.get(alert.raised_by or "", alert.raised_by),
        stages,
        _response_days(entries),
        referral,
        names,
        alerts.children_seen(who, alert),
        alerts.waiting(alert),
    )


def _response_days(entries: list[AlertEntry]) -> int | None:
    """The working days the first stage had to respond, as the diagram's named value then said."""
    return next(((e.details or {}).get("response_wd") for e in entries if e.step == "received"), None)


def check_instance_visible(who: Identity, instance_id: int) -> None:
    """NotFound unless this person may see the instance (as for one that does not exist)."""
    seen = db.session.scalar(
        select(ProcessInstance.id).where(ProcessInstance.id == instance_id, access.instance_condition(who))
    )
    if seen is None:
        raise NotFound(f"no instance {instance_id}")
