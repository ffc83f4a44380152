"""The roles of docs/domain.md, named as diagram lanes name them.

A person may hold several roles. Some roles are held for a team (Team Manager),
some for a service area (ISM, Head of Service), the rest for the whole service.
"""

IRO = "IRO"
REVIEW_QA_MANAGER = "Review and QA Manager"
HEAD_OF_SAFEGUARDING = "Head of Safeguarding"
SOCIAL_WORKER = "Social Worker"
TEAM_MANAGER = "Team Manager"
ISM = "Integrated Service Manager"
HEAD_OF_SERVICE = "Head of Service"
ASSISTANT_DIRECTOR = "Assistant Director"
DIRECTOR = "Director"
CHIEF_EXECUTIVE = "Chief Executive"
COMPLAINTS_OFFICER = "Complaints Officer"
MINUTE_TAKER = "Minute Taker"
BUSINESS_SUPPORT_MANAGER = "Business Support Manager"  # manages the minute takers
PROCESS_OWNER = "Process Owner"

ALL = (
    IRO,
    REVIEW_QA_MANAGER,
    HEAD_OF_SAFEGUARDING,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    ISM,
    HEAD_OF_SERVICE,
    ASSISTANT_DIRECTOR,
    DIRECTOR,
    CHIEF_EXECUTIVE,
    COMPLAINTS_OFFICER,
    MINUTE_TAKER,
    BUSINESS_SUPPORT_MANAGER,
    PROCESS_OWNER,
)

# held for one team, or for the teams of one service area
TEAM_SCOPED = (TEAM_MANAGER,)
AREA_SCOPED = (ISM, HEAD_OF_SERVICE)
# see every child: they oversee the whole service (docs/adr/0010-access-as-sql-conditions.md)
SEE_EVERY_CHILD = (REVIEW_QA_MANAGER, HEAD_OF_SAFEGUARDING, ASSISTANT_DIRECTOR, DIRECTOR, CHIEF_EXECUTIVE)
# receive a management alert at one of its stages (the diagram's `stages`)
ALERT_STAGES = (TEAM_MANAGER, ISM, HEAD_OF_SERVICE, ASSISTANT_DIRECTOR, DIRECTOR, CHIEF_EXECUTIVE)
# may move a task from one person to another within what they see
MANAGERS = (
    REVIEW_QA_MANAGER,
    TEAM_MANAGER,
    ISM,
    HEAD_OF_SERVICE,
    ASSISTANT_DIRECTOR,
    DIRECTOR,
    CHIEF_EXECUTIVE,
    HEAD_OF_SAFEGUARDING,
)
