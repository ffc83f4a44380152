"""Tables of casework: children, the events reported about them, and the records their diagrams
keep (episodes, reviews, alerts, case notes, RAG notifications, child protection episodes, plans,
conferences and their minutes).
"""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, UTCDateTime
from .columns import enum_column


class Child(Model):
    """A child's case: who holds it and what the child's status is now.

    `id` is what the API and the projections call the child id (as text in projections).
    """

    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    dob: Mapped[date | None] = mapped_column(Date)  # None until an unborn child is born
    expected_birth: Mapped[date | None] = mapped_column(Date)  # a pre-birth conference's child
    gender: Mapped[str] = mapped_column(String(1))
    ethnicity: Mapped[str | None] = mapped_column(String(4))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    social_worker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    iro_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    siblings: Mapped[list] = mapped_column(JSON, default=list)
    looked_after: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_status: Mapped[str | None] = mapped_column(String(2))
    placement_type: Mapped[str | None] = mapped_column(String(30))
    placement_regulated: Mapped[bool | None] = mapped_column(Boolean)
    looked_after_since: Mapped[date | None] = mapped_column(Date)
    cp_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    cp_category: Mapped[str | None] = mapped_column(String(20))
    cp_iro_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    cp_plan_since: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChildEvent(Model):
    """An event a case-management system (or a person) reported about a child."""

    __tablename__ = "child_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    date: Mapped[date] = mapped_column(Date)
    fields: Mapped[dict] = mapped_column(JSON)
    reported_by: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    instance_ids: Mapped[list] = mapped_column(JSON, default=list)


class LookedAfterEpisode(Model):
    """One period of being looked after, as its diagram records it: allocation and ceasing."""

    __tablename__ = "looked_after_episodes"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    started_on: Mapped[date | None] = mapped_column(Date)
    legal_status: Mapped[str | None] = mapped_column(String(2))
    short_breaks: Mapped[bool | None] = mapped_column(Boolean)
    allocation_due: Mapped[date | None] = mapped_column(Date)
    allocated_on: Mapped[date | None] = mapped_column(Date)
    allocation_met: Mapped[bool | None] = mapped_column(Boolean)
    iro_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ceased_on: Mapped[date | None] = mapped_column(Date)
    ceased_reason: Mapped[str | None] = mapped_column(String(40))
    reviewed_before_ceasing: Mapped[bool | None] = mapped_column(Boolean)


class ReviewStatus(str, enum.Enum):
    DUE = "due"  # the cycle has started; no date booked yet
    BOOKED = "booked"
    ADJOURNED = "adjourned"  # rebooked after an adjournment; `booked_date` is the new date
    HELD = "held"
    CANCELLED = "cancelled"  # the child ceased to be looked after first


class Review(Model):
    """One statutory review (one review-cycle instance), as its diagram records it.

    The figures of docs/domain.md section E (reviews on time, participation, record
    timescales) and the SSDA903 reviews export are read from here. Who chaired it and
    which team held the case are stamped when the review is recorded as held.
    """

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_held", "status", "held_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    number: Mapped[int | None] = mapped_column(Integer)
    short_breaks: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[ReviewStatus] = mapped_column(enum_column(ReviewStatus), default=ReviewStatus.DUE)
    due_date: Mapped[date | None] = mapped_column(Date)
    booked_date: Mapped[date | None] = mapped_column(Date)
    brought_forward: Mapped[bool | None] = mapped_column(Boolean)
    late_reason: Mapped[str | None] = mapped_column(String(40))
    late_signed_off_on: Mapped[date | None] = mapped_column(Date)
    adjournments: Mapped[int | None] = mapped_column(Integer)
    contact_method: Mapped[str | None] = mapped_column(String(20))
    report_missing: Mapped[bool | None] = mapped_column(Boolean)
    held_on: Mapped[date | None] = mapped_column(Date)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    participation_code: Mapped[str | None] = mapped_column(String(3))
    endorses_care_plan_changes: Mapped[bool | None] = mapped_column(Boolean)
    attendees: Mapped[list | None] = mapped_column(JSON)
    decisions: Mapped[list | None] = mapped_column(JSON)  # [{text, owner, due, starred, category, done_on}]
    venue: Mapped[str | None] = mapped_column(String(300))  # where it is booked, for the child's own page
    invitees: Mapped[list | None] = mapped_column(JSON)  # who is invited: ["Mum", "My foster carer"]
    plan_words: Mapped[str | None] = mapped_column(Text)  # the care plan in plain words, for the child
    decided_words: Mapped[str | None] = mapped_column(Text)  # what the review decided, for the child
    iro_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # the record deadlines (docs/domain.md A6-A7): due date, the day it was done, and met or missed
    decisions_to_managers_due: Mapped[date | None] = mapped_column(Date)
    decisions_to_managers_on: Mapped[date | None] = mapped_column(Date)
    decisions_to_managers_met: Mapped[bool | None] = mapped_column(Boolean)
    decisions_due: Mapped[date | None] = mapped_column(Date)
    decisions_on: Mapped[date | None] = mapped_column(Date)
    decisions_met: Mapped[bool | None] = mapped_column(Boolean)
    record_due: Mapped[date | None] = mapped_column(Date)
    record_on: Mapped[date | None] = mapped_column(Date)
    record_met: Mapped[bool | None] = mapped_column(Boolean)
    distribution_due: Mapped[date | None] = mapped_column(Date)
    distribution_on: Mapped[date | None] = mapped_column(Date)
    distribution_met: Mapped[bool | None] = mapped_column(Boolean)
    # the calendar invitation last sent (service.casework.invitations): its date and SEQUENCE
    calendar_date: Mapped[date | None] = mapped_column(Date)
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AlertStatus(str, enum.Enum):
    OPEN = "open"
    RESOLVED = "resolved"
    REFERRED = "referred"  # referred to CAFCASS (section 118)
    WITHDRAWN = "withdrawn"  # closed by the IRO without resolution
    CANCELLED = "cancelled"  # the child ceased to be looked after first


