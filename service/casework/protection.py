"""Which child protection events run a process, and what they change besides (docs/domain.md D).

- A strategy discussion starts the child protection process only when it starts a section 47
  enquiry (`s47: true`) or the child arrives on another council's plan (`transfer_in: true`).
  A child whose sibling has an enquiry open, before its initial conference, joins that
  enquiry: one family, one conference (docs/adr/0019). A child already in an enquiry or on a
  plan has the discussion recorded only.
- `cp_plan_started` from the case system takes on a plan the service does not run yet (at
  go-live, `next_review_due` given); for a child whose plan the service runs, it is recorded only.
- `cp_plan_ended` for one child of a sibling group ends that child's plan; the group's process
  ends with the last child's plan.
- A child who becomes looked after while on a plan is counted CP-to-LAC (report 6.4).
"""

from sqlalchemy import select, update

from service.models import Child, CpEpisode, CpEpisodeStatus, CpPlan, InstanceChild, InstanceStatus, ProcessInstance

_plans, _children = CpPlan.__table__, Child.__table__
OPEN = (CpEpisodeStatus.ENQUIRY, CpEpisodeStatus.PLAN)


def runs(uow, kind: str, fields: dict, child_id: int) -> bool:
    """Whether the event goes on to its process; the changes it makes instead are made in `uow`."""
    if kind == "cp_strategy_discussion":
        if not (fields["s47"] or fields.get("transfer_in")):
            return False
        if open_episode(uow.connection, child_id) is not None:
            return False
        enquiry = _siblings_enquiry(uow.connection, child_id)
        if enquiry is not None:
            uow.join(enquiry, str(child_id))
            return False
        return True
    if kind == "cp_plan_started":
        return open_episode(uow.connection, child_id) is None
    if kind == "cp_plan_ended":
        return not _end_one_of_group(uow, child_id, fields)
    if kind == "became_looked_after":
        uow.connection.execute(
            update(_plans)
            .where(_plans.c.child_id == child_id, _plans.c.ended_on.is_(None))
            .values(became_looked_after_on=fields["date"])
        )
    return True


def open_episode(connection, child_id: int) -> int | None:
    """The id of the running child protection episode that concerns the child (alone or in a group)."""
    return connection.scalar(
        select(CpEpisode.id)
        .join(InstanceChild, InstanceChild.instance_id == CpEpisode.instance_id)
        .join(ProcessInstance, ProcessInstance.id == CpEpisode.instance_id)
        .where(
            InstanceChild.child_id == str(child_id),
            CpEpisode.status.in_(OPEN),
            ProcessInstance.status == InstanceStatus.RUNNING,
        )
        .order_by(CpEpisode.id.desc())
        .limit(1)
    )


def _siblings_enquiry(connection, child_id: int) -> int | None:
    """The instance of a sibling's enquiry still before its initial conference, if any."""
    siblings = connection.scalar(select(_children.c.siblings).where(_children.c.id == child_id)) or []
    if not siblings:
        return None
    return connection.scalar(
        select(CpEpisode.instance_id)
        .join(InstanceChild, InstanceChild.instance_id == CpEpisode.instance_id)
        .join(ProcessInstance, ProcessInstance.id == CpEpisode.instance_id)
        .where(
            InstanceChild.child_id.in_([str(s) for s in siblings]),
            CpEpisode.status == CpEpisodeStatus.ENQUIRY,
            ProcessInstance.status == InstanceStatus.RUNNING,
        )
        .order_by(CpEpisode.id)
        .limit(1)
    )


def _end_one_of_group(uow, child_id: int, fields: dict) -> bool:
    """End one child's plan where others of the group stay on theirs; False if it is the last."""
    episode = open_episode(uow.connection, child_id)
    if episode is None:
        return False
    others = uow.connection.scalar(
        select(_plans.c.id)
        .where(_plans.c.episode_id == episode, _plans.c.child_id != child_id, _plans.c.ended_on.is_(None))
        .limit(1)
    )
    if others is None:
        return False
    uow.connection.execute(
        update(_plans)
        .where(_plans.c.episode_id == episode, _plans.c.child_id == child_id, _plans.c.ended_on.is_(None))
        .values(ended_on=fields["date"], end_reason=fields["reason"])
    )
    return True
