"""Sibling groups (docs/adr/0019, docs/domain.md C8): a child's siblings, the processes that
concern several children, and what each person may see of them.

A person sees of a group only the children they see (`service.people.access`): a name, a
case number or an id of any other child of the group never reaches their page, nor does
their number. The sibling list is kept both ways by `children.change_child`; a person
changes only the part of it they see, the siblings they may not see stay as they were.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, or_, select

from service.casework import children as cases
from service.db import db
from service.errors import InvalidData
from service.models import Child, InstanceChild, InstanceStatus, ProcessInstance
from service.people import access
from service.people.accounts import Identity

_SEPARATORS = re.compile(r"[\s,;]+")


def siblings_seen(who: Identity, child: Child) -> list[Child]:
    """The child's siblings this person sees, by name."""
    if not child.siblings:
        return []
    return list(
        db.session.scalars(
            select(Child).where(Child.id.in_(child.siblings), access.child_condition(who)).order_by(Child.name)
        )
    )


def alert_siblings(who: Identity, child: Child) -> list[Child]:
    """The siblings an IRO raising an alert from this child's page may include: looked after, and seen."""
    return [sibling for sibling in siblings_seen(who, child) if sibling.looked_after]


def change_siblings(who: Identity, child: Child, case_numbers: str, *, actor: str) -> Child:
    """Set the child's siblings that this person sees to the children of these case numbers
    (separated by spaces or commas); siblings they do not see are kept. A case number of no
    child they see is refused, named, and nothing changes."""
    wanted = list(dict.fromkeys(n for n in _SEPARATORS.split(case_numbers.strip().upper()) if n))
    found = dict(
        db.session.execute(
            select(Child.case_number, Child.id).where(Child.case_number.in_(wanted), access.child_condition(who))
        ).all()
    )
    unknown = [number for number in wanted if number not in found]
    if unknown:
        message = f"no child you may see has the case number {', '.join(unknown)}"
        raise InvalidData(f"siblings: {message}", {"siblings": message})
    if child.case_number in found:
        message = "a child is not their own sibling"
        raise InvalidData(f"siblings: {message}", {"siblings": message})
    seen = {sibling.id for sibling in siblings_seen(who, child)}
    unseen = set(child.siblings or []) - seen
    return cases.change_child(child.id, {"siblings": sorted(unseen | set(found.values()))}, actor=actor)


@dataclass(frozen=True)
class Process:
    """A process concerning the child, with the other children of its group this person sees."""

    id: int
    process_id: str
    status: InstanceStatus
    created_at: datetime
    siblings: list  # (id, name, case_number) of the group's other children this person sees
    may_open: bool  # its live view: for whoever sees its lead child (and the process owner)


def processes(who: Identity, child_id: int) -> list[Process]:
    """The processes that concern the child, alone or in a sibling group, running ones first then
    the newest (for a page that already checked the person sees the child)."""
    concerning = select(InstanceChild.instance_id).where(InstanceChild.child_id == str(child_id))
    rows = db.session.execute(
        select(
            ProcessInstance.id,
            ProcessInstance.process_id,
            ProcessInstance.status,
            ProcessInstance.created_at,
            ProcessInstance.child_id,
        )
        .where(or_(ProcessInstance.child_id == str(child_id), ProcessInstance.id.in_(concerning)))
        .order_by((ProcessInstance.status != InstanceStatus.RUNNING), ProcessInstance.id.desc())
    ).all()
    others: dict[int, list] = {}
    for instance_id, sibling_id, name, case_number in db.session.execute(
        select(InstanceChild.instance_id, Child.id, Child.name, Child.case_number)
        .join(Child, cast(Child.id, String) == InstanceChild.child_id)
        .where(
            InstanceChild.instance_id.in_([row.id for row in rows]),
            InstanceChild.child_id != str(child_id),
            access.child_condition(who),
        )
        .order_by(Child.name)
    ):
        others.setdefault(instance_id, []).append((sibling_id, name, case_number))
    leads_seen = set(
        db.session.scalars(
            select(cast(Child.id, String)).where(
                Child.id.in_({int(row.child_id) for row in rows if row.child_id.isdigit()}),
                access.child_condition(who),
            )
        )
    )
    return [
        Process(
            row.id,
            row.process_id,
            row.status,
            row.created_at,
            others.get(row.id, []),
            access.sees_processes(who) or row.child_id in leads_seen,
        )
        for row in rows
    ]
