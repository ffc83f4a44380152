"""Who may see what: one place for the access rules, as SQL conditions.

- An IRO sees the children they review (looked after or chairing the child
  protection plan), and while covering an IRO who is away that IRO's children too; a social
  worker the children allocated to them.
- A Team Manager sees the children of their team; an ISM or Head of Service those
  of their service area's teams.
- The Review and QA Manager, the Head of Safeguarding, the Assistant Director, the
  Director and the Chief Executive see every child.
- A task is seen by its assignee, by whoever sees its child, and, while nobody holds
  it, by the holders of its role; only the first and the last may act on it.
- On a child's case page: anyone who sees a looked-after child reports a significant
  change; the Review and QA Manager records that a child became looked after; the child's
  social worker or that manager that the child ceased to be; the child's IRO brings the
  next review forward; an IRO who sees a looked-after child raises a management alert (and
  may include that child's looked-after siblings whom they see: one alert for the group).
- Whether the child's social worker is qualified is said by the child's Team Manager and the
  Review and QA Manager (the RAG notification asks the IRO only while nobody has).
- A child's siblings are changed by the child's social worker, their Team Manager and the
  Review and QA Manager; the birth of an unborn child is recorded by the child's social
  worker or the Review and QA Manager.
- A process or an alert concerning a sibling group is seen by whoever sees any of its
  children, each seeing only the children they see.
- A child protection strategy discussion is recorded by the child's social worker, a Team
  Manager or the Review and QA Manager.
- An open management alert is for the holders of its stage's role, within that role's reach.
- A child's own page (docs/domain.md V3) is prepared by the child's IRO, social worker, their Team
  Manager and the Review and QA Manager; its words are written by the IRO and that manager. The
  views the child sends are seen by the IRO and that manager, and by the social worker only
  when the child said yes; by nobody else.
- Cover while an IRO is away is set, ended and its open tasks moved by the IROs' managers: the
  Review and QA Manager and the Head of Safeguarding.
- The reports are for those who see every child; the minutes backlog for the Business Support
  Manager, who manages the minute takers, and the Review and QA Manager.
- Parents' feedback after a conference is gathered by its chair, its minute taker, the Business
  Support Manager and the Review and QA Manager; its summary is for those who see the reports
  and the Business Support Manager.
Anything else is answered as if it did not exist (404), so ids leak nothing.
"""

from sqlalchemy import String, and_, cast, false, or_, select, true

from service.models import (
    AlertStatus,
    Child,
    ChildViews,
    HumanTask,
    InstanceChild,
    IroCover,
    ManagementAlert,
    ProcessInstance,
    Team,
)
from service.people import assignment, roles
from service.people.accounts import Identity
from service.workflow import clock, working_days


def child_condition(who: Identity):
    """Rows of `children` this person may see."""
    if who.has(*roles.SEE_EVERY_CHILD):
        return true()
    conditions = [caseload_condition(who)] if has_caseload(who) else []
    if who.has(roles.IRO):
        conditions.append(_covered_condition(who))
    teams = who.teams(*roles.TEAM_SCOPED)
    if teams:
        conditions.append(_of_teams(teams))
    areas = who.areas(*roles.AREA_SCOPED)
    if areas:
        conditions.append(_of_areas(areas))
    return or_(*conditions) if conditions else false()


def _covered_condition(who: Identity):
    """The children of the IROs this IRO covers today: they do those children's new work."""
    today = working_days.london_date(clock.now())
    away = select(IroCover.away_user_id).where(IroCover.covering_user_id == who.id, assignment.cover_applies(today))
    return or_(Child.iro_id.in_(away), Child.cp_iro_id.in_(away))


def _of_teams(teams):
    return Child.team_id.in_(teams)


def _of_areas(areas):
    return Child.team_id.in_(select(Team.id).where(Team.service_area.in_(areas)))


def visible_child_ids(who: Identity):
    """A subquery of the child ids (as text, as projections hold them) this person may see."""
    return select(cast(Child.id, String)).where(child_condition(who))


