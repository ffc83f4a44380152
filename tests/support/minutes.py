"""A conference held, as the child protection diagram will report it: its episode and conference
rows, then the `conference_held` message that starts the minutes (bpmn/cp_minutes.bpmn)."""

from datetime import date

from sqlalchemy import insert, select

from service.db import db, writing
from service.models import (
    Conference,
    ConferenceKind,
    ConferenceMinutes,
    ConferenceStatus,
    CpEpisode,
    HumanTask,
    OutboxMessage,
    TaskStatus,
)
from service.workflow import instances


def conference_held(
    parent_instance_id: int, child_id: int, held_on: str, number=0, kind="initial", chair="iro1", minute_taker="minutes"
) -> int:
    """Record conference `number` of the episode run by `parent_instance_id` as held, and send
    `conference_held`; the id of the minutes' instance."""
    with writing():
        episode_id = db.session.scalar(select(CpEpisode.id).where(CpEpisode.instance_id == parent_instance_id))
        if episode_id is None:
            episode_id = db.session.execute(
                insert(CpEpisode).values(child_id=child_id, instance_id=parent_instance_id).returning(CpEpisode.id)
            ).scalar_one()
        db.session.execute(
            insert(Conference).values(
                episode_id=episode_id,
                instance_id=parent_instance_id,
                kind=ConferenceKind(kind),
                number=number,
                status=ConferenceStatus.HELD,
                held_on=date.fromisoformat(held_on),
            )
        )
    payload = {
        "conference_number": number,
        "held_on": held_on,
        "chair": chair,
        "minute_taker": minute_taker,
        "kind": kind,
        "parent_instance_id": parent_instance_id,
    }
    [started] = instances.send_message("conference_held", payload, actor="test", child_id=str(child_id))
    return started


def minutes_of(instance_id: int) -> ConferenceMinutes:
    return db.session.scalar(select(ConferenceMinutes).where(ConferenceMinutes.instance_id == instance_id))


def notices_of(instance_id: int) -> list[tuple]:
    """(recipient username, subject) of every notification the minutes' instance queued, in order."""
    return [
        (m.recipient_username, m.subject)
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.instance_id == instance_id).order_by(OutboxMessage.id)
        )
    ]


def open_steps(instance_id: int) -> list[str]:
    return db.session.scalars(
        select(HumanTask.spec_name)
        .where(HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.OPEN)
        .order_by(HumanTask.id)
    ).all()
