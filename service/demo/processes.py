"""The process owner's work in the demo council (issue 7).

After the replay, the owner has deployed version 2 of the management alert: the reminder
goes three working days before a stage's response is due instead of two. The alerts the
replay raised run on version 1, so the process page shows both versions, what changed,
and the running alerts that can be migrated; an alert raised from now on starts on
version 2. The deployment goes through the same checks and audit as one from the editor.
"""

from service.diagrams import deployments

FILE = "management_alert.bpmn"
BEFORE, AFTER = "reminder_before_wd = 2", "reminder_before_wd = 3"
COMMENT = "Remind the stage manager three working days before the response is due (was two)"


def deploy_revision(owner: str) -> None:
    content = deployments.newest(FILE).content
    if BEFORE not in content:
        raise ValueError(f"{FILE} no longer says {BEFORE!r}: update the demo's revision")
    deployments.deploy(FILE, content.replace(BEFORE, AFTER), actor=owner, comment=COMMENT)
