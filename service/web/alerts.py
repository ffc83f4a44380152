"""IRO management alerts (docs/domain.md C; protocol 3.3-3.7, case study 4): the managers'
"Alerts for me", an alert's page with its history, its printable form, the letter to
CAFCASS Legal, raising an alert from a child's page, and the alert register (3.5.3).

Each page checks who is asking through the service: an alert is seen by whoever sees its
child; anyone else gets the 404 page, as for an alert that does not exist. The register
is for the service-wide managers, as the review figures are.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import wtforms_errors

from forms.management_alert import OUTCOMES, REFERRAL_CONDITIONS
from service import routing
from service.casework import alerts
from service.errors import InvalidData
from service.people import access
from service.reports import alert_register
from service.workflow import clock
from service.workflow import working_days as calendar

from . import queries, security
from .auth import pages_blueprint
from .reports import TwelveMonthsForm, sees_reports
from .template_helpers import day, deadline

bp = pages_blueprint("alerts", __name__)
CAFCASS_LEGAL = (
    "CAFCASS Legal",
    "8th floor, Wyndham House",
    "South Quay Plaza",
    "189 Marsh Wall",
    "London",
    "E14 9SH",
)  # protocol 3.4.4
NOT_REFERRED = "No referral to CAFCASS has been made for this alert"
STEPS = {
    "received": "Alert received",
    "response": "Written response",
    "overdue": "Response overdue",
    "timescale": "The IRO's timescale ran out",
    "meeting_set": "Stage meeting set",
    "statement": "IRO's statement for the meeting",
    "minutes": "Minutes of the stage meeting",
    "meeting_outcome": "Outcome of the stage meeting",
    "outcome": "IRO's decision",
    "notice": "Notice in writing",
    "consultation": "Consultation before a CAFCASS referral",
    "cafcass_referral": "Referral to CAFCASS",
}
# steps the diagram records as they happen, not a person's answer: no "by" is shown for them
AUTOMATIC_STEPS = ("received", "overdue", "timescale", "notice")
OUTCOME_WORDS = {"extend": "Timescale extended at this stage", **OUTCOMES}
# what an alert waits for, by its open task's id in the diagram; a task a newer diagram adds is named by its title
WAITING_FOR = {
    "raise_alert": "complete the alert form",
    "respond": "respond at stage {stage}",
    "set_meeting": "set the stage {stage} meeting",
    "iro_statement": "give the statement for the stage {stage} meeting",
    "record_minutes": "record the minutes of the stage {stage} meeting",
    "meeting_outcome": "record the outcome of the stage {stage} meeting",
    "record_outcome": "make the IRO's decision on stage {stage}",
    "timescale_reached": "decide what happens now the alert's timescale has run out",
    "consult_safeguarding": "confirm the CAFCASS consultation",
    "consult_head_of_service": "confirm the CAFCASS consultation",
    "make_referral": "make or decline the referral to CAFCASS",
}


@bp.app_template_global()
def sees_alerts() -> bool:
    """Whether "Alerts for me" is in the navigation: for those who receive alerts at a stage."""
    return current_user.is_authenticated and access.sees_alerts(current_user.identity)


@bp.app_template_global()
def raises_alerts() -> bool:
    """Whether "Alerts I raised" is in the navigation: for IROs."""
    return current_user.is_authenticated and access.raises_alerts(current_user.identity)


@bp.app_template_global()
def alert_moved_on(task) -> str | None:
    """Why a cancelled task of an alert can no longer be done (the alert moved on), or None."""
    return alerts.moved_on(task)


@bp.app_template_global()
def alert_id_of(task) -> int | None:
    """The alert a task belongs to (its page links to the alert's history), or None."""
    return queries.alert_id_of(task.instance_id)


@bp.app_template_global()
def waiting_sentence(waits: alerts.Waiting, alert) -> str:
    """ "Waiting for the Head of Service (Hal North) to confirm the CAFCASS consultation by 11 November
    2026 (2 working days left)": who, what and by when, for one open task of the alert."""
    who = " ".join(
        filter(None, [f"the {waits.role}" if waits.role else None, f"({waits.person})" if waits.person else None])
    )
    known = WAITING_FOR.get(waits.step)
    what = known.format(stage=alert.stage) if known else waits.title[:1].lower() + waits.title[1:]
    sentence = f"Waiting for {who or 'someone'} to {what}"
    due = deadline(waits.due_at)
    if due is None:
        return sentence
    return f"{sentence} by {day(waits.due_at)} ({due[0][:1].lower()}{due[0][1:]})"


@bp.app_context_processor
def _words():
    return {
        "ALERT_STEPS": STEPS,
        "ALERT_OUTCOMES": OUTCOME_WORDS,
        "REFERRAL_CONDITIONS": REFERRAL_CONDITIONS,
        "AUTOMATIC_STEPS": AUTOMATIC_STEPS,
    }


@bp.get("/alerts")
def for_me():
    return render_template("alerts_for_me.html", found=alerts.for_me(current_user.identity))


@bp.get("/alerts/raised")
def raised():
    return render_template(
        "alerts_raised.html", found=alerts.raised_by(current_user.identity), STATUS_WORDS=alert_register.STATUS_WORDS
    )


@bp.get("/alerts/<int:alert_id>")
def alert(alert_id):
    return _alert_page("alert.html", alert_id)


@bp.get("/alerts/<int:alert_id>/form")
def printable_form(alert_id):
    return _alert_page("alert_form.html", alert_id)


def _alert_page(template: str, alert_id: int):
    """The alert's history or its printable form: the same record, for whoever sees its child."""
    return render_template(
        template,
        record=queries.alert_record(current_user.identity, alert_id),
        STATUS_WORDS=alert_register.STATUS_WORDS,
    )


@bp.get("/alerts/<int:alert_id>/cafcass-letter")
def cafcass_letter(alert_id):
    record = queries.alert_record(current_user.identity, alert_id)
    if record.referral is None:
        return render_template("alert_not_referred.html", message=NOT_REFERRED), 404
    return render_template(
        "alert_cafcass_letter.html", record=record, address=CAFCASS_LEGAL, STATUS_WORDS=alert_register.STATUS_WORDS
    )


@bp.post("/children/<int:child_id>/management-alert")
def raise_alert(child_id):
    """An IRO who sees the looked-after child starts an alert, for the siblings they ticked too (one
    alert for the group, this child its lead); its form is their first task."""
    try:
        task_id = alerts.request(
            current_user.identity,
            child_id,
            review_id=request.form.get("review_id", type=routing.whole_number),
            siblings=request.form.getlist("siblings", type=routing.whole_number),
        )
    except InvalidData as refused:
        flash(str(refused))
        return redirect(url_for("children.child", child_id=child_id))
    return redirect(url_for("tasks.task", task_id=task_id))


# --- the register -----------------------------------------------------------------------------------------


def _register_only():
    return None if sees_reports() else security.error_page(404)


def _period():
    form = TwelveMonthsForm(request.args)
    return form, form.read(calendar.london_date(clock.now()))


@bp.get("/reports/alerts")
def register():
    refused = _register_only()
    if refused:
        return refused
    form, period = _period()
    found = alert_register.register(*period) if period else None
    return render_template(
        "reports_alerts.html", form=form, register=found, errors=wtforms_errors(form)["errorList"]
    ), 200 if period else 400


@bp.get("/reports/alerts.csv")
def register_csv():
    refused = _register_only()
    if refused:
        return refused
    form, period = _period()
    if period is None:
        return render_template(
            "reports_alerts.html", form=form, register=None, errors=wtforms_errors(form)["errorList"]
        ), 400
    start, end = period
    return alert_register.register_csv(start, end), {
        "Content-Type": "text/csv; charset=utf-8",
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="management-alerts-{start}-{end}.csv"',
    }
