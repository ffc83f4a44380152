"""The minute taker's and the chair's steps of a child protection conference's minutes
(docs/domain.md D, bpmn/cp_minutes.bpmn): each is confirmed on the day it is done, which
the diagram compares with its timescale."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput
from wtforms import BooleanField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from . import TaskForm, long_text, register

APPROVE = "approve"
RETURN = "return"


def _done(label: str) -> BooleanField:
    return BooleanField(label, widget=GovCheckboxInput(), validators=[InputRequired("Confirm you have done this")])


@register("circulate_decisions")
class CirculateDecisions(TaskForm):
    """Within a working day of the conference: its decisions and outline plan to those who attended."""

    done = _done("I have circulated the decisions and outline plan to everyone who attended")


@register("send_draft_minutes")
class SendDraftMinutes(TaskForm):
    done = _done("I have sent the draft minutes to the chair")


@register("approve_minutes")
class ApproveMinutes(TaskForm):
    """The chair approves the draft, or returns it to the minute taker with the changes to make."""

    approval = RadioField(
        "Do you approve the draft minutes?",
        choices=[
            SelectChoice(APPROVE, "Yes, approve them for distribution"),
            SelectChoice(RETURN, "No, return them to the minute taker with changes"),
        ],
        validators=[InputRequired(message="Select whether you approve the draft minutes")],
        widget=GovRadioInput(),
    )
    returned_changes = long_text("Changes to make", max_length=4000)

    def extra_checks(self) -> dict:
        if self.approval.data == RETURN and not (self.returned_changes.data or "").strip():
            return {"returned_changes": "Enter the changes the minute taker is to make"}
        return {}


@register("distribute_minutes")
class DistributeMinutes(TaskForm):
    done = _done("I have distributed the approved minutes")
