"""Child protection rows as the child protection and minutes diagrams leave them: an episode (with
its instance), its conferences, each child's plan and a conference's minutes, written straight into
the tables so the figures can be checked against counts worked out by hand."""

from datetime import date

from service.casework import children as cases
from service.db import db, writing
from service.models import (
    Conference,
    ConferenceKind,
    ConferenceMinutes,
    ConferenceStatus,
    CpEpisode,
    CpEpisodeStatus,
    CpPlan,
    InstanceStatus,
    MinutesStatus,
    ProcessInstance,
)
from service.people.accounts import team_by_code, user_by_username
from service.workflow import working_days as calendar

from .app import START

ICPC_WITHIN_WD = 15  # Working Together: the initial conference within 15 WD of the strategy discussion


def child(case_number: str, team: str = "NE") -> int:
    return cases.create_child(
        {
            "case_number": case_number,
            "name": f"Child {case_number}",
            "dob": "2019-05-06",
            "gender": "F",
            "team": team,
            "social_worker": "sw.north",
        },
        actor="test",
    ).id


def _instance(process_id: str, child_id: int) -> int:
    instance = ProcessInstance(
        process_id=process_id,
        version_ids=[],
        child_id=str(child_id),
        status=InstanceStatus.RUNNING,
        state="{}",
        version=1,
        started_by="test",
        created_at=START,
        updated_at=START,
    )
    db.session.add(instance)
    db.session.flush()
    return instance.id


def episode(child_id: int, strategy_on: date, team: str = "NE", chair: str = "iro1", **fields) -> CpEpisode:
    """An episode whose initial conference is due 15 WD after its strategy discussion."""
    with writing():
        row = CpEpisode(
            child_id=child_id,
            instance_id=_instance("child_protection", child_id),
            status=CpEpisodeStatus.PLAN,
            strategy_on=strategy_on,
            icpc_due=calendar.add_working_days(strategy_on, ICPC_WITHIN_WD),
            chair_id=user_by_username(chair).id,
            team_id=team_by_code(team).id,
            **fields,
        )
        db.session.add(row)
    return row


def conference(
    of: CpEpisode,
    held_on: date | None,
    kind: ConferenceKind = ConferenceKind.INITIAL,
    due_date: date | None = None,
    chair: str = "iro1",
    status: ConferenceStatus = ConferenceStatus.HELD,
) -> Conference:
    """A conference of `of`; an initial one is due on the episode's ICPC due date unless given."""
    due_date = due_date or (of.icpc_due if kind != ConferenceKind.REVIEW else None)
    with writing():
        row = Conference(
            episode_id=of.id,
            instance_id=of.instance_id,
            kind=kind,
            number=0 if kind != ConferenceKind.REVIEW else 1,
            status=status,
            due_date=due_date,
            held_on=held_on if status == ConferenceStatus.HELD else None,
            on_time=None if held_on is None or due_date is None else held_on <= due_date,
            chair_id=user_by_username(chair).id,
        )
        db.session.add(row)
    return row


def plan(
    of: CpEpisode,
    child_id: int,
    started_on: date,
    category: str = "neglect",
    number: int = 1,
    chair: str = "iro1",
    ended_on: date | None = None,
    became_looked_after_on: date | None = None,
) -> CpPlan:
    with writing():
        row = CpPlan(
            child_id=child_id,
            episode_id=of.id,
            number=number,
            started_on=started_on,
            category=category,
            chair_id=user_by_username(chair).id,
            ended_on=ended_on,
            end_reason=None if ended_on is None else "no_longer_at_risk",
            became_looked_after_on=became_looked_after_on,
        )
        db.session.add(row)
    return row


def minutes(of: Conference, distribution_due: date, distributed_on: date | None = None) -> ConferenceMinutes:
    with writing():
        row = ConferenceMinutes(
            conference_id=of.id,
            instance_id=_instance("cp_minutes", db.session.get(CpEpisode, of.episode_id).child_id),
            status=MinutesStatus.OUTSTANDING if distributed_on is None else MinutesStatus.DISTRIBUTED,
            chair_id=of.chair_id,
            held_on=of.held_on,
            distribution_due=distribution_due,
            distributed_on=distributed_on,
            distribution_met=None if distributed_on is None else distributed_on <= distribution_due,
        )
        db.session.add(row)
    return row
