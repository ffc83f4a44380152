"""A child's case page, and reporting a significant change in the child's life.

A social worker (or anyone who sees the child) reports a significant change here, as a
case-management system would through the API: the same event, the same checks, and
the child's IRO is asked to consider an early review.
"""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovTextArea
from wtforms import RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from forms import DayMonthYearField
from service import cases
from service.errors import InvalidData

from . import queries, security
from .auth import pages_blueprint
from .template_helpers import CARE_PLAN_CHANGES, SIGNIFICANT_CHANGES

bp = pages_blueprint("children", __name__)
NO_CARE_PLAN_CHANGE = "none"


@bp.get("/children/<int:child_id>")
def child(child_id):
    who = current_user.identity
    found = queries.visible_child(who, child_id)
    if found is None:
        return security.error_page(404)
    return render_template("child.html", child=found, holders=queries.case_holders(found),
                           episode=cases.episode(found), tasks=queries.open_tasks(who, child_id),
                           timeline=queries.timeline(child_id))


class SignificantChangeForm(FlaskForm):
    kind = SelectField(
        "What has changed?", widget=GovSelect(),
        choices=[SelectChoice("", "Choose the kind of change")]
        + [SelectChoice(code, words) for code, words in SIGNIFICANT_CHANGES.items()],
        validators=[InputRequired("Choose the kind of change")])
    date = DayMonthYearField("When did it happen?", validators=[InputRequired("Enter when it happened")])
    details = TextAreaField("What happened", widget=GovTextArea(), validators=[
        InputRequired("Enter what happened"), Length(max=2000, message="Use 2000 characters or fewer")])
    care_plan_change = RadioField(
        "Does it change the care plan in one of these ways?", widget=GovRadioInput(), default=NO_CARE_PLAN_CHANGE,
        choices=[SelectChoice(NO_CARE_PLAN_CHANGE, "No")]
        + [SelectChoice(code, words) for code, words in CARE_PLAN_CHANGES.items()])
    care_plan_description = TextAreaField("The proposed change to the care plan", widget=GovTextArea(),
                                          validators=[Length(max=2000, message="Use 2000 characters or fewer")])

    def validate_care_plan_description(self, field):
        if self.care_plan_change.data != NO_CARE_PLAN_CHANGE and not (field.data or "").strip():
            raise ValidationError("Describe the proposed change to the care plan")

    def event(self) -> dict:
        """The form as the API's `significant_change` event."""
        change = None
        if self.care_plan_change.data != NO_CARE_PLAN_CHANGE:
            change = {"circumstance": self.care_plan_change.data, "description": self.care_plan_description.data}
        return {"type": "significant_change", "date": self.date.data.isoformat(), "kind": self.kind.data,
                "details": self.details.data, "care_plan_change": change}


@bp.route("/children/<int:child_id>/significant-change", methods=["GET", "POST"])
def significant_change(child_id):
    who = current_user.identity
    found = queries.visible_child(who, child_id)
    if found is None:
        return security.error_page(404)
    form = SignificantChangeForm()
    if request.method == "POST" and form.validate():
        try:
            cases.record_event(child_id, form.event(), actor=who.username)
        except InvalidData as refused:
            for name, message in refused.errors.items():  # e.g. a date in the future
                getattr(form, name, form.details).errors.append(f"{getattr(form, name, form.details).label.text} "
                                                                f"{message}")
        else:
            flash("The significant change is recorded. The child's IRO has been asked to consider an early review.",
                  "success")
            return redirect(url_for(".child", child_id=child_id))
    status = 400 if request.method == "POST" else 200
    return render_template("significant_change.html", child=found, form=form), status