class ManagementAlert(Model):
    """One IRO management alert (one management-alert instance), as its diagram records it.

    `stages` is the diagram's list of the role at each stage, so the printable form
    and "Alerts for me" follow the diagram a process owner deployed. The child's
    details are copied when the alert is raised: the form shows what was sent.
    """

    __tablename__ = "management_alerts"
    __table_args__ = (Index("ix_management_alerts_open", "status", "stage_role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    status: Mapped[AlertStatus] = mapped_column(enum_column(AlertStatus), default=AlertStatus.OPEN)
    raised_by: Mapped[str | None] = mapped_column(String(100))
    raised_on: Mapped[date | None] = mapped_column(Date, index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    serious: Mapped[bool | None] = mapped_column(Boolean)
    start_stage: Mapped[int | None] = mapped_column(Integer)
    stage: Mapped[int | None] = mapped_column(Integer)
    stage_role: Mapped[str | None] = mapped_column(String(100))
    stage_received_on: Mapped[date | None] = mapped_column(Date)
    stage_due_on: Mapped[date | None] = mapped_column(Date)
    stages: Mapped[list | None] = mapped_column(JSON)
    summary: Mapped[str | None] = mapped_column(Text)
    actions_requested: Mapped[list | None] = mapped_column(JSON)
    resolve_by: Mapped[date | None] = mapped_column(Date)
    cap_date: Mapped[date | None] = mapped_column(Date)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)
    cafcass_referred_on: Mapped[date | None] = mapped_column(Date)
    # as sent: the child and the people around the case when the alert was raised
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    child_name: Mapped[str | None] = mapped_column(String(200))
    child_dob: Mapped[date | None] = mapped_column(Date)
    social_worker: Mapped[str | None] = mapped_column(String(200))
    line_manager: Mapped[str | None] = mapped_column(String(200))
    # a sibling group's alert: every child as sent, [{id, name, dob, case_number}] (docs/adr/0019)
    children: Mapped[list | None] = mapped_column(JSON)


class AlertEntry(Model):
    """One step of an alert's history: a response, a meeting, an outcome, a notice."""

    __tablename__ = "management_alert_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("management_alerts.id"), index=True)
    stage: Mapped[int | None] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict] = mapped_column(JSON)


class CaseNote(Model):
    """A line in the child's case notes, written by a diagram (e.g. an alert raised, resolved)."""

    __tablename__ = "case_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    written_by: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)


class RagStatus(str, enum.Enum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class RagNotification(Model):
    """One quality assurance RAG notification (docs/domain.md B), as the RAG diagram records it.

    The allocated worker, team and IRO are stamped from the case when it is recorded, so
    the register (table 3.4.9) counts each by who held the case on the day.
    """

    __tablename__ = "rag_notifications"
    __table_args__ = (Index("ix_rag_notifications_worker", "worker_id", "status", "review_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    review_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[RagStatus | None] = mapped_column(enum_column(RagStatus))
    criteria: Mapped[list | None] = mapped_column(JSON)  # [{code, details}] of the chosen status
    actions: Mapped[list | None] = mapped_column(JSON)  # the "Action required" options chosen
    excellent_practice: Mapped[bool | None] = mapped_column(Boolean)
    case_number: Mapped[str | None] = mapped_column(String(20))
    worker_qualified: Mapped[bool | None] = mapped_column(Boolean)
    progress: Mapped[str | None] = mapped_column(String(10))  # the IRO's review of the response: adequate, limited
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("management_alerts.id"))  # started or linked
    pattern_notified: Mapped[bool] = mapped_column(Boolean, default=False)  # case study 5: counted in a notice
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    iro_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)


class CpEpisodeStatus(str, enum.Enum):
    ENQUIRY = "enquiry"  # a section 47 enquiry (or a transfer in) before its initial conference
    PLAN = "plan"  # the initial conference made a plan; review conferences follow
    NO_CONFERENCE = "no_conference"  # the enquiry ended without a conference
    NO_PLAN = "no_plan"  # the initial conference decided no plan
    ENDED = "ended"  # the plan ended (a review conference's decision or the case system)


class CpEpisode(Model):
    """One child protection episode (one `child_protection` instance): a strategy discussion that
    started a section 47 enquiry, or a transfer in, its initial conference and any plan that
    follows. It may concern a sibling group (the instance's children, docs/adr/0019)."""

    __tablename__ = "cp_episodes"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)  # the lead child
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    status: Mapped[CpEpisodeStatus] = mapped_column(enum_column(CpEpisodeStatus), default=CpEpisodeStatus.ENQUIRY)
    strategy_on: Mapped[date | None] = mapped_column(Date)
    transfer_in: Mapped[bool | None] = mapped_column(Boolean)
    pre_birth: Mapped[bool | None] = mapped_column(Boolean)
    icpc_due: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(40))  # why it ended without a plan, or "plan"
    outcome_note: Mapped[str | None] = mapped_column(Text)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    minute_taker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    plan_started_on: Mapped[date | None] = mapped_column(Date)
    category: Mapped[str | None] = mapped_column(String(20))
    next_conference_due: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(40))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)


