"""The forms of an IRO management alert (docs/domain.md C; protocol 3.3-3.4, case study 4).

The stage, the list of stage roles, the IRO's timescale and its cap come from the
diagram's data (`context.data`), so a process owner who changes a named value changes
what these forms accept.
"""

import re

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import BooleanField, FieldList, FormField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from service.workflow import working_days as calendar

from . import DayMonthYearField, RowsForm, RowsTaskForm, TaskForm, choices_of, iso_day, long_text, register

MAX_ACTIONS = 8
# protocol 3.4.2, word for word: the conditions for a referral outside exceptional circumstances
REFERRAL_CONDITIONS = {
    "stages_exhausted": "The IRO has made every attempt to resolve the problem with the local authority, up to "
    "the level of the Chief Executive, and there is still a risk of the child's human rights "
    "being breached.",
    "no_other_adult": "There is no other suitable adult able and willing to take the case on the child's behalf "
    "(when the child is under age 18) or the child is not of sufficient age and understanding "
    "and wanting to bring proceedings on their own behalf.",
}
OUTCOMES = {
    "resolved": "Resolved: close the alert",
    "next_stage": "Not resolved: go to the next stage",
    "escalate_early": "Escalate early to a later stage (the Safeguarding Service, in exceptional circumstances)",
    "cafcass": "Refer to CAFCASS (section 118)",
    "withdrawn": "Close the alert without resolution",
}
EXTEND = {"extend": "Extend the timescale at this stage"}
MOVING_ON = ("next_stage", "escalate_early")
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")


def _day_words(day) -> str:
    return f"{day:%-d %B %Y}"


def cap_for(context):
    """The latest date the IRO may set: the cap (months, a named value) from the day raised."""
    data = context.data
    if data.get("cap_date"):
        return iso_day(data["cap_date"])
    return calendar.add_months(context.today, int(data.get("resolution_cap_months", 3)))


def _timescale_problem(day, context) -> str | None:
    if day < context.today:
        return "The date must be today or in the future"
    cap = cap_for(context)
    if day > cap:
        months = context.data.get("resolution_cap_months", 3)
        return f"The date cannot be after {_day_words(cap)}: an alert is resolved within {months} months at most"
    return None


class ActionRow(RowsForm):
    action = StringField(
        "Action", widget=GovTextInput(), validators=[InputRequired("Enter the action"), Length(max=500)]
    )


class AgreedActionRow(RowsForm):
    action = StringField(
        "Action agreed", widget=GovTextInput(), validators=[InputRequired("Enter the action agreed"), Length(max=500)]
    )
    by = DayMonthYearField("By when", validators=[InputRequired("Enter when the action is due by")])


@register("raise_management_alert")
class RaiseManagementAlert(TaskForm):
    """Case study 4's form: the header comes from the case, the IRO writes the rest."""

    template = "forms/raise_management_alert.html"
    serious_or_urgent = BooleanField(
        "This is serious or urgent: start at stage 3 (Head of Service)", widget=GovCheckboxInput()
    )
    summary_of_concerns = long_text("Summary of concerns", "Enter the summary of concerns", max_length=20000)
    actions_requested = FieldList(FormField(ActionRow), min_entries=MAX_ACTIONS, max_entries=MAX_ACTIONS)
    resolve_by = DayMonthYearField(
        "Resolve by", validators=[InputRequired("Enter the date by which it must be resolved")]
    )

    def prepare(self, context) -> None:
        super().prepare(context)
        if context is not None:
            self.cap = cap_for(context)
            self.resolve_by.description = (
                f"The timescale you set for the managers at each stage; at most {_day_words(self.cap)}."
            )

    def extra_checks(self) -> dict:
        errors = {}
        if all(entry.form.is_empty() for entry in self.actions_requested.entries):
            errors["actions_requested"] = "Enter at least one action you request"
        if self.resolve_by.data and self.context is not None:
            problem = _timescale_problem(self.resolve_by.data, self.context)
            if problem:
                errors["resolve_by"] = problem
        return errors


@register("alert_response")
class AlertResponse(RowsTaskForm):
    """The stage manager's formal response (stages 1-3), or the chair's outcome of a meeting; the actions
    agreed are added one at a time, as a review's decisions are."""

    template = "forms/alert_response.html"
    response = long_text("Your response", "Enter your response", max_length=20000)
    actions_agreed = FieldList(FormField(AgreedActionRow), label="Actions agreed")


