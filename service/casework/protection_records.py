"""What the child protection diagram records on the case (docs/domain.md D): its episode, the
chair and minute taker, each conference, and each child's plan.

`record_cp(...)` writes the episode of the instance (one per instance; the lead child's, with the
lead's team); `allocate_cp_chair(iro=..., minute_taker=...)` names the chair and minute taker and
makes the chair every child's child protection IRO; `record_conference(number=n, ...)` writes one
conference of the episode (0 the initial, then the reviews), with the episode's chair and minute
taker; `start_cp_plans(started_on=..., category=...)` gives every child of the instance a plan;
`end_cp_plans(ended_on=..., reason=...)` ends them. Field names are the tables' columns; anything
else is refused, naming it, as for the other records (case_records._value).
"""

from sqlalchemy import func, insert, select, update

from service.casework import codes, invitations
from service.errors import ScriptFailed
from service.models import (
    Child,
    Conference,
    ConferenceStatus,
    CpEpisode,
    CpEpisodeStatus,
    CpPlan,
    User,
    UserRole,
)
from service.people import roles

_episodes, _conferences, _plans = CpEpisode.__table__, Conference.__table__, CpPlan.__table__
_children, _users, _user_roles = Child.__table__, User.__table__, UserRole.__table__
KINDS = ("record_cp", "allocate_cp_chair", "record_conference", "start_cp_plans", "end_cp_plans")
# set by allocate_cp_chair, or from the episode: a diagram does not write them directly
_OWN = {"chair_id", "minute_taker_id", "episode_id"}


def apply(uow, instance, kind: str, fields: dict, value_of) -> None:
    """Apply one record; `value_of(table, name, value)` turns a diagram's value into the column's."""
    if kind == "record_cp":
        _record_cp(uow, instance, _values(_episodes, fields, value_of))
    elif kind == "allocate_cp_chair":
        _allocate(uow, instance, fields)
    elif kind == "record_conference":
        _record_conference(uow, instance, fields, value_of)
    elif kind == "start_cp_plans":
        _start_plans(uow, instance, fields, value_of)
    elif kind == "end_cp_plans":
        _end_plans(uow, instance, fields, value_of)


def _values(table, fields, value_of) -> dict:
    own = sorted(set(fields) & _OWN)
    if own:
        raise ScriptFailed(f"{table.name} has no field {own[0]!r} a diagram can record")
    return {name: value_of(table, name, value) for name, value in fields.items()}


def _episode(uow, instance):
    row = uow.connection.execute(select(_episodes).where(_episodes.c.instance_id == instance.id)).one_or_none()
    if row is None:
        raise ScriptFailed("record_cp(...) must come first: this process has no child protection episode yet")
    return row


def _record_cp(uow, instance, values):
    found = uow.connection.scalar(select(_episodes.c.id).where(_episodes.c.instance_id == instance.id))
    if found is None:
        team = uow.connection.scalar(select(_children.c.team_id).where(_children.c.id == int(instance.child_id)))
        uow.connection.execute(
            insert(_episodes).values(child_id=int(instance.child_id), instance_id=instance.id, team_id=team, **values)
        )
    elif values:
        uow.connection.execute(update(_episodes).where(_episodes.c.id == found).values(**values))


def _holder(uow, username, role):
    return uow.connection.scalar(
        select(_users.c.id)
        .join(_user_roles, _user_roles.c.user_id == _users.c.id)
        .where(_users.c.username == username, _user_roles.c.role == role, _users.c.active.is_(True))
        .limit(1)
    )


def _allocate(uow, instance, fields):
    unknown = sorted(set(fields) - {"iro", "minute_taker"})
    if unknown:
        raise ScriptFailed(f"allocate_cp_chair: no field {unknown[0]!r}; give iro=... and minute_taker=...")
    chair = _holder(uow, fields.get("iro"), roles.IRO)
    if chair is None:
        raise ScriptFailed(f"allocate_cp_chair: {fields.get('iro')!r} is not an active IRO")
    minute_taker = None
    if fields.get("minute_taker"):
        minute_taker = _holder(uow, fields["minute_taker"], roles.MINUTE_TAKER)
        if minute_taker is None:
            raise ScriptFailed(f"allocate_cp_chair: {fields['minute_taker']!r} is not an active minute taker")
    episode = _episode(uow, instance)
    uow.connection.execute(
        update(_episodes).where(_episodes.c.id == episode.id).values(chair_id=chair, minute_taker_id=minute_taker)
    )
    children = [int(c) for c in uow.children_of(instance.id)]
    uow.connection.execute(update(_children).where(_children.c.id.in_(children)).values(cp_iro_id=chair))
    uow.connection.execute(
        update(_plans).where(_plans.c.episode_id == episode.id, _plans.c.ended_on.is_(None)).values(chair_id=chair)
    )


