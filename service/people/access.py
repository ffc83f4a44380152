"""Who may see what: one place for the access rules, as SQL conditions.

- An IRO sees the children they review (looked after or chairing the child
  protection plan); a social worker the children allocated to them.
- A Team Manager sees the children of their team; an ISM or Head of Service those
  of their service area's teams.
- The Review and QA Manager, the Head of Safeguarding, the Assistant Director, the
  Director and the Chief Executive see every child.
- A task is seen by its assignee, by whoever sees its child, and, while nobody holds
  it, by the holders of its role.
Anything else is answered as if it did not exist (404), so ids leak nothing.
"""

from sqlalchemy import String, and_, cast, false, or_, select, true

from service.models import Child, HumanTask, ProcessInstance, Team
from service.people import roles
from service.people.accounts import Identity


def child_condition(who: Identity):
    """Rows of `children` this person may see."""
    if who.has(*roles.SEE_EVERY_CHILD):
        return true()
    conditions = []
    if who.has(roles.IRO):
        conditions += [Child.iro_id == who.id, Child.cp_iro_id == who.id]
    if who.has(roles.SOCIAL_WORKER):
        conditions.append(Child.social_worker_id == who.id)
    teams = who.teams(*roles.TEAM_SCOPED)
    if teams:
        conditions.append(Child.team_id.in_(teams))
    areas = who.areas(*roles.AREA_SCOPED)
    if areas:
        conditions.append(Child.team_id.in_(select(Team.id).where(Team.service_area.in_(areas))))
    return or_(*conditions) if conditions else false()


def visible_child_ids(who: Identity):
    """A subquery of the child ids (as text, as projections hold them) this person may see."""
    return select(cast(Child.id, String)).where(child_condition(who))


def task_condition(who: Identity):
    """Rows of `human_tasks` this person may see."""
    return or_(
        HumanTask.assignee == who.username,
        and_(HumanTask.assignee.is_(None), HumanTask.candidate_role.in_(who.roles)),
        HumanTask.child_id.in_(visible_child_ids(who)),
    )


def may_act_on(who: Identity, task) -> bool:
    """Complete or save a draft: the assignee, or a holder of its role while nobody holds it."""
    return task.assignee == who.username or (task.assignee is None and task.candidate_role in who.roles)


def may_reassign(who: Identity) -> bool:
    return who.has(*roles.MANAGERS)


def sees_processes(who: Identity) -> bool:
    return who.has(roles.PROCESS_OWNER)


def sees_undelivered_mail(who: Identity) -> bool:
    """The notices that could not be delivered, and sending them again: the Review and QA Manager's."""
    return who.has(roles.REVIEW_QA_MANAGER)


def instance_condition(who: Identity):
    """Rows of `process_instances` this person may see: the process owner every one (to mend and
    migrate them), anyone else those of the children they see."""
    if sees_processes(who):
        return true()
    return ProcessInstance.child_id.in_(visible_child_ids(who))