@register("alert_meeting_outcome")
class AlertMeetingOutcome(AlertResponse):
    response = long_text("Outcome of the meeting", "Enter the outcome of the meeting", max_length=20000)


@register("alert_set_meeting")
class AlertSetMeeting(TaskForm):
    """Stages 4-6: the manager who received the alert chairs a meeting, independently minuted."""

    template = "forms/alert_response.html"
    meeting_date = DayMonthYearField("Date of the meeting", validators=[InputRequired("Enter the date of the meeting")])
    meeting_time = StringField(
        "Time (24-hour, for example 14:30)",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the time of the meeting")],
    )
    meeting_place = StringField(
        "Place", widget=GovTextInput(), validators=[InputRequired("Enter where the meeting is"), Length(max=200)]
    )
    invited = long_text("Key people invited (one per line)", "Enter who is invited")
    minute_taker = SelectField(
        "Minute taker",
        widget=GovSelect(),
        validate_choice=False,
        validators=[InputRequired("Choose who will take the minutes")],
    )

    def prepare(self, context) -> None:
        super().prepare(context)
        takers = context.holders("Minute Taker") if context is not None else []
        self.minute_taker.choices = [SelectChoice("", "Choose a minute taker")] + [
            SelectChoice(username, name) for username, name in takers
        ]

    def extra_checks(self) -> dict:
        errors = {}
        if self.meeting_date.data and self.context is not None and self.meeting_date.data < self.context.today:
            errors["meeting_date"] = "The meeting must be today or in the future"
        if self.meeting_time.data and not _TIME.match(self.meeting_time.data.strip()):
            errors["meeting_time"] = "Enter the time as hours and minutes, for example 14:30"
        if self.minute_taker.data and self.minute_taker.data not in {c.value for c in self.minute_taker.choices[1:]}:
            errors["minute_taker"] = "Choose a minute taker from the list"
        return errors


@register("alert_statement")
class AlertStatement(TaskForm):
    template = "forms/alert_response.html"
    statement = long_text(
        "What would prevent the matter going to the next stage",
        "Enter what would prevent the matter going to the next stage",
        max_length=20000,
    )


@register("alert_minutes")
class AlertMinutes(TaskForm):
    template = "forms/alert_response.html"
    attended = long_text("Who attended (one per line)", "Enter who attended")
    minutes = long_text("Minutes", "Enter the minutes", max_length=50000)

    def extra_checks(self) -> dict:
        meeting = iso_day(self.context.data.get("meeting_date")) if self.context is not None else None
        if meeting and self.context is not None and self.context.today < meeting:
            return {"minutes": f"The meeting is on {_day_words(meeting)}: record its minutes on or after that day"}
        return {}


@register("alert_outcome")
class AlertOutcome(TaskForm):
    """The IRO's decision after a stage: resolved, the next stage, CAFCASS, or closed."""

    template = "forms/alert_response.html"
    choices = OUTCOMES
    outcome = RadioField(
        "What is the outcome?",
        validators=[InputRequired("Select the outcome")],
        widget=GovRadioInput(),
        validate_choice=False,
    )
    escalate_to = SelectField("Escalate to stage", widget=GovSelect(), validate_choice=False, validators=[Optional()])
    outcome_notes = long_text("Notes", "Enter your notes on the outcome", max_length=20000)
    new_resolve_by = DayMonthYearField("New date by which it must be resolved (optional)", validators=[Optional()])

    def prepare(self, context) -> None:
        super().prepare(context)
        self.outcome.choices = choices_of(self.choices)
        stages = context.data.get("stages", []) if context is not None else []
        stage = int(context.data.get("stage", 1)) if context is not None else 1
        self.escalate_to.choices = [SelectChoice("", "Not escalating early")] + [
            SelectChoice(str(n), f"Stage {n}: {role}") for n, role in enumerate(stages, 1) if n > stage + 1
        ]

    def extra_checks(self) -> dict:
        if self.context is None or not self.outcome.data:
            return {}
        outcome, data, today = self.outcome.data, self.context.data, self.context.today
        if outcome not in self.choices:
            return {"outcome": "Select an outcome from the list"}
        stage, stages = int(data["stage"]), data["stages"]
        new_date = self.new_resolve_by.data
        if new_date:
            problem = _timescale_problem(new_date, self.context)
            if problem:
                return {"new_resolve_by": problem}
        if outcome == "next_stage" and stage >= len(stages):
            return {
                "outcome": f"Stage {stage} is the last stage: record the alert resolved, refer it to CAFCASS "
                "or close it"
            }
        if outcome == "escalate_early" and self.escalate_to.data not in {c.value for c in self.escalate_to.choices[1:]}:
            return {"escalate_to": "Choose the stage to escalate to"}
        if outcome in MOVING_ON or outcome == "extend":
            return self._timescale_checks(outcome, new_date, iso_day(data.get("resolve_by")), today)
        return {}

    def _timescale_checks(self, outcome, new_date, resolve_by, today) -> dict:
        cap = cap_for(self.context)
        if today > cap:
            return {
                "outcome": f"The alert reached its cap on {_day_words(cap)}: refer it to CAFCASS, record it "
                "resolved or close it"
            }
        if outcome == "extend" and not new_date:
            return {"new_resolve_by": "Enter the new date by which it must be resolved"}
        if outcome == "extend" and resolve_by and new_date <= resolve_by:
            return {"new_resolve_by": f"The new date must be after the present one, {_day_words(resolve_by)}"}
        if not new_date and resolve_by and resolve_by < today:
            return {
                "new_resolve_by": f"The timescale ran out on {_day_words(resolve_by)}: enter a new date for "
                "the next stage"
            }
        return {}


