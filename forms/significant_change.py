"""The IRO's response to a significant change in a child's life (protocol 3.6.1-3.6.2):
the IRO may convene an early review."""
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from . import DayMonthYearField, TaskForm, register

CONVENE = "convene_early_review"
NO_REVIEW = "no_early_review"


@register("consider_significant_change")
class ConsiderSignificantChange(TaskForm):
    decision = RadioField(
        "Does this change need an early review?",
        choices=[SelectChoice(CONVENE, "Yes, convene an early review"),
                 SelectChoice(NO_REVIEW, "No, the next review keeps its date")],
        validators=[InputRequired(message="Select whether this change needs an early review")],
        widget=GovRadioInput(),
    )
    early_review_date = DayMonthYearField("Date of the early review", validators=[Optional()])
    reason = TextAreaField(
        "Reason for your decision",
        validators=[InputRequired(message="Enter the reason for your decision"),
                    Length(max=2000, message="Reason must be 2000 characters or fewer")],
        widget=GovTextArea(),
    )

    def extra_checks(self) -> dict:
        if self.decision.data == CONVENE and not self.early_review_date.data and not self.early_review_date.errors:
            return {"early_review_date": "Enter the date of the early review"}
        return {}
