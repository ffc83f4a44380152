"""The forms of one looked-after review (docs/domain.md A2-A7): booking, sign-off of a late
date, contact with the child, the social worker's report, the review itself, the record
steps after it, and the social worker's confirmation of starred recommendations.

Dates are checked against the case (`prepare(context)`): a review cannot be booked in
the past or before the child became looked after, and the participation code must fit
the child's age on the review date.
"""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSelect, GovTextInput
from wtforms import BooleanField, FieldList, FormField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from service import routing
from service.casework import participation
from service.voices import child_views

from . import (
    DayMonthYearField,
    PickedDateField,
    RowsForm,
    TaskForm,
    choices_of,
    confirm_day_field,
    iso_day,
    long_text,
    non_working_day_warning,
    offer_confirm_day,
    register,
)

LATE_REASONS = {  # docs/domain.md A2 (report 5.1.2)
    "stakeholder_unavailable": "A stakeholder is unavailable",
    "service_pressure": "Service pressure",
    "iro_miscalculation": "IRO miscalculation",
    "other": "Other",
}
CONTACT_METHODS = {"visit": "Visit", "phone": "Phone call", "written": "Written", "advocate": "Through an advocate"}
STARRED_CATEGORIES = {  # protocol 3.3.1
    "care_plan_action": "Significant action in the care plan",
    "accessing_resources": "Accessing resources",
    "poor_practice": "Inadequate or poor practice",
}
HELD, ADJOURNED = "held", "adjourned"
MAX_DECISIONS = 40  # the page adds rows one at a time; the cap only stops a runaway or crafted post


def _not_before_looked_after(context, day: date, what: str) -> str | None:
    since = context.child.looked_after_since if context and context.child else None
    if day and since and day < since:
        return f"{what} cannot be before the child became looked after on {since:%d %B %Y}"
    return None