class CpPlan(Model):
    """One child's child protection plan: a sibling group's episode gives each child their own.

    `number` counts the child's plans (2 or more is a second or later plan); a child who
    becomes looked after while on the plan is CP-to-LAC (report 6.4).
    """

    __tablename__ = "cp_plans"
    __table_args__ = (Index("ix_cp_plans_open", "ended_on", "started_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("cp_episodes.id"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    started_on: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(20))
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(40))
    became_looked_after_on: Mapped[date | None] = mapped_column(Date)


class ConferenceKind(str, enum.Enum):
    INITIAL = "initial"
    PRE_BIRTH = "pre_birth"  # an initial conference about an unborn child
    TRANSFER_IN = "transfer_in"  # a child arriving on another council's plan
    REVIEW = "review"


class ConferenceStatus(str, enum.Enum):
    DUE = "due"
    BOOKED = "booked"
    HELD = "held"
    CANCELLED = "cancelled"  # the plan ended, or the enquiry ended without one


class Conference(Model):
    """One child protection conference of an episode, as the diagram records it."""

    __tablename__ = "cp_conferences"
    __table_args__ = (Index("ix_cp_conferences_held", "status", "held_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("cp_episodes.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    kind: Mapped[ConferenceKind] = mapped_column(enum_column(ConferenceKind))
    number: Mapped[int] = mapped_column(Integer, default=0)  # 0 the initial, then 1, 2... the reviews
    status: Mapped[ConferenceStatus] = mapped_column(enum_column(ConferenceStatus), default=ConferenceStatus.DUE)
    due_date: Mapped[date | None] = mapped_column(Date)
    booked_date: Mapped[date | None] = mapped_column(Date)
    venue: Mapped[str | None] = mapped_column(String(300))
    invitees: Mapped[list | None] = mapped_column(JSON)  # [{name, role}]: parents, the child, agencies
    report_due: Mapped[date | None] = mapped_column(Date)
    report_received_on: Mapped[date | None] = mapped_column(Date)
    report_shared_with_parents: Mapped[bool | None] = mapped_column(Boolean)
    parents_met_on: Mapped[date | None] = mapped_column(Date)
    held_on: Mapped[date | None] = mapped_column(Date)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    attendance: Mapped[list | None] = mapped_column(JSON)  # [{name, role, attended}]
    decision: Mapped[str | None] = mapped_column(String(20))  # plan, no_plan (initial); continue, end (review)
    category: Mapped[str | None] = mapped_column(String(20))
    actions: Mapped[list | None] = mapped_column(JSON)  # the outline plan's key actions: [{text, owner}]
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    minute_taker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    core_group_due: Mapped[date | None] = mapped_column(Date)
    core_group_on: Mapped[date | None] = mapped_column(Date)
    next_review_due: Mapped[date | None] = mapped_column(Date)
    # the calendar invitation last sent (service.casework.invitations): its date and SEQUENCE
    calendar_date: Mapped[date | None] = mapped_column(Date)
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class MinutesStatus(str, enum.Enum):
    OUTSTANDING = "outstanding"
    DISTRIBUTED = "distributed"


class ConferenceMinutes(Model):
    """The minutes of one conference (one `cp_minutes` instance): each step's due date and the day done."""

    __tablename__ = "cp_minutes"
    __table_args__ = (Index("ix_cp_minutes_outstanding", "status", "held_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("cp_conferences.id"), unique=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    status: Mapped[MinutesStatus] = mapped_column(enum_column(MinutesStatus), default=MinutesStatus.OUTSTANDING)
    minute_taker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    held_on: Mapped[date | None] = mapped_column(Date)
    decisions_due: Mapped[date | None] = mapped_column(Date)
    decisions_on: Mapped[date | None] = mapped_column(Date)
    draft_due: Mapped[date | None] = mapped_column(Date)
    draft_on: Mapped[date | None] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date)
    distribution_due: Mapped[date | None] = mapped_column(Date)
    distributed_on: Mapped[date | None] = mapped_column(Date)
    distribution_met: Mapped[bool | None] = mapped_column(Boolean)
