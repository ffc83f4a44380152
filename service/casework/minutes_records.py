"""What the minutes diagram records (`record_minutes(...)`, bpmn/cp_minutes.bpmn): one row of
`cp_minutes` per set of minutes, the backlog's source (docs/domain.md D).

The first call names the conference, as the child protection process that threw
`conference_held` knows it (`parent_instance_id` and `conference_number`), and the minute taker
and chair by username; later calls record each step's date and the status. A field that is not
the table's, a conference or person that does not exist, fails the diagram's step, naming it.
"""

from sqlalchemy import insert, select, update

from service.errors import ScriptFailed
from service.models import Conference, ConferenceMinutes, CpEpisode, User

_minutes, _conferences, _episodes, _users = (
    ConferenceMinutes.__table__,
    Conference.__table__,
    CpEpisode.__table__,
    User.__table__,
)
_WHICH = ("parent_instance_id", "conference_number")  # name the conference, on the first call only
_PEOPLE = {"minute_taker": "minute_taker_id", "chair": "chair_id"}
_NOT_WRITABLE = {"id", "conference_id", "instance_id", "minute_taker_id", "chair_id"}


def record(uow, instance, fields: dict, value_of) -> None:
    """`value_of(table, name, value)` is case_records' one reading of a diagram's value for a column."""
    fields = dict(fields)
    which = {name: fields.pop(name) for name in _WHICH if name in fields}
    values = {_PEOPLE[name]: _user_id(uow.connection, fields.pop(name)) for name in list(fields) if name in _PEOPLE}
    own = sorted(set(fields) & _NOT_WRITABLE)
    if own:
        raise ScriptFailed(f"cp_minutes has no field {own[0]!r} a diagram can record")
    values.update({name: value_of(_minutes, name, value) for name, value in fields.items()})
    found = uow.connection.scalar(select(_minutes.c.id).where(_minutes.c.instance_id == instance.id))
    if found is None:
        conference_id = _conference_id(uow.connection, which)
        uow.connection.execute(insert(_minutes).values(conference_id=conference_id, instance_id=instance.id, **values))
    elif values:
        uow.connection.execute(update(_minutes).where(_minutes.c.id == found).values(**values))


def _conference_id(connection, which: dict) -> int:
    if set(which) != set(_WHICH):
        raise ScriptFailed(
            "record_minutes: the first call names the conference: parent_instance_id=..., conference_number=..."
        )
    try:
        parent, number = int(which["parent_instance_id"]), int(which["conference_number"])
    except (TypeError, ValueError):
        raise ScriptFailed("record_minutes: parent_instance_id and conference_number must be whole numbers") from None
    found = connection.scalar(
        select(_conferences.c.id)
        .join(_episodes, _episodes.c.id == _conferences.c.episode_id)
        .where(_episodes.c.instance_id == parent, _conferences.c.number == number)
    )
    if found is None:
        raise ScriptFailed(f"record_minutes: instance {parent} has no conference number {number}")
    return found


def _user_id(connection, username) -> int | None:
    if username is None:
        return None
    found = connection.scalar(select(_users.c.id).where(_users.c.username == str(username)))
    if found is None:
        raise ScriptFailed(f"record_minutes: there is no person {username!r}")
    return found
