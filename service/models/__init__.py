"""Tables, one module per area; every name is here too, so `from service.models import X` works.

workflow: running work and its projections; diagrams: deployed versions; people: accounts and
access; casework: children and the records their diagrams keep.
"""

from .casework import (
    AlertEntry,
    AlertStatus,
    CaseNote,
    Child,
    ChildEvent,
    LookedAfterEpisode,
    ManagementAlert,
    RagNotification,
    RagStatus,
    Review,
    ReviewStatus,
)
from .diagrams import ProcessVersion
from .people import ApiClient, AppSecret, SignInAttempt, Team, User, UserRole, UserSession
from .workflow import (
    AuditEvent,
    ClockSetting,
    HumanTask,
    InstanceStatus,
    MessageWait,
    OutboxMessage,
    OutboxStatus,
    ProcessInstance,
    TaskDraft,
    TaskStatus,
    Timer,
    TimerStatus,
)

__all__ = [
    "AlertEntry",
    "AlertStatus",
    "ApiClient",
    "AppSecret",
    "AuditEvent",
    "CaseNote",
    "Child",
    "ChildEvent",
    "ClockSetting",
    "HumanTask",
    "InstanceStatus",
    "LookedAfterEpisode",
    "ManagementAlert",
    "MessageWait",
    "OutboxMessage",
    "OutboxStatus",
    "ProcessInstance",
    "ProcessVersion",
    "RagNotification",
    "RagStatus",
    "Review",
    "ReviewStatus",
    "SignInAttempt",
    "TaskDraft",
    "TaskStatus",
    "Team",
    "Timer",
    "TimerStatus",
    "User",
    "UserRole",
    "UserSession",
]