def task_condition(who: Identity):
    """Rows of `human_tasks` this person may see."""
    return or_(
        HumanTask.assignee == who.username,
        waiting_for_role_condition(who),
        HumanTask.child_id.in_(visible_child_ids(who)),
    )


def waiting_for_role_condition(who: Identity, tasks=HumanTask):
    """Rows of `human_tasks` (or an alias of it) nobody holds, of a role this person holds: theirs to pick up."""
    return and_(tasks.assignee.is_(None), tasks.candidate_role.in_(who.roles))


def acting_condition(who: Identity, tasks=HumanTask):
    """Rows of `human_tasks` (or an alias of it) this person may act on, as `may_act_on` decides."""
    return or_(tasks.assignee == who.username, waiting_for_role_condition(who, tasks))


def may_claim(who: Identity, task) -> bool:
    """Pick a task up: nobody holds it and this person holds its role."""
    return task.assignee is None and task.candidate_role in who.roles


def may_act_on(who: Identity, task) -> bool:
    """Complete or save a draft: the assignee, or a holder of its role while nobody holds it."""
    return task.assignee == who.username or may_claim(who, task)


def may_reassign(who: Identity) -> bool:
    return who.has(*roles.MANAGERS)


def may_set_cover(who: Identity) -> bool:
    return who.has(roles.REVIEW_QA_MANAGER, roles.HEAD_OF_SAFEGUARDING)


def may_be_given(who: Identity, task, sees_child: bool) -> bool:
    """Whether a task may be moved to this person: they hold its role and, for a role held for a
    team or a service area, `sees_child` (its child is within their reach)."""
    scoped = task.candidate_role in roles.TEAM_SCOPED + roles.AREA_SCOPED
    return task.candidate_role in who.roles and (sees_child or not scoped)


def caseload_condition(who: Identity):
    """Rows of `children` that are this person's own ("My children"): an IRO's looked-after children
    and the children whose child protection conferences they chair; a social worker's allocated
    children. A subset of `child_condition`."""
    conditions = []
    if who.has(roles.IRO):
        conditions += [Child.iro_id == who.id, Child.cp_iro_id == who.id]
    if who.has(roles.SOCIAL_WORKER):
        conditions.append(Child.social_worker_id == who.id)
    return or_(*conditions) if conditions else false()


def has_caseload(who: Identity) -> bool:
    """ "My children" is for IROs and social workers."""
    return who.has(roles.IRO, roles.SOCIAL_WORKER)


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


# --- a child's case page: each form is offered, and answered, only to whom it names -----------
# (the child is one this person sees; anyone else gets 404, as for a child they do not see)


def may_report_change(who: Identity, child) -> bool:
    """A significant change: anyone who sees the child."""
    return True


def may_record_looked_after(who: Identity, child) -> bool:
    return who.has(roles.REVIEW_QA_MANAGER)


def may_record_ceased(who: Identity, child) -> bool:
    """The child's own social worker, or the Review and QA Manager."""
    return child.social_worker_id == who.id or who.has(roles.REVIEW_QA_MANAGER)


def may_bring_review_forward(who: Identity, child) -> bool:
    """Only the child's IRO (reg 33(3))."""
    return child.iro_id == who.id


def may_record_strategy(who: Identity, child) -> bool:
    """A child protection strategy discussion: the child's social worker, a Team Manager who sees the
    child, or the Review and QA Manager."""
    return child.social_worker_id == who.id or who.has(roles.TEAM_MANAGER, roles.REVIEW_QA_MANAGER)


def may_change_siblings(who: Identity, child) -> bool:
    """The child's social worker, their team's Team Manager, or the Review and QA Manager."""
    return (
        child.social_worker_id == who.id
        or child.team_id in who.teams(roles.TEAM_MANAGER)
        or who.has(roles.REVIEW_QA_MANAGER)
    )


def may_say_worker_qualified(who: Identity, child) -> bool:
    """Whether the child's social worker is qualified: their team's Team Manager, or the Review and QA Manager."""
    return child.team_id in who.teams(roles.TEAM_MANAGER) or who.has(roles.REVIEW_QA_MANAGER)


