"""Parents' feedback after a conference, for staff (docs/domain.md V2): a held conference's page
lists the parents and carers who attended, each with their link's state, a form to make and hand
over their link, and the paper form typed in; and the anonymous summary at /reports/feedback.

Who gathers a conference's feedback is `access.may_gather_feedback`; who sees the summary is
`access.sees_feedback_summary`. Anyone else gets the 404 page, as for a page that does not exist.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectChoice, SelectField

from service.errors import NotFound
from service.people import access
from service.public.feedback import FeedbackForm, take_answers
from service.reports import feedback_summary
from service.voices import feedback as questionnaire
from service.voices import links as public_links
from service.workflow import clock
from service.workflow import working_days as calendar

from . import security
from .auth import pages_blueprint
from .links import HandOverForm, make_and_hand_over
from .reports import TwelveMonthsForm, _team_choices, _team_select

bp = pages_blueprint("feedback", __name__)


def _gathering(conference_id):
    """The conference's feedback if the signed-in person may gather it, else None (404)."""
    who = current_user.identity
    found = questionnaire.gathering(conference_id, access.child_condition(who))
    if found is None or not access.may_gather_feedback(who, found.conference, found.sees_child):
        return None
    return found


@bp.app_template_global()
def may_gather_feedback(conference) -> bool:
    """Whether the signed-in person, on the case page of a child they see, may gather the held
    conference's feedback (and so its link)."""
    return (
        current_user.is_authenticated
        and questionnaire.is_held(conference)
        and access.may_gather_feedback(current_user.identity, conference, True)
    )


def _page(found, posted=None, status=200):
    """The conference's page; `posted` the hand-over form just refused, by the attendee's index."""
    conference, posted = found.conference, posted or {}
    return render_template(
        "conference_feedback.html",
        found=found,
        errors=[error for form in posted.values() for error in wtforms_errors(form)["errorList"]],
        forms={a.index: posted.get(a.index) or _hand_over_form(a.index, posted=False) for a, _ in found.attendees},
        held=questionnaire.is_held(conference),
        links_end=questionnaire.link_expiry(conference) if questionnaire.is_held(conference) else None,
        states=public_links.LinkState,
        here=url_for("feedback.conference", conference_id=conference.id),
    ), status


def _hand_over_form(person: int, posted: bool = True) -> HandOverForm:
    """One attendee's form, its fields named apart from the others' on the same page; `posted`:
    filled in from the request, else blank."""
    if posted:
        return HandOverForm(prefix=f"p{person}")
    return HandOverForm(formdata=None, prefix=f"p{person}")


@bp.get("/conferences/<int:conference_id>/feedback")
def conference(conference_id):
    found = _gathering(conference_id)
    return security.error_page(404) if found is None else _page(found)


@bp.post("/conferences/<int:conference_id>/feedback/<int:person>/link")
def make_link(conference_id, person):
    found = _gathering(conference_id)
    if found is None or person not in {a.index for a, _ in found.attendees}:
        return security.error_page(404)
    form = _hand_over_form(person)
    back = url_for("feedback.conference", conference_id=conference_id)
    actor = current_user.identity.username
    done = make_and_hand_over(form, lambda: questionnaire.make_link(conference_id, person, actor=actor), back)
    return done if done is not None else _page(found, {person: form}, 400)


@bp.route("/conferences/<int:conference_id>/feedback/paper", methods=["GET", "POST"])
def paper(conference_id):
    found = _gathering(conference_id)
    if found is None or not questionnaire.is_held(found.conference):
        return security.error_page(404)
    form = FeedbackForm()
    actor = current_user.identity.username
    try:
        entered = take_answers(form, lambda answers: questionnaire.enter_paper(conference_id, answers, actor=actor))
    except NotFound:
        return security.error_page(404)
    if entered:
        flash("The answers from the paper form have been added", "success")
        return redirect(url_for("feedback.conference", conference_id=conference_id))
    errors = wtforms_errors(form)["errorList"]
    return render_template(
        "conference_feedback_paper.html",
        found=found,
        form=form,
        errors=errors,
        questions=questionnaire.QUESTIONS,
        limit=questionnaire.COMMENT_LIMIT,
        form_title=questionnaire.TITLE,
    ), 400 if errors else 200


# --- the summary ------------------------------------------------------------------------------------------


class SummaryForm(TwelveMonthsForm):
    """The period of the conferences (the last 12 months unless given), a team, initial or review."""

    team = _team_select()
    kind = SelectField(
        "Conferences",
        widget=GovSelect(),
        default="",
        choices=[SelectChoice(key, words) for key, words in feedback_summary.KINDS.items()],
        invalid_choice_message="Choose initial conferences, review conferences or both",
    )


@bp.app_template_global()
def sees_feedback_summary() -> bool:
    """Whether the signed-in person may see the feedback summary (and so its link among the reports)."""
    return current_user.is_authenticated and access.sees_feedback_summary(current_user.identity)


@bp.get("/reports/feedback")
def summary():
    if not sees_feedback_summary():
        return security.error_page(404)
    form = SummaryForm(request.args)
    form.team.choices = _team_choices()
    period = form.read(calendar.london_date(clock.now()))
    figures = period and feedback_summary.summary(*period, team=form.team.data or None, kind=form.kind.data or None)
    return render_template(
        "reports_feedback.html",
        form=form,
        figures=figures,
        errors=wtforms_errors(form)["errorList"],
        headlines=feedback_summary.HEADLINES,
        kinds=feedback_summary.KINDS,
        suppressed=feedback_summary.SUPPRESSED,
        fewest=feedback_summary.FEWEST,
    ), 200 if period else 400
