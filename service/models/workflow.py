"""Tables of running work: instances and their state, the human tasks, timers and message waits
projected from it, the audit trail, the outbox, drafts and the application clock.

Instance state is SpiffWorkflow's serializer output without the spec (the spec is
stored once per version). Human tasks, timers, message waits, audit and outbox rows
are written in the same transaction as the state (docs/adr/0001-unit-of-work.md, 0009, 0016).
"""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, UTCDateTime
from .columns import enum_column


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


class ProcessInstance(Model):
    __tablename__ = "process_instances"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200))
    # the file version holding process_id, then the versions of the files it needs
    version_ids: Mapped[list] = mapped_column(JSON)
    child_id: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[InstanceStatus] = mapped_column(enum_column(InstanceStatus))
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    started_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InstanceChild(Model):
    """The children a process concerns: one row for a single child, one per child of a sibling
    group (docs/adr/0019). The lead child, whose team and area route the work, is also the
    instance's `child_id`; messages about any of them reach the instance."""

    __tablename__ = "instance_children"
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), primary_key=True)
    child_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


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
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus))
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
    status: Mapped[TimerStatus] = mapped_column(enum_column(TimerStatus))
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
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # read in the app
    # "notice" (to staff, about a task) or "public_link" (a link to a parent or child, sent to the
    # address staff typed, its body wiped once sent: service/voices/handover.py)
    kind: Mapped[str] = mapped_column(String(20), default="notice", server_default="notice")


class ClockSetting(Model):
    """The one row holding the application clock's offset from real time."""

    __tablename__ = "clock"
    id: Mapped[int] = mapped_column(primary_key=True)
    offset_seconds: Mapped[float] = mapped_column(default=0.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TaskDraft(Model):
    """ "Save and come back later": the form as the person left it."""

    __tablename__ = "task_drafts"
    human_task_id: Mapped[int] = mapped_column(ForeignKey("human_tasks.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    data: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
