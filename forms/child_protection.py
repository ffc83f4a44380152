"""The forms of the child protection process (docs/domain.md D): the enquiry's outcome, the chair
and minute taker, booking a conference, the social worker's report, the conference itself (initial
or review) and the first core group meeting.

Invitees, attendance and the outline plan's key actions are rows (a FieldList of RowsForms),
added and removed one at a time as on the review form (`forms/cp_rows.html`).
"""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSelect, GovTextInput
from wtforms import BooleanField, FieldList, FormField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from service.casework import codes

from . import (
    DayMonthYearField,
    PickedDateField,
    RowsForm,
    RowsTaskForm,
    TaskForm,
    choices_of,
    confirm_day_field,
    iso_day,
    long_text,
    non_working_day_warning,
    offer_confirm_day,
    register,
)

ENQUIRY_OUTCOMES = {
    "not_substantiated": "Concerns not substantiated",
    "child_in_need": "A child in need plan",
    "other": "Another outcome",
}
WHO = codes.CONFERENCE_INVITEES
YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def _filled(rows) -> bool:
    return any(not entry.form.is_empty() for entry in rows.entries)


@register("cp_enquiry_outcome")
class EnquiryOutcome(TaskForm):
    convene = RadioField(
        "Does the enquiry lead to an initial child protection conference?",
        choices=[SelectChoice("yes", "Yes, request a conference"), SelectChoice("no", "No")],
        validators=[InputRequired("Select whether the enquiry leads to a conference")],
        widget=GovRadioInput(),
    )
    outcome = RadioField(
        "If not, what was the outcome?",
        choices=choices_of(ENQUIRY_OUTCOMES),
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    outcome_note = long_text("About the outcome")

    def extra_checks(self) -> dict:
        if self.convene.data != "no":
            return {}
        if not self.outcome.data:
            return {"outcome": "Select the outcome of the enquiry"}
        if not (self.outcome_note.data or "").strip():
            return {"outcome_note": "Say more about the outcome"}
        return {}


@register("name_minute_taker")
class NameMinuteTaker(TaskForm):
    """A plan taken on at go-live comes with its chair but no minute taker: the Business Support
    Manager names one for its conferences."""

    minute_taker = RadioField(
        "Who will take the minutes of this plan's conferences?",
        description="The least loaded first.",
        validators=[InputRequired(message="Select the minute taker")],
        validate_choice=False,
        widget=GovRadioInput(),
    )

    def prepare(self, context) -> None:
        super().prepare(context)
        self.minute_taker.choices = _minute_taker_choices(context)

    def extra_checks(self) -> dict:
        if self.minute_taker.data and self.minute_taker.data not in {c.value for c in self.minute_taker.choices}:
            return {"minute_taker": "Select a minute taker from the list"}
        return {}


def _minute_taker_choices(context) -> list[SelectChoice]:
    takers = context.minute_taker_options() if context is not None else []
    return [SelectChoice(o.username, f"{o.name} ({o.outstanding} sets of minutes outstanding)") for o in takers]


@register("allocate_cp_chair")
class AllocateChair(TaskForm):
    iro = RadioField(
        "Who will chair the conference?",
        description="Suggested first: the IRO who reviews the child as looked after, then the IRO who reviews or "
        "chairs for a sibling, then the lightest caseload per full-time equivalent (child protection plans "
        "chaired and looked-after children).",
        validators=[InputRequired(message="Select the chair")],
        validate_choice=False,
        widget=GovRadioInput(),
    )
    minute_taker = RadioField(
        "Who will take the minutes?",
        validators=[InputRequired(message="Select the minute taker")],
        validate_choice=False,
        widget=GovRadioInput(),
    )

    def prepare(self, context) -> None:
        super().prepare(context)
        chairs = context.cp_chair_options() if context is not None else []
        self.iro.choices = [SelectChoice(o.username, _chair_label(o)) for o in chairs]
        self.minute_taker.choices = _minute_taker_choices(context)

    def extra_checks(self) -> dict:
        errors = {}
        if self.iro.data and self.iro.data not in {c.value for c in self.iro.choices}:
            errors["iro"] = "Select a chair from the list"
        if self.minute_taker.data and self.minute_taker.data not in {c.value for c in self.minute_taker.choices}:
            errors["minute_taker"] = "Select a minute taker from the list"
        return errors


def _chair_label(option) -> str:
    load = f"{option.caseload} children, {option.per_fte:.1f} per FTE"
    return f"{option.name} ({option.why}; {load})" if option.why else f"{option.name} ({load})"


class InviteeRow(RowsForm):
    name = StringField("Name", widget=GovTextInput(), validators=[InputRequired("Enter the name"), Length(max=200)])
    who = SelectField(
        "Who they are",
        choices=[SelectChoice("", "Select")] + choices_of(WHO),
        validators=[InputRequired("Select who they are")],
        widget=GovSelect(),
    )
    agency = StringField("Which agency (for an agency)", widget=GovTextInput(), validators=[Length(max=200)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.is_empty() and self.who.data == "agency" and not (self.agency.data or "").strip():
            self.agency.errors = [*self.agency.errors, "Enter which agency"]
            return False
        return valid


@register("book_cp_conference")
class BookConference(RowsTaskForm):
    conference_date = PickedDateField(
        "Date of the conference", validators=[InputRequired("Enter the date of the conference")]
    )
    confirm_day = confirm_day_field()
    venue = StringField("Venue", widget=GovTextInput(), validators=[InputRequired("Enter the venue"), Length(max=300)])
    invitees = FieldList(FormField(InviteeRow), label="Who is invited")
    late_reason = long_text("Why is the conference after its due date?")

    def prepare(self, context) -> None:
        super().prepare(context)
        offer_confirm_day(self, self.conference_date.data)
        self.conference_date.earliest = context.today if context is not None else None
        self.due = iso_day(context.data.get("due_date")) if context is not None else None
        if self.due:
            self.conference_date.description = (
                f"The conference is due by {self.due:%d %B %Y}. A later date needs a reason."
            )

    def extra_checks(self) -> dict:
        errors, day, context = super().extra_checks(), self.conference_date.data, self.context
        if not _filled(self.invitees):
            errors["invitees"] = "Enter at least one person invited"
        if day is None or context is None:
            return errors
        confirmed = "confirm_day" in self and self.confirm_day.data
        if day < context.today:
            errors["conference_date"] = "The date of the conference must be today or in the future"
        elif weekend := non_working_day_warning(day, confirmed, "A conference can be on {} if those invited can come"):
            errors["conference_date"] = weekend
        due = iso_day(context.data.get("due_date"))
        if due and day > due and not (self.late_reason.data or "").strip():
            errors["late_reason"] = f"Say why the conference is after its due date of {due:%d %B %Y}"
        return errors


@register("cp_conference_report")
class ConferenceReport(TaskForm):
    report_sent_on = DayMonthYearField(
        "Date you sent the report", validators=[InputRequired("Enter the date you sent the report")]
    )
    shared_with_parents = RadioField(
        "Was the report shared with the parents?",
        choices=YES_NO,
        validators=[InputRequired("Select whether the report was shared with the parents")],
        widget=GovRadioInput(),
    )

    def extra_checks(self) -> dict:
        day, context = self.report_sent_on.data, self.context
        if day is not None and context is not None and day > context.today:
            return {"report_sent_on": "The date you sent the report must be today or in the past"}
        return {}


class AttendanceRow(RowsForm):
    name = StringField("Name", widget=GovTextInput(), validators=[InputRequired("Enter the name"), Length(max=200)])
    role = StringField(
        "Role or agency", widget=GovTextInput(), validators=[InputRequired("Enter their role"), Length(max=200)]
    )
    attended = BooleanField("Attended", widget=GovCheckboxInput())


class ActionRow(RowsForm):
    text = StringField(
        "Key action", widget=GovTextInput(), validators=[InputRequired("Enter the action"), Length(max=500)]
    )
    owner = StringField(
        "Who will do it", widget=GovTextInput(), validators=[InputRequired("Enter who will do it"), Length(max=200)]
    )


class _ConferenceRecord(RowsTaskForm):
    """What a conference held records, initial or review."""

    held_on = DayMonthYearField(
        "Date the conference was held", validators=[InputRequired("Enter the date it was held")]
    )
    parents_met = RadioField(
        "Did you meet the parents before the conference?",
        choices=YES_NO,
        validators=[InputRequired("Select whether you met the parents before the conference")],
        widget=GovRadioInput(),
    )
    parents_met_on = DayMonthYearField("Date you met the parents", validators=[Optional()])
    parents_not_met_reason = long_text("If not, why not?")
    attendance = FieldList(FormField(AttendanceRow), label="Attendance: parents, the child, agencies")
    actions = FieldList(FormField(ActionRow), label="The outline plan's key actions, with who will do each")

    def extra_checks(self) -> dict:
        errors, context = super().extra_checks(), self.context
        day = self.held_on.data
        if day is not None and context is not None and day > context.today:
            errors["held_on"] = "The conference cannot be recorded as held on a future date"
        if self.parents_met.data == "yes" and self.parents_met_on.data is None and not self.parents_met_on.errors:
            errors["parents_met_on"] = "Enter the date you met the parents"
        if self.parents_met.data == "no" and not (self.parents_not_met_reason.data or "").strip():
            errors["parents_not_met_reason"] = "Say why you did not meet the parents"
        if not _filled(self.attendance):
            errors["attendance"] = "Enter who was invited and whether they attended"
        return errors

    def derived(self) -> dict:
        return {"parents_met_on": self.parents_met_on.data.isoformat() if self.parents_met.data == "yes" else None}


@register("record_cp_conference")
class RecordConference(_ConferenceRecord):
    decision = RadioField(
        "What did the conference decide?",
        choices=[SelectChoice("plan", "A child protection plan"), SelectChoice("no_plan", "No plan")],
        validators=[InputRequired("Select the conference's decision")],
        widget=GovRadioInput(),
    )
    category = RadioField(
        "Category of the plan", choices=choices_of(codes.CP_CATEGORIES), validators=[Optional()], widget=GovRadioInput()
    )

    def extra_checks(self) -> dict:
        errors = super().extra_checks()
        if self.decision.data == "plan":
            if not self.category.data:
                errors["category"] = "Select the category of the plan"
            if not _filled(self.actions):
                errors["actions"] = "Enter the outline plan's key actions"
        return errors


@register("record_cp_review_conference")
class RecordReviewConference(_ConferenceRecord):
    decision = RadioField(
        "What did the review conference decide?",
        choices=[SelectChoice("continue", "The plan continues"), SelectChoice("end", "The plan ends")],
        validators=[InputRequired("Select the conference's decision")],
        widget=GovRadioInput(),
    )
    end_reason = RadioField(
        "Why does the plan end?",
        choices=choices_of(codes.CP_ENDED_REASONS),
        validators=[Optional()],
        widget=GovRadioInput(),
    )

    def extra_checks(self) -> dict:
        errors = super().extra_checks()
        if self.decision.data == "end" and not self.end_reason.data:
            errors["end_reason"] = "Select why the plan ends"
        if self.decision.data == "continue" and not _filled(self.actions):
            errors["actions"] = "Enter the plan's key actions"
        return errors


@register("cp_core_group")
class CoreGroup(TaskForm):
    core_group_on = DayMonthYearField(
        "Date of the first core group meeting", validators=[InputRequired("Enter the date of the meeting")]
    )
    core_group_notes = long_text("Notes (optional)")

    def extra_checks(self) -> dict:
        day, context = self.core_group_on.data, self.context
        if day is not None and context is not None and day > context.today:
            return {"core_group_on": "The date of the meeting must be today or in the past"}
        return {}