def _record_conference(uow, instance, fields, value_of):
    number = fields.get("number")
    if not isinstance(number, int) or number < 0:
        raise ScriptFailed(f"record_conference: give the conference's number=0, 1, 2..., not {number!r}")
    values = _values(_conferences, {k: v for k, v in fields.items() if k != "number"}, value_of)
    episode = _episode(uow, instance)
    values.update(chair_id=episode.chair_id, minute_taker_id=episode.minute_taker_id)
    found = uow.connection.scalar(
        select(_conferences.c.id).where(_conferences.c.episode_id == episode.id, _conferences.c.number == number)
    )
    if found is not None:
        uow.connection.execute(update(_conferences).where(_conferences.c.id == found).values(**values))
    elif values.get("kind") is None:
        raise ScriptFailed(f"record_conference: conference {number} is new; give its kind=...")
    else:
        found = uow.connection.execute(
            insert(_conferences)
            .values(episode_id=episode.id, instance_id=instance.id, number=number, **values)
            .returning(_conferences.c.id)
        ).scalar_one()
    invitations.sync(uow, "conference", found)


def _start_plans(uow, instance, fields, value_of):
    """One plan for each child of the instance, the child's nth; the chair is their CP IRO."""
    if set(fields) != {"started_on", "category"}:
        raise ScriptFailed("start_cp_plans: give started_on=... and category=... (and nothing else)")
    started_on = value_of(_plans, "started_on", fields["started_on"])
    category = fields["category"]
    if category not in codes.CP_CATEGORIES:
        raise ScriptFailed(f"start_cp_plans: category {category!r} is not one of {', '.join(codes.CP_CATEGORIES)}")
    episode = _episode(uow, instance)
    for child_id in (int(c) for c in uow.children_of(instance.id)):
        before = uow.connection.scalar(select(func.count(_plans.c.id)).where(_plans.c.child_id == child_id))
        uow.connection.execute(
            insert(_plans).values(
                child_id=child_id,
                episode_id=episode.id,
                number=before + 1,
                started_on=started_on,
                category=category,
                chair_id=episode.chair_id,
            )
        )
        uow.connection.execute(
            update(_children)
            .where(_children.c.id == child_id)
            .values(cp_plan=True, cp_category=category, cp_iro_id=episode.chair_id, cp_plan_since=started_on)
        )


def _end_plans(uow, instance, fields, value_of):
    """The episode's plans still open end; its conferences to come are cancelled."""
    if set(fields) != {"ended_on", "reason"}:
        raise ScriptFailed("end_cp_plans: give ended_on=... and reason=... (and nothing else)")
    reason = fields["reason"]
    if reason not in codes.CP_ENDED_REASONS:
        raise ScriptFailed(f"end_cp_plans: reason {reason!r} is not one of {', '.join(codes.CP_ENDED_REASONS)}")
    ended_on = value_of(_plans, "ended_on", fields["ended_on"])
    episode = _episode(uow, instance)
    open_plans = (_plans.c.episode_id == episode.id, _plans.c.ended_on.is_(None))
    children = uow.connection.scalars(select(_plans.c.child_id).where(*open_plans)).all()
    uow.connection.execute(update(_plans).where(*open_plans).values(ended_on=ended_on, end_reason=reason))
    uow.connection.execute(update(_children).where(_children.c.id.in_(children)).values(cp_plan=False))
    uow.connection.execute(
        update(_episodes)
        .where(_episodes.c.id == episode.id)
        .values(status=CpEpisodeStatus.ENDED, ended_on=ended_on, end_reason=reason, next_conference_due=None)
    )
    cancelled = uow.connection.scalars(
        update(_conferences)
        .where(
            _conferences.c.episode_id == episode.id,
            _conferences.c.status.in_([ConferenceStatus.DUE, ConferenceStatus.BOOKED]),
        )
        .values(status=ConferenceStatus.CANCELLED)
        .returning(_conferences.c.id)
    ).all()
    for conference_id in cancelled:
        invitations.sync(uow, "conference", conference_id)
