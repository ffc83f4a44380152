"""Staff preparing a child's own page before a looked-after review (docs/domain.md V3): the words
for the child (the IRO's), the links to it, and the views the child sent.

Who may open it is `access.may_prepare_own_page`; who writes the words `access.may_write_own_page`;
who sees the views `access.child_views_condition`. Anyone else gets 404, as for a child they do not see.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from service.errors import InvalidData
from service.models import LinkPurpose
from service.people import access
from service.voices import child_views, links, own_page
from service.workflow import clock
from service.workflow import working_days as calendar

from . import queries, security
from .auth import pages_blueprint
from .links import HandOverForm, make_and_hand_over

bp = pages_blueprint("own_page", __name__)
LIMIT = own_page.WORDS_LIMIT


class WordsForm(FlaskForm):
    venue = StringField(
        "Where the review will be",
        widget=GovTextInput(),
        validators=[Length(max=own_page.VENUE_LIMIT, message="Use 300 characters or fewer")],
    )
    invitees = TextAreaField(
        "Who is invited (one per line)",
        description="As the child knows them: Mum, my foster carer Jo, my teacher",
        widget=GovTextArea(),
    )
    plan_words = TextAreaField(
        "Your care plan in plain words",
        description="Short sentences the child understands. It starts from the last review's words.",
        widget=GovCharacterCount(),
        validators=[Length(max=LIMIT, message=f"Use {LIMIT} characters or fewer")],
    )
    decided_words = TextAreaField(
        "What your review decided, in plain words",
        widget=GovCharacterCount(),
        validators=[Length(max=LIMIT, message=f"Use {LIMIT} characters or fewer")],
    )


class LinkForm(HandOverForm):
    for_person = RadioField(
        "Who is the link for?",
        choices=[SelectChoice(key, text.capitalize()) for key, text in own_page.FOR_PEOPLE.items()],
        validators=[InputRequired("Choose who the link is for")],
        widget=GovRadioInput(),
    )
    child = None

    def validate_for_person(self, field):
        refused = own_page.refusal_for(self.child, field.data, calendar.london_date(clock.now()))
        if refused:
            raise ValidationError(refused)


@bp.route("/children/<int:child_id>/own-page", methods=["GET", "POST"])
def own_page_for(child_id):
    who = current_user.identity
    child = queries.visible_child(who, child_id)
    if child is None or not access.may_prepare_own_page(who, child):
        return security.error_page(404)
    review, held = own_page.next_review(child), own_page.last_held(child.id)
    may_write = access.may_write_own_page(who, child)
    sent = request.form.get("form") if request.method == "POST" else None
    words = WordsForm(formdata=request.form if sent == "words" else None)
    link_form = LinkForm(formdata=request.form if sent == "link" else None)
    link_form.child = child
    here = url_for(".own_page_for", child_id=child.id)
    if sent is not None and (review is None or sent not in ("words", "link") or (sent == "words" and not may_write)):
        return security.error_page(404)
    if sent == "words" and words.validate():
        try:
            own_page.save_words(
                child,
                venue=words.venue.data,
                invitees=words.invitees.data,
                plan_words=words.plan_words.data,
                decided_words=words.decided_words.data if held is not None else None,
                actor=who.username,
            )
        except InvalidData as refused:
            for name, message in refused.errors.items():
                words[name].errors = [*words[name].errors, message]
        else:
            flash("The words for the child are saved", "success")
            return redirect(here)
    if sent == "link":
        done = make_and_hand_over(
            link_form, lambda: own_page.make_link(child, link_form.for_person.data, actor=who.username), here
        )
        if done is not None:
            return done
    if sent is None and review is not None:
        words.venue.data = review.venue
        words.invitees.data = "\n".join(review.invitees or [])
        words.plan_words.data = own_page.plan_words_to_start(review)
        words.decided_words.data = held.decided_words if held is not None else None
    condition = access.child_views_condition(who, child)
    return render_template(
        "own_page.html",
        child=child,
        review=review,
        held=held,
        may_write=may_write,
        words=words,
        link_form=link_form,
        links=links.of_occasion(LinkPurpose.CHILD_PAGE, review_id=review.id) if review else [],
        sent=child_views.of_review(review.id, condition) if review else [],
        held_sent=child_views.of_review(held.id, condition) if held else [],
        here=here,
        limit=LIMIT,
    ), 400 if sent else 200


@bp.get("/children/<int:child_id>/views/<int:views_id>/files/<int:file_id>")
def views_file(child_id, views_id, file_id):
    """A drawing or voice note the child sent, to those who may see those views, as a download."""
    who = current_user.identity
    child = queries.visible_child(who, child_id)
    found = child and child_views.attachment(child_id, views_id, file_id, access.child_views_condition(who, child))
    if not found:
        return security.error_page(404)
    extension = found.content_type.split("/")[1]
    return (
        found.content,
        200,
        {
            "Content-Type": found.content_type,
            "Content-Disposition": f'attachment; filename="{found.kind}-{found.id}.{extension}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
