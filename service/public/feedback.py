"""Parents' and family members' feedback after a conference (docs/domain.md V2): the seed's 11
questions, each may be skipped, and a comment. The page names no one and shows only the meeting's
date: whoever holds the phone may not be the person the link was for. Once sent, the browser
forgets the link and the link is used, so opening it again says so."""

from flask import render_template
from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from service.errors import InvalidData
from service.models import LinkPurpose
from service.voices import feedback as questionnaire
from service.voices.links import LinkEnded

from . import PageClosed, bp, current_link, forget_link


class _Answers(FlaskForm):
    """The questionnaire as a form: a set of radios per question, the comment, the button."""

    def answers(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name in ANSWER_FIELDS}

    def refused(self, error: InvalidData) -> None:
        """Put the service's reasons on the fields they name."""
        for name, message in error.errors.items():
            self[name].errors = [*self[name].errors, message]


ANSWER_FIELDS = [q.key for q in questionnaire.QUESTIONS] + ["comment"]
FeedbackForm = type(
    "FeedbackForm",
    (_Answers,),
    {
        **{
            q.key: RadioField(
                q.text,
                choices=[SelectChoice(key, words) for key, words in q.scale.items()],
                validators=[Optional()],
                widget=GovRadioInput(),
            )
            for q in questionnaire.QUESTIONS
        },
        "comment": TextAreaField(
            questionnaire.COMMENT,
            validators=[
                Length(
                    max=questionnaire.COMMENT_LIMIT,
                    message=f"Your comment must be {questionnaire.COMMENT_LIMIT} characters or fewer",
                )
            ],
            widget=GovCharacterCount(),
        ),
        "send": SubmitField("Send my answers", widget=GovSubmitInput()),
    },
)


def take_answers(form, submit) -> bool:
    """Validate the posted form and hand its answers to `submit`; False (errors on the fields) if refused."""
    if not form.validate_on_submit():
        return False
    try:
        submit(form.answers())
    except InvalidData as refused:
        form.refused(refused)
        return False
    return True


@bp.route("/p/feedback", methods=["GET", "POST"])
def feedback():
    link = current_link(LinkPurpose.CONFERENCE_FEEDBACK)
    form = FeedbackForm()
    try:
        sent = take_answers(form, lambda answers: questionnaire.submit_online(link.id, answers))
    except LinkEnded as ended:
        raise PageClosed(ended.state) from ended
    if sent:
        forget_link()
        return render_template("public/feedback_thanks.html", title="Thank you: your answers have been sent")
    errors = wtforms_errors(form)["errorList"]
    return render_template(
        "public/feedback.html",
        title="Tell us what you thought of the meeting",
        form=form,
        errors=errors,
        has_errors=bool(errors),
        held_on=questionnaire.held_on(link.conference_id),
        questions=questionnaire.QUESTIONS,
        limit=questionnaire.COMMENT_LIMIT,
    ), 400 if errors else 200
