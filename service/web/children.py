"""A child's case page, and what people report about the child from it.

A social worker (or anyone who sees the child) reports a significant change; the
Review and QA Manager records that a child became looked after; the child's social
worker or that manager records that the child ceased to be. Each is the event a
case-management system would send through the API: the same checks, the same
processes. The child's IRO may bring the next review forward (reg 33(3)), and an IRO
who sees a looked-after child may raise a management alert (service/web/alerts.py), for
the child's looked-after siblings too. The child's social worker, Team Manager or the
Review and QA Manager changes the child's siblings; the social worker or that manager
records the birth of an unborn child (docs/domain.md C8). The child's Team Manager or the Review and
QA Manager says whether the child's social worker is qualified (the RAG notification shows it).
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovTextArea, GovTextInput
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from forms import DayMonthYearField
from service import routing
from service.casework import children as cases
from service.casework import codes, conferences, families, reviews
from service.errors import InvalidData
from service.people import access, accounts
from service.tasks import cover
from service.voices import child_views

from . import queries, security
from .auth import pages_blueprint
from .template_helpers import day

bp = pages_blueprint("children", __name__)
NO_CARE_PLAN_CHANGE = "none"


def _actions(who, child) -> list[tuple[str, str]]:
    """The case page's links: (text, address), each to whom may use it (`access`) while it applies to
    the child; anyone else gets 404 from the form, as for a child they do not see."""
    offered = [
        ("Report a significant change", ".significant_change", access.may_report_change, child.looked_after),
        (
            "Record that the child became looked after",
            ".became_looked_after",
            access.may_record_looked_after,
            not child.looked_after,
        ),
        (
            "Record that the child ceased to be looked after",
            ".ceased_looked_after",
            access.may_record_ceased,
            child.looked_after,
        ),
        ("Bring the next review forward", ".bring_review_forward", access.may_bring_review_forward, child.looked_after),
        ("Record a child protection strategy discussion", ".strategy_discussion", access.may_record_strategy, True),
        ("Change the child's siblings", ".siblings", access.may_change_siblings, True),
        ("Say whether the social worker is qualified", ".worker_qualified", access.may_say_worker_qualified, True),
        ("Record the birth", ".record_birth", access.may_record_birth, child.dob is None),
        (
            "Prepare the child's own page for their review",
            "own_page.own_page_for",
            access.may_prepare_own_page,
            child.looked_after,
        ),
    ]
    return [
        (text, url_for(endpoint, child_id=child.id))
        for text, endpoint, may, applies in offered
        if applies and may(who, child)
    ]


@bp.get("/children/<int:child_id>")
def child(child_id):
    who = current_user.identity
    found = queries.visible_child(who, child_id)
    if found is None:
        return security.error_page(404)
    protection = conferences.episodes_of(child_id)
    return render_template(
        "child.html",
        child=found,
        holders=queries.case_holders(found),
        episode=cases.episode(found),
        tasks=queries.open_tasks(who, child_id),
        timeline=queries.timeline(child_id, protection),
        actions=_actions(who, found),
        looked_after=queries.latest_episode(child_id),
        reviews=queries.reviews(child_id),
        record_deadlines=reviews.record_deadlines,
        alerts=queries.child_alerts(child_id),
        may_raise_alert=access.may_raise_alert(who, found),
        alert_siblings=families.alert_siblings(who, found) if access.may_raise_alert(who, found) else [],
        review_id=request.args.get("review", type=routing.whole_number),  # raising an alert from a review
        siblings=families.siblings_seen(who, found),
        instances=families.processes(who, child_id),
        protection=protection,
        child_views=child_views.of_child(child_id, access.child_views_condition(who, found)),
        covers=cover.of_child(found),
    )


def _child_for(child_id, may):
    """The child, if this person sees them and may use this form; else None (404)."""
    who = current_user.identity
    found = queries.visible_child(who, child_id)
    return found if found is not None and may(who, found) else None


def _record_event(child, form, done: str, template: str, **page):
    """Send the valid form as the child's event; refusals show on the fields, as the API names them."""
    if request.method == "POST" and form.validate():
        try:
            cases.record_event(child.id, form.event(), actor=current_user.identity.username)
        except InvalidData as refused:
            for name, message in refused.errors.items():  # e.g. a date in the future
                field = form[name] if name in form else form.date  # noqa: SIM401 (a form has no .get); `type`: the child's status changed
                field.errors.append(f"{field.label.text} {message}")
        else:
            flash(done, "success")
            return redirect(url_for(".child", child_id=child.id))
    status = 400 if request.method == "POST" else 200
    return render_template(template, child=child, form=form, **page), status