@register("book_review")
class BookReview(TaskForm):
    template = "forms/book_review.html"

    review_date = PickedDateField("Date of the review", validators=[InputRequired("Enter the date of the review")])
    confirm_day = confirm_day_field()
    late_reason = RadioField(
        "Why is the review after its due date?",
        choices=choices_of(LATE_REASONS),
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    late_details = long_text("More about why it is late")

    def prepare(self, context) -> None:
        super().prepare(context)
        offer_confirm_day(self, self.review_date.data)
        self.review_date.earliest = context.today if context is not None else None
        self.due = iso_day(context.data.get("due_date")) if context is not None else None
        if self.due:
            self.review_date.description = (
                f"Review {context.data.get('number')} is due by {self.due:%d %B %Y}. "
                "A later date needs a reason and the Review and QA Manager's sign-off."
            )

    def extra_checks(self) -> dict:
        day, context = self.review_date.data, self.context
        if day is None or context is None:
            return {}
        if day < context.today:
            return {"review_date": "The date of the review must be today or in the future"}
        too_early = _not_before_looked_after(context, day, "The review")
        if too_early:
            return {"review_date": too_early}
        confirmed = "confirm_day" in self and self.confirm_day.data
        weekend = non_working_day_warning(day, confirmed, "Reviews can be on {} at the child's placement")
        if weekend:
            return {"review_date": weekend}
        due = iso_day(context.data.get("due_date"))
        if due and day > due:
            if not self.late_reason.data:
                return {"late_reason": f"Select why the review is after its due date of {due:%d %B %Y}"}
            if self.late_reason.data == "other" and not (self.late_details.data or "").strip():
                return {"late_details": "Say why the review is late"}
        return {}


@register("sign_off_late_review")
class SignOffLateReview(TaskForm):
    sign_off = RadioField(
        "Do you sign off the late date?",
        validators=[InputRequired("Select whether you sign it off")],
        choices=[
            SelectChoice("approve", "Yes, sign off the date"),
            SelectChoice("refuse", "No, ask the IRO to book an earlier date"),
        ],
        widget=GovRadioInput(),
    )
    sign_off_comments = long_text("Comments")

    def prepare(self, context) -> None:
        super().prepare(context)
        if context is not None:
            data = context.data
            reason = LATE_REASONS.get(data.get("late_reason"), "not given")
            self.sign_off.description = (
                f"Review {data.get('number')} is due by {data.get('due_date')} and is "
                f"booked for {data.get('booked_date')}. Reason: {reason}. "
                f"{data.get('late_details') or ''}"
            )

    def extra_checks(self) -> dict:
        if self.sign_off.data == "refuse" and not (self.sign_off_comments.data or "").strip():
            return {"sign_off_comments": "Say why you do not sign off the date"}
        return {}


@register("record_contact")
class RecordContact(TaskForm):
    contact_date = DayMonthYearField("Date of the contact", validators=[InputRequired("Enter the date of the contact")])
    contact_method = RadioField(
        "How did you see or consult the child?",
        choices=choices_of(CONTACT_METHODS),
        validators=[InputRequired("Select how you saw or consulted the child")],
        widget=GovRadioInput(),
    )
    contact_notes = long_text("Notes (optional)")

    def extra_checks(self) -> dict:
        day, context = self.contact_date.data, self.context
        if day is None or context is None:
            return {}
        if day > context.today:
            return {"contact_date": "The date of the contact must be today or in the past"}
        too_early = _not_before_looked_after(context, day, "The contact")
        return {"contact_date": too_early} if too_early else {}


@register("review_report")
class ReviewReport(TaskForm):
    report_summary = long_text("Your report for the review", "Enter your report for the review")


class DecisionRow(RowsForm):
    text = StringField(
        "Decision", widget=GovTextInput(), validators=[InputRequired("Enter the decision"), Length(max=500)]
    )
    owner = StringField(
        "Who will do it", widget=GovTextInput(), validators=[InputRequired("Enter who will do it"), Length(max=200)]
    )
    due = DayMonthYearField("By when", validators=[InputRequired("Enter when it is due by")])
    starred = BooleanField("Starred recommendation", widget=GovCheckboxInput())
    category = SelectField(
        "Category (starred only)",
        choices=[SelectChoice("", "Not starred")] + choices_of(STARRED_CATEGORIES),
        validators=[Optional()],
        widget=GovSelect(),
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.is_empty() and self.starred.data and not self.category.data:
            self.category.errors = [*self.category.errors, "Select the category of the starred recommendation"]
            return False
        return valid


@register("record_review")
class RecordReview(TaskForm):
    template = "forms/record_review.html"

    outcome = RadioField(
        "Was the review held?",
        choices=[SelectChoice(HELD, "Yes, the review was held"), SelectChoice(ADJOURNED, "No, it was adjourned")],
        validators=[InputRequired("Select whether the review was held or adjourned")],
        widget=GovRadioInput(),
    )
    held_on = DayMonthYearField("Date the review was held", validators=[Optional()])
    attendees = long_text("Who attended (one per line)")
    participation_code = RadioField(
        "How did the child take part?",
        choices=choices_of(participation.CODES),
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    decisions = FieldList(FormField(DecisionRow))  # no max_entries: it would drop extra rows silently
    care_plan_changes_endorsed = RadioField(
        "Does the review endorse the proposed care plan changes?",
        validators=[Optional()],
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No, they must wait for a later review")],
    )
    intended_alerts = long_text("Management alerts you intend to raise (for the Legal section, optional)")
    adjourn_reason = long_text("Why was the review adjourned?")
    new_date = PickedDateField("New date of the review", validators=[Optional()])
    max_decisions = MAX_DECISIONS

    def prepare(self, context) -> None:
        super().prepare(context)
        self.pending_changes = context.pending_care_plan_changes() if context is not None else []
        self.alerts = context.alerts_since_last_review() if context is not None else []
        self.child_views = context.child_views() if context is not None else []
        self.suggested_code = child_views.suggested_code(self.child_views)
        self.new_date.earliest = context.today if context is not None else None

    def decision_rows(self) -> list:
        """The rows the page shows: those posted or saved, then one blank row to fill in while
        there is room (the GOV.UK "add another" pattern). A blank row is neither checked nor kept."""
        rows = self.decisions
        if len(rows) < MAX_DECISIONS and (not rows.entries or not rows[-1].form.is_empty()):
            rows.append_entry()
        return rows.entries

    def change_rows(self, formdata) -> bool:
        """The "Add another decision" (`add_row`) and "Remove" (`remove_row`: the row's index)
        buttons, without JavaScript (the CSP forbids inline script): each posts the form, which
        comes back with the answers kept and one row more or fewer; nothing is checked or saved.
        False when the post is neither."""
        rows = self.decisions
        if "add_row" in formdata:
            if len(rows) < MAX_DECISIONS:
                rows.append_entry()
            return True
        if "remove_row" in formdata:
            index = formdata.get("remove_row", type=routing.whole_number)
            if index is not None and 0 <= index < len(rows):
                rows.pop_entry(index)  # the rows after it are renumbered
            return True
        return False

    def extra_checks(self) -> dict:
        outcome = self.outcome.data
        errors = self._adjourned_checks() if outcome == ADJOURNED else self._held_checks() if outcome == HELD else {}
        if sum(not entry.form.is_empty() for entry in self.decisions) > MAX_DECISIONS:
            errors["decisions"] = f"Enter {MAX_DECISIONS} decisions or fewer"
        return errors

    def _adjourned_checks(self) -> dict:
        errors, context, day = {}, self.context, self.new_date.data
        if not (self.adjourn_reason.data or "").strip():
            errors["adjourn_reason"] = "Say why the review was adjourned"
        if day is None and not self.new_date.errors:
            errors["new_date"] = "Enter the new date of the review"
        elif day is not None and context is not None:
            if day < context.today:
                errors["new_date"] = "The new date must be today or in the future"
            elif problem := _not_before_looked_after(context, day, "The review"):
                errors["new_date"] = problem
        return errors

    def _held_checks(self) -> dict:
        errors, context, day = {}, self.context, self.held_on.data
        if day is None and not self.held_on.errors:
            errors["held_on"] = "Enter the date the review was held"
        elif day is not None and context is not None:
            if day > context.today:
                errors["held_on"] = "The review cannot be recorded as held on a future date"
            elif problem := _not_before_looked_after(context, day, "The review"):
                errors["held_on"] = problem
        if not (self.attendees.data or "").strip():
            errors["attendees"] = "Enter who attended"
        code = self.participation_code.data
        if not code:
            errors["participation_code"] = "Select how the child took part"
        elif day is not None and context is not None and context.child is not None:
            problem = participation.code_problem(code, context.child.dob, day)
            if problem:
                errors["participation_code"] = problem
        if all(entry.form.is_empty() for entry in self.decisions.entries):
            errors["decisions"] = "Enter at least one decision"
        if self.pending_changes and not self.care_plan_changes_endorsed.data:
            errors["care_plan_changes_endorsed"] = "Select whether the review endorses the proposed care plan changes"
        return errors


@register("confirm_review_step")
class ConfirmReviewStep(TaskForm):
    """One record step after the review (decisions sent, circulated, full record, distribution):
    met or missed is judged by the day it is confirmed."""

    template = "forms/confirm_review_step.html"
    done = BooleanField(
        "I have done this", widget=GovCheckboxInput(), validators=[InputRequired("Confirm you have done this")]
    )


@register("starred_done")
class StarredDone(TaskForm):
    """Protocol 3.3.1: the social worker confirms one starred recommendation is done (each has a
    task of its own, due by the recommendation's date); the IRO is told."""

    template = "forms/starred_done.html"
    completion_note = long_text("What was done", "Say what was done")
