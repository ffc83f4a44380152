"""Finding a child: by any part of the name, the date of birth or the case number.

Only among the children the person may see (`access.child_condition`): a child they may not
see is never found by any field, so a search leaks nothing a case page would not show. A
case number is matched whole (in any of its three formats, spaces and case ignored); a date
of birth as staff type one (4/3/2012, 04/03/2012, 4 March 2012 or 2012-03-04).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select

from service.db import db
from service.errors import InvalidData
from service.models import Child, Team
from service.people import access
from service.people.accounts import Identity

from .children import CASE_NUMBER

SHOWN = 50
SHORTEST = 2
DATE_FORMATS = ("%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d")


@dataclass(frozen=True)
class Found:
    id: int
    name: str
    dob: date | None
    expected_birth: date | None
    case_number: str
    team: str
    looked_after: bool
    cp_plan: bool


@dataclass(frozen=True)
class Results:
    children: list[Found]
    more: bool  # more than SHOWN matched: the person should search more narrowly


def find(who: Identity, query: str) -> Results:
    """The visible children whose name contains the query, or whose date of birth or case number it is."""
    text = " ".join(query.split())
    if len(text) < SHORTEST:
        raise InvalidData.on("q", f"Enter at least {SHORTEST} characters")
    matches: list[ColumnElement[bool]] = [Child.name.ilike(f"%{_escaped(text)}%", escape="\\")]
    number = "".join(text.split()).upper()
    if CASE_NUMBER.fullmatch(number):
        matches.append(Child.case_number == number)
    born = date_of_birth(text)
    if born is not None:
        matches.append(Child.dob == born)
    rows = db.session.execute(
        select(
            Child.id,
            Child.name,
            Child.dob,
            Child.expected_birth,
            Child.case_number,
            Team.name,
            Child.looked_after,
            Child.cp_plan,
        )
        .join(Team, Team.id == Child.team_id)
        .where(access.child_condition(who), or_(*matches))
        .order_by(Child.name, Child.id)
        .limit(SHOWN + 1)
    ).all()
    return Results([Found(*row) for row in rows[:SHOWN]], len(rows) > SHOWN)


def date_of_birth(text: str) -> date | None:
    """The date a query names in one of the formats staff type, or None."""
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _escaped(text: str) -> str:
    """The text with LIKE's wildcards taken literally."""
    return re.sub(r"([\\%_])", r"\\\1", text)