def _nothing_to_record(child, message: str):
    """A form that no longer applies (someone recorded it first): back to the case page, saying so."""
    flash(f"{child.name} {message}. Nothing was recorded.")
    return redirect(url_for(".child", child_id=child.id))


class SignificantChangeForm(FlaskForm):
    kind = SelectField(
        "What has changed?",
        widget=GovSelect(),
        choices=[SelectChoice("", "Choose the kind of change")]
        + [SelectChoice(code, words) for code, words in codes.SIGNIFICANT_CHANGES.items()],
        validators=[InputRequired("Choose the kind of change")],
    )
    date = DayMonthYearField("When did it happen?", validators=[InputRequired("Enter when it happened")])
    details = TextAreaField(
        "What happened",
        widget=GovTextArea(),
        validators=[InputRequired("Enter what happened"), Length(max=2000, message="Use 2000 characters or fewer")],
    )
    care_plan_change = RadioField(
        "Does it change the care plan in one of these ways?",
        widget=GovRadioInput(),
        default=NO_CARE_PLAN_CHANGE,
        choices=[SelectChoice(NO_CARE_PLAN_CHANGE, "No")]
        + [SelectChoice(code, words) for code, words in codes.CARE_PLAN_CHANGES.items()],
    )
    care_plan_description = TextAreaField(
        "The proposed change to the care plan",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Use 2000 characters or fewer")],
    )

    def validate_care_plan_description(self, field):
        if self.care_plan_change.data != NO_CARE_PLAN_CHANGE and not (field.data or "").strip():
            raise ValidationError("Describe the proposed change to the care plan")

    def event(self) -> dict:
        """The form as the API's `significant_change` event."""
        change = None
        if self.care_plan_change.data != NO_CARE_PLAN_CHANGE:
            change = {"circumstance": self.care_plan_change.data, "description": self.care_plan_description.data}
        return {
            "type": "significant_change",
            "date": self.date.data.isoformat(),
            "kind": self.kind.data,
            "details": self.details.data,
            "care_plan_change": change,
        }


@bp.route("/children/<int:child_id>/significant-change", methods=["GET", "POST"])
def significant_change(child_id):
    found = _child_for(child_id, access.may_report_change)
    if found is None:
        return security.error_page(404)
    return _record_event(
        found,
        SignificantChangeForm(),
        "The significant change is recorded. The child's IRO has been asked to consider an early review.",
        "child_action.html",
        title="Report a significant change",
        button="Report the change",
        intro="Tell the child's IRO about a change in the child's life (protocol 3.6.1). The IRO "
        "decides whether to bring the next review forward.",
    )


# Codes are checked by `cases.record_event` (validate_choice=False), so the page and the API refuse alike.
class BecameLookedAfterForm(FlaskForm):
    date = DayMonthYearField(
        "When did the child become looked after?",
        validators=[InputRequired("Enter when the child became looked after")],
    )
    legal_status = SelectField(
        "Legal status",
        widget=GovSelect(),
        validate_choice=False,
        description="V4 is a series of short breaks: the child's reviews then follow the short-break timescales.",
        choices=[SelectChoice("", "Choose the legal status")]
        + [SelectChoice(code, f"{code}: {codes.LEGAL_STATUSES[code]}") for code in codes.LEGAL_STATUSES],
        validators=[InputRequired("Choose the legal status")],
    )
    placement_type = RadioField(
        "Placement",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[SelectChoice(code, words) for code, words in codes.PLACEMENT_TYPES.items()],
        validators=[InputRequired("Select the kind of placement")],
    )
    placement_regulated = RadioField(
        "Is the placement regulated?",
        widget=GovRadioInput(),
        description="Registered with Ofsted, as foster care and children's homes are.",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired("Select whether the placement is regulated")],
    )

    def event(self) -> dict:
        """The form as the API's `became_looked_after` event."""
        return {
            "type": "became_looked_after",
            "date": self.date.data.isoformat(),
            "legal_status": self.legal_status.data,
            "placement_type": self.placement_type.data,
            "placement_regulated": self.placement_regulated.data == "yes",
        }


