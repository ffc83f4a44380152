"""Tables: versioned specs, instance state, and the projections read by every query.

Instance state is SpiffWorkflow's serializer output without the spec (the spec is
stored once per version). Human tasks, timers, message waits, audit and outbox rows
are written in the same transaction as the state (DESIGN.md decisions 3-5).
"""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .db import Model, UTCDateTime


def _enum(cls):
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class InstanceStatus(str, enum.Enum):
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"  # the episode it belonged to ended (a child ceased to be looked after)


class TaskStatus(str, enum.Enum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TimerStatus(str, enum.Enum):
    WAITING = "waiting"
    CLAIMED = "claimed"
    FIRED = "fired"
    CANCELLED = "cancelled"
    FAILED = "failed"  # the diagram's code failed when it fired; see the audit trail


class OutboxStatus(str, enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class ProcessVersion(Model):
    """One version of one diagram file (.bpmn or .dmn), kept for ever. A rollback deploys an
    earlier version's content again as a new number, so content may repeat across numbers."""

    __tablename__ = "process_versions"
    __table_args__ = (
        UniqueConstraint("file_name", "number"),
        Index("ix_process_versions_file_name_content_hash", "file_name", "content_hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(4))
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    # executable process ids (bpmn) or decision ids (dmn) defined in this file
    defines: Mapped[list] = mapped_column(JSON)
    # process ids this file calls and decision ids it uses
    requires: Mapped[list] = mapped_column(JSON)
    # message names that start a process of this file
    start_messages: Mapped[list] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessInstance(Model):
    __tablename__ = "process_instances"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200))
    # the file version holding process_id, then the versions of the files it needs
    version_ids: Mapped[list] = mapped_column(JSON)
    child_id: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[InstanceStatus] = mapped_column(_enum(InstanceStatus))
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    started_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HumanTask(Model):
    """A READY user task, mirrored for worklists; the id is what users and the API see."""

    __tablename__ = "human_tasks"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id"),
        Index("ix_human_tasks_assignee_open", "status", "assignee", "due_at"),
        Index("ix_human_tasks_role_open", "status", "candidate_role", "due_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    process_id: Mapped[str] = mapped_column(String(200))
    process_name: Mapped[str] = mapped_column(String(300))
    spec_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    form_key: Mapped[str | None] = mapped_column(String(100))
    candidate_role: Mapped[str | None] = mapped_column(String(100))
    assignee: Mapped[str | None] = mapped_column(String(100))
    child_id: Mapped[str | None] = mapped_column(String(64), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[TaskStatus] = mapped_column(_enum(TaskStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(100))


class Timer(Model):
    """A waiting timer event; due_at is SpiffWorkflow's own computed event value."""

    __tablename__ = "timers"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id"),
        Index("ix_timers_due", "status", "due_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    spec_name: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[TimerStatus] = mapped_column(_enum(TimerStatus))
    claim_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MessageWait(Model):
    """A catch event waiting for a named message: how a thrown message finds its instance."""

    __tablename__ = "message_waits"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id"),
        Index("ix_message_waits_lookup", "message_name", "child_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    message_name: Mapped[str] = mapped_column(String(200))
    child_id: Mapped[str | None] = mapped_column(String(64))


class AuditEvent(Model):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), index=True)
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    child_id: Mapped[str | None] = mapped_column(String(64), index=True)
    details: Mapped[dict] = mapped_column(JSON)


class OutboxMessage(Model):
    """A notification to deliver; the idempotency key stops the same effect being queued twice."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), index=True)
    child_id: Mapped[str | None] = mapped_column(String(64), index=True)  # the case page's timeline
    recipient_role: Mapped[str | None] = mapped_column(String(100))
    recipient_username: Mapped[str | None] = mapped_column(String(100), index=True)  # for the in-app list
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # read in the app


class ClockSetting(Model):
    """The one row holding the application clock's offset from real time."""

    __tablename__ = "clock"
    id: Mapped[int] = mapped_column(primary_key=True)
    offset_seconds: Mapped[float] = mapped_column(default=0.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Team(Model):
    """A team that owns cases (table 3.4.9), within a service area managed by an ISM."""

    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    service_area: Mapped[str] = mapped_column(String(100))


class User(Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    fte: Mapped[float | None] = mapped_column(Float)  # IROs: for caseload per FTE
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UserRole(Model):
    """One role a person holds, for a team, a service area, or the whole service."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role", "team_id", "service_area"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(100), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    service_area: Mapped[str | None] = mapped_column(String(100))


class Child(Model):
    """A child's case: who holds it and what the child's status is now.

    `id` is what the API and the projections call the child id (as text in projections).
    """

    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    dob: Mapped[date] = mapped_column(Date)
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


class ApiClient(Model):
    """A case-management system allowed to call the API; only a hash of its token is kept."""

    __tablename__ = "api_clients"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserSession(Model):
    """A signed-in session. The cookie carries a random reference and this table only its hash,
    so ending the row ends every copy of the cookie at once."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AppSecret(Model):
    """Demo and test mode's secret key, made once per database so every process on it signs alike."""

    __tablename__ = "app_secret"
    id: Mapped[int] = mapped_column(primary_key=True)
    secret_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TaskDraft(Model):
    """ "Save and come back later": the form as the person left it."""

    __tablename__ = "task_drafts"
    human_task_id: Mapped[int] = mapped_column(ForeignKey("human_tasks.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    data: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SignInAttempt(Model):
    """Failed sign-ins, counted to slow down guessing."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_username_at", "username", "at"),
        Index("ix_sign_in_attempts_address_at", "address", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReviewStatus(str, enum.Enum):
    DUE = "due"  # the cycle has started; no date booked yet
    BOOKED = "booked"
    ADJOURNED = "adjourned"  # rebooked after an adjournment; `booked_date` is the new date
    HELD = "held"
    CANCELLED = "cancelled"  # the child ceased to be looked after first


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


class Review(Model):
    """One statutory review (one review-cycle instance), as its diagram records it.

    The figures of DOMAIN.md section E (reviews on time, participation, record
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
    status: Mapped[ReviewStatus] = mapped_column(_enum(ReviewStatus), default=ReviewStatus.DUE)
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
    iro_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # the record deadlines (DOMAIN.md A6-A7): due date, the day it was done, and met or missed
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
    status: Mapped[AlertStatus] = mapped_column(_enum(AlertStatus), default=AlertStatus.OPEN)
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
    """One quality assurance RAG notification (DOMAIN.md B), as the RAG diagram records it.

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
    status: Mapped[RagStatus | None] = mapped_column(_enum(RagStatus))
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