@register("alert_timescale")
class AlertTimescale(AlertOutcome):
    """The IRO's timescale (or the cap) ran out unresolved: escalate, extend or refer."""

    choices = {**EXTEND, **OUTCOMES}
    outcome = RadioField(
        "The timescale has run out. What do you decide?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select what you decide")],
        validate_choice=False,
    )
    outcome_notes = long_text("Reason", "Enter the reason for your decision", max_length=20000)


@register("cafcass_consultation")
class CafcassConsultation(TaskForm):
    """Protocol 3.3: the IRO always consults the Head of Safeguarding and the relevant Head of
    Service before a referral to CAFCASS; each confirms it here."""

    template = "forms/alert_response.html"
    consulted_on = DayMonthYearField(
        "Date the IRO consulted you", validators=[InputRequired("Enter the date the IRO consulted you")]
    )
    advice = long_text("Your advice", "Enter your advice to the IRO")
    confirmed = BooleanField(
        "I confirm the IRO consulted me about this referral",
        widget=GovCheckboxInput(),
        validators=[InputRequired("Confirm the IRO consulted you")],
    )

    def extra_checks(self) -> dict:
        if self.consulted_on.data and self.context is not None and self.consulted_on.data > self.context.today:
            return {"consulted_on": "The date must be today or in the past"}
        return {}


@register("cafcass_referral")
class CafcassReferral(TaskForm):
    template = "forms/alert_response.html"
    refer = RadioField(
        "Do you make the referral to CAFCASS?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select whether you make the referral")],
        choices=[
            SelectChoice("yes", "Yes, refer to CAFCASS Legal"),
            SelectChoice("no", "No, go back to the stage's outcome"),
        ],
    )
    conditions = SelectMultipleField(
        "Conditions of protocol 3.4.2 that are met",
        widget=GovCheckboxesInput(),
        choices=choices_of(REFERRAL_CONDITIONS),
        validators=[Optional()],
    )
    exceptional_circumstances = long_text(
        "The exceptional circumstances (where a condition is not met)", max_length=20000
    )
    case_summary = long_text("Case summary for CAFCASS Legal", max_length=20000)

    def extra_checks(self) -> dict:
        if self.refer.data != "yes" or self.context is None:
            return {}
        errors = {}
        stage, stages = int(self.context.data["stage"]), self.context.data["stages"]
        ticked = set(self.conditions.data or [])
        if "stages_exhausted" in ticked and stage < len(stages):
            errors["conditions"] = (
                f"The alert is at stage {stage}: the stages up to the Chief Executive are not exhausted"
            )
        exceptional = stage < len(stages) or ticked != set(REFERRAL_CONDITIONS)
        if exceptional and not (self.exceptional_circumstances.data or "").strip():
            errors["exceptional_circumstances"] = "State the exceptional circumstances for referring now"
        if not (self.case_summary.data or "").strip():
            errors["case_summary"] = "Enter the case summary for CAFCASS Legal"
        return errors