@bp.route("/children/<int:child_id>/looked-after", methods=["GET", "POST"])
def became_looked_after(child_id):
    found = _child_for(child_id, access.may_record_looked_after)
    if found is None:
        return security.error_page(404)
    if found.looked_after:
        return _nothing_to_record(found, "is already looked after")
    return _record_event(
        found,
        BecameLookedAfterForm(),
        "The child is recorded as looked after. The Review and QA Manager has been asked to allocate an IRO.",
        "child_action.html",
        title="Record that the child became looked after",
        button="Record it",
    )


class CeasedLookedAfterForm(FlaskForm):
    date = DayMonthYearField(
        "When did the child stop being looked after?",
        validators=[InputRequired("Enter when the child stopped being looked after")],
    )
    reason = RadioField(
        "Why did the child stop being looked after?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[SelectChoice(code, words) for code, words in codes.CEASED_REASONS.items()],
        validators=[InputRequired("Select why the child stopped being looked after")],
    )

    def event(self) -> dict:
        """The form as the API's `ceased_looked_after` event."""
        return {"type": "ceased_looked_after", "date": self.date.data.isoformat(), "reason": self.reason.data}


@bp.route("/children/<int:child_id>/ceased", methods=["GET", "POST"])
def ceased_looked_after(child_id):
    found = _child_for(child_id, access.may_record_ceased)
    if found is None:
        return security.error_page(404)
    if not found.looked_after:
        return _nothing_to_record(found, "is not looked after")
    return _record_event(
        found,
        CeasedLookedAfterForm(),
        "The child is recorded as no longer looked after.",
        "child_action.html",
        title="Record that the child ceased to be looked after",
        button="Record it",
    )


class BringForwardForm(FlaskForm):
    date = DayMonthYearField(
        "When should the review be held?",
        description="Today or later.",
        validators=[InputRequired("Enter when the review should be held")],
    )
    reason = TextAreaField(
        "Why is the review needed earlier?",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter why the review is needed earlier"),
            Length(max=reviews.REASON_LIMIT, message=f"Use {reviews.REASON_LIMIT} characters or fewer"),
        ],
    )


@bp.route("/children/<int:child_id>/bring-review-forward", methods=["GET", "POST"])
def bring_review_forward(child_id):
    found = _child_for(child_id, access.may_bring_review_forward)
    if found is None:
        return security.error_page(404)
    form = BringForwardForm()
    if request.method == "POST" and form.validate():
        try:
            reviews.bring_forward(child_id, form.date.data, form.reason.data, actor=current_user.identity.username)
        except InvalidData as refused:
            for name, message in refused.errors.items():  # the service words them for people
                form[name].errors.append(message)
        else:
            flash(f"The next review is brought forward to {day(form.date.data)}.", "success")
            return redirect(url_for(".child", child_id=child_id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "child_action.html",
        child=found,
        form=form,
        title="Bring the next review forward",
        button="Bring the review forward",
        intro="The IRO may ask for a review earlier than its due date (reg 33(3)).",
    ), status


class StrategyDiscussionForm(FlaskForm):
    date = DayMonthYearField(
        "When was the strategy discussion?", validators=[InputRequired("Enter when the strategy discussion was")]
    )
    s47 = RadioField(
        "Did it start a section 47 enquiry?",
        widget=GovRadioInput(),
        description="A section 47 enquiry starts the timescale for the initial child protection conference "
        "(15 working days). If not, the discussion is recorded and nothing else happens.",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired("Select whether it started a section 47 enquiry")],
    )
    transfer_in = RadioField(
        "Is the child arriving on another council's child protection plan?",
        widget=GovRadioInput(),
        description="A transfer-in conference follows, on the same timescale.",
        default="no",
        choices=[SelectChoice("no", "No"), SelectChoice("yes", "Yes")],
        validators=[InputRequired("Select whether the child is arriving on another council's plan")],
    )

    def event(self) -> dict:
        """The form as the API's `cp_strategy_discussion` event."""
        return {
            "type": "cp_strategy_discussion",
            "date": self.date.data.isoformat(),
            "s47": self.s47.data == "yes",
            "transfer_in": self.transfer_in.data == "yes",
        }


@bp.route("/children/<int:child_id>/strategy-discussion", methods=["GET", "POST"])
def strategy_discussion(child_id):
    found = _child_for(child_id, access.may_record_strategy)
    if found is None:
        return security.error_page(404)
    return _record_event(
        found,
        StrategyDiscussionForm(),
        "The strategy discussion is recorded.",
        "child_action.html",
        title="Record a child protection strategy discussion",
        button="Record it",
        intro="A child whose brother or sister has an enquiry open before its initial conference joins that "
        "enquiry: siblings are conferenced together.",
    )


