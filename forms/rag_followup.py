"""The follow-up forms of a RAG notification (docs/domain.md B; the report's appendix "Action
required"): responses, the IRO's review of progress, the written update, the meeting
after a second Red, and the IRO's decision on an alert after a second Amber."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from . import DayMonthYearField, TaskForm, long_text, register

PROGRESS = {"adequate": "Adequate", "limited": "Limited"}


@register("rag_response")
class RagResponse(TaskForm):
    response = long_text("Your response to the notification", "Enter your response", max_length=20000)


@register("rag_progress")
class RagProgress(TaskForm):
    """Limited progress on a Red starts the management alert (if none is running)."""

    progress = RadioField(
        "Progress on the issues of concern",
        widget=GovRadioInput(),
        validators=[InputRequired("Select whether progress is adequate or limited")],
        choices=[SelectChoice(code, words) for code, words in PROGRESS.items()],
    )
    progress_notes = long_text("What you found", "Say what you found", max_length=20000)


@register("rag_written_update")
class RagWrittenUpdate(TaskForm):
    written_update = long_text("Your update on the issues of concern", "Enter your update", max_length=20000)


@register("rag_meeting")
class RagMeeting(TaskForm):
    """A second Red: the IRO meets the social worker and the Team Manager or ISM."""

    met_on = DayMonthYearField("Date of the meeting", validators=[InputRequired("Enter the date of the meeting")])
    meeting_actions = long_text(
        "Actions and timescales agreed", "Enter the actions and timescales agreed", max_length=20000
    )

    def extra_checks(self) -> dict:
        if self.met_on.data and self.context is not None and self.met_on.data > self.context.today:
            return {"met_on": "The meeting must be today or in the past"}
        return {}


@register("rag_start_alert")
class RagStartAlert(TaskForm):
    """A second Amber with limited progress: nothing starts without the IRO's decision."""

    start_alert = RadioField(
        "Start an IRO management alert?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select whether to start a management alert")],
        choices=[SelectChoice("yes", "Yes, start one at stage 1"), SelectChoice("no", "No, not now")],
    )
    start_alert_reason = long_text("Why", "Say why", max_length=20000)
