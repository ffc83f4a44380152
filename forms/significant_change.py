"""The IRO's response to a significant change in a child's life (protocol 3.6.1-3.6.2):
the IRO may convene an early review."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from . import DayMonthYearField, TaskForm, long_text, register

CONVENE = "convene_early_review"
NO_REVIEW = "no_early_review"


@register("consider_significant_change")
class ConsiderSignificantChange(TaskForm):
    decision = RadioField(
        "Does this change need an early review?",
        choices=[
            SelectChoice(CONVENE, "Yes, convene an early review"),
            SelectChoice(NO_REVIEW, "No, the next review keeps its date"),
        ],
        validators=[InputRequired(message="Select whether this change needs an early review")],
        widget=GovRadioInput(),
    )
    early_review_date = DayMonthYearField("Date of the early review", validators=[Optional()])
    reason = long_text("Reason for your decision", "Enter the reason for your decision", max_length=2000)

    def extra_checks(self) -> dict:
        if self.decision.data != CONVENE or self.early_review_date.errors:
            return {}
        day = self.early_review_date.data
        if not day:
            return {"early_review_date": "Enter the date of the early review"}
        if self.context is not None and day < self.context.today:
            return {"early_review_date": "The date of the early review must be today or in the future"}
        return {}


@register("change_care_plan")
class ChangeCarePlan(TaskForm):
    """Protocol 3.6.3: this change of care plan waits for a review endorsed by the IRO."""

    change_made_on = DayMonthYearField(
        "Date the care plan was changed", validators=[InputRequired("Enter the date the care plan was changed")]
    )
    change_notes = long_text("What changed", "Say what changed", max_length=2000)

    def prepare(self, context) -> None:
        super().prepare(context)
        if context is not None and isinstance(context.data.get("care_plan_change"), dict):
            self.change_notes.description = "Proposed: " + context.data["care_plan_change"]["description"]

    def extra_checks(self) -> dict:
        context, day = self.context, self.change_made_on.data
        if context is None or day is None:
            return {}
        if day > context.today:
            return {"change_made_on": "The date the care plan was changed must be today or in the past"}
        reported = date.fromisoformat(context.data["reported_on"])
        review = context.endorsing_review(reported)
        if review is None:
            return {
                "change_made_on": "The care plan cannot change until a review endorses it (protocol 3.6.3): "
                "the IRO records the endorsement when the next review is held"
            }
        if day < review.held_on:
            return {
                "change_made_on": f"The change cannot be before the review that endorsed it, "
                f"held on {review.held_on:%d %B %Y}"
            }
        return {}