class SiblingsForm(FlaskForm):
    case_numbers = StringField(
        "Case numbers of the child's siblings",
        widget=GovTextInput(),
        description="Separate them with spaces or commas. Leave it empty if the child has no siblings here.",
        validators=[Length(max=2000, message="Use 2000 characters or fewer")],
    )


@bp.route("/children/<int:child_id>/siblings", methods=["GET", "POST"])
def siblings(child_id):
    """The child's siblings that this person sees, by case number; each sibling's list follows."""
    found = _child_for(child_id, access.may_change_siblings)
    if found is None:
        return security.error_page(404)
    who = current_user.identity
    form = SiblingsForm()
    if request.method == "GET":
        form.case_numbers.data = " ".join(sibling.case_number for sibling in families.siblings_seen(who, found))
    elif form.validate():
        try:
            families.change_siblings(who, found, form.case_numbers.data or "", actor=who.username)
        except InvalidData as refused:
            message = refused.errors.get("siblings", str(refused))
            form.case_numbers.errors.append(message[:1].upper() + message[1:])
        else:
            flash("The child's siblings are recorded.", "success")
            return redirect(url_for(".child", child_id=child_id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "child_action.html",
        child=found,
        form=form,
        title="Change the child's siblings",
        button="Save the siblings",
        intro="Brothers and sisters are reviewed and conferenced together, and an IRO may raise one "
        "management alert for them. Each sibling's record is changed too.",
    ), status


class BirthForm(FlaskForm):
    dob = DayMonthYearField("Date of birth", validators=[InputRequired("Enter the child's date of birth")])


@bp.route("/children/<int:child_id>/birth", methods=["GET", "POST"])
def record_birth(child_id):
    """An unborn child (a pre-birth conference's) is born: the date of birth, once."""
    found = _child_for(child_id, access.may_record_birth)
    if found is None:
        return security.error_page(404)
    if found.dob is not None:
        return _nothing_to_record(found, "has a date of birth recorded")
    form = BirthForm()
    if request.method == "POST" and form.validate():
        try:
            cases.change_child(child_id, {"dob": form.dob.data.isoformat()}, actor=current_user.identity.username)
        except InvalidData as refused:
            form.dob.errors.append(f"Date of birth {refused.errors.get('dob', str(refused))}")
        else:
            flash("The birth is recorded.", "success")
            return redirect(url_for(".child", child_id=child_id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "child_action.html",
        child=found,
        form=form,
        title="Record the birth",
        button="Record the birth",
        intro=f"Expected on {day(found.expected_birth)}." if found.expected_birth else None,
    ), status


QUALIFIED = {"yes": True, "no": False}


class QualifiedForm(FlaskForm):
    qualified = RadioField(
        choices=[
            SelectChoice("yes", "Yes, a qualified social worker"),
            SelectChoice("no", "No, an unqualified case holder"),
        ],
        validators=[InputRequired("Select whether the social worker is qualified")],
        widget=GovRadioInput(),
    )


@bp.route("/children/<int:child_id>/social-worker-qualified", methods=["GET", "POST"])
def worker_qualified(child_id):
    """Whether the child's social worker is a qualified social worker: a fact about the person, so it
    holds for their other children too; the RAG notification shows it instead of asking."""
    found = _child_for(child_id, access.may_say_worker_qualified)
    if found is None:
        return security.error_page(404)
    worker = accounts.user_by_id(found.social_worker_id)
    form = QualifiedForm()
    form.qualified.label.text = f"Is {worker.name} a qualified social worker?"
    if request.method == "GET" and worker.qualified_social_worker is not None:
        form.qualified.data = "yes" if worker.qualified_social_worker else "no"
    elif request.method == "POST" and form.validate():
        accounts.set_qualified(worker.id, QUALIFIED[form.qualified.data], actor=current_user.identity.username)
        flash(f"Recorded whether {worker.name} is a qualified social worker.", "success")
        return redirect(url_for(".child", child_id=child_id))
    status = 400 if request.method == "POST" else 200
    known = {None: "not known yet", True: "a qualified social worker", False: "an unqualified case holder"}
    return render_template(
        "child_action.html",
        child=found,
        form=form,
        title="Say whether the social worker is qualified",
        button="Save",
        intro=f"{worker.name} is the child's social worker: recorded as {known[worker.qualified_social_worker]}. "
        "The answer holds for all their children; the IRO's RAG notification shows it instead of asking.",
    ), status