def may_record_birth(who: Identity, child) -> bool:
    """An unborn child's social worker, or the Review and QA Manager."""
    return child.social_worker_id == who.id or who.has(roles.REVIEW_QA_MANAGER)


def raises_alerts(who: Identity) -> bool:
    return who.has(roles.IRO)


def may_raise_alert(who: Identity, child) -> bool:
    """An IRO who sees a looked-after child may challenge the care plan (protocol 3.3)."""
    return raises_alerts(who) and child.looked_after


def concerns_visible_child(who: Identity, instance_id):
    """Whether the instance (a column or an id) concerns a child this person sees: the lead child or
    another of its sibling group (`instance_children`)."""
    return (
        select(InstanceChild.instance_id)
        .where(InstanceChild.instance_id == instance_id, InstanceChild.child_id.in_(visible_child_ids(who)))
        .exists()
    )


# --- management alerts and reports -----------------------------------------------------------


def sees_alerts(who: Identity) -> bool:
    """Whether "Alerts for me" is theirs: they hold a role that receives an alert at a stage."""
    return who.has(*roles.ALERT_STAGES)


def alerts_at_my_stage_condition(who: Identity):
    """Rows of `management_alerts` (joined to `children`) open at a stage whose role this person
    holds, for the children of that role's reach; None for someone who holds no role."""
    conditions = []
    for role in who.roles:
        if role in roles.TEAM_SCOPED:
            reach = _of_teams(who.teams(role))
        elif role in roles.AREA_SCOPED:
            reach = _of_areas(who.areas(role))
        else:
            reach = true()
        conditions.append(and_(ManagementAlert.stage_role == role, reach))
    return and_(ManagementAlert.status == AlertStatus.OPEN, or_(*conditions)) if conditions else None


def sees_reports(who: Identity) -> bool:
    """The review figures, the alert and RAG registers, SSDA903: those who see every child."""
    return who.has(*roles.SEE_EVERY_CHILD)


def may_gather_feedback(who: Identity, conference, sees_child: bool) -> bool:
    """Hand parents their feedback links and type in paper forms for a held conference: its chair
    (an IRO who sees the child), its minute taker, the Business Support Manager (who manages the
    minute takers, and, like them, sees no child's case) and the Review and QA Manager."""
    return (
        (who.has(roles.IRO) and conference.chair_id == who.id and sees_child)
        or (who.has(roles.MINUTE_TAKER) and conference.minute_taker_id == who.id)
        or who.has(roles.BUSINESS_SUPPORT_MANAGER, roles.REVIEW_QA_MANAGER)
    )


def sees_feedback_summary(who: Identity) -> bool:
    """Parents' feedback figures, anonymous: those who see the reports and the Business Support Manager."""
    return sees_reports(who) or who.has(roles.BUSINESS_SUPPORT_MANAGER)


def sees_minutes_backlog(who: Identity) -> bool:
    """The minutes backlog: the Business Support Manager (the minute takers' manager) and the
    Review and QA Manager. It shows case numbers only, so it asks no more of who sees which child."""
    return who.has(roles.BUSINESS_SUPPORT_MANAGER, roles.REVIEW_QA_MANAGER)


# --- a child's own page and the views the child sends (docs/domain.md V3) ----------------------


def may_prepare_own_page(who: Identity, child) -> bool:
    """The child's IRO, social worker, their team's Team Manager, or the Review and QA Manager."""
    return (
        child.iro_id == who.id
        or child.social_worker_id == who.id
        or child.team_id in who.teams(roles.TEAM_MANAGER)
        or who.has(roles.REVIEW_QA_MANAGER)
    )


def may_write_own_page(who: Identity, child) -> bool:
    """The words for the child are the IRO's (or the Review and QA Manager's)."""
    return child.iro_id == who.id or who.has(roles.REVIEW_QA_MANAGER)


def child_views_condition(who: Identity, child):
    """Rows of `child_views` of this child this person may see: all for the child's IRO and the
    Review and QA Manager, those the child agreed to share for the social worker, else none."""
    if may_write_own_page(who, child):
        return true()
    if child.social_worker_id == who.id:
        return ChildViews.share_with_social_worker.is_(True)
    return false()
