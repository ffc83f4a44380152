"""The child's own page before a looked-after review (docs/domain.md V3): who their IRO is, when
and where the review is, their plan in plain words, "what I want to say" until the review is held,
then what the review decided, and how to tell someone. After the review it shows what was
decided, without the form, until the link ends (`links.expiry`); what it shows is read by
`own_page`, what it sends kept by `child_views`.
"""

from flask import Response, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovFileInput, GovRadioInput
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Optional

from service.errors import InvalidData
from service.models import LinkPurpose
from service.voices import child_views, iro_contact, links, own_page

from . import PageClosed, bp, current_link


def _text(label: str, hint: str = "") -> TextAreaField:
    return TextAreaField(label, description=hint, widget=GovCharacterCount(), validators=[Optional()])


def _choice(label: str, answers: dict, required: str | None = None) -> RadioField:
    return RadioField(
        label,
        choices=[SelectChoice(key, text) for key, text in answers.items()],
        validators=[InputRequired(required)] if required else [Optional()],
        widget=GovRadioInput(),
    )


class ViewsForm(FlaskForm):
    going_well = _text("What is going well?")
    not_going_well = _text("What is not going well?")
    who_there = _text("Who do you want at your review?")
    chair_part = _choice("Do you want to run part of your review?", child_views.CHAIR_PART)
    anything_else = _text("Is there anything else you want to say?")
    attending = _choice("Will you come to your review?", child_views.ATTENDING)
    helped_by = _choice("Is someone helping you with this?", child_views.HELPED_BY)
    share = _choice("Can your social worker see what you wrote?", child_views.SHARE, "Please choose yes or no")
    attachment = FileField(
        "A drawing or a voice note (if you want)",
        description="A picture or a sound file. It must be smaller than 5 MB.",
        widget=GovFileInput(),
    )


@bp.route("/p/my-page", methods=["GET", "POST"])
def my_page():
    link = current_link(LinkPurpose.CHILD_PAGE)
    shown = own_page.page(link)
    writable = not shown.held
    form = ViewsForm()
    status = 200
    if request.method == "POST":
        if not writable:
            raise PageClosed(links.LinkState.EXPIRED)
        if form.validate_on_submit():
            upload = request.files.get(form.attachment.name)
            answers = {name: form[name].data for name in child_views.ANSWERS}
            try:
                child_views.send(link.id, answers, child_views.Upload(upload.read()) if upload else None)
            except InvalidData as refused:
                for name, message in refused.errors.items():
                    form[name].errors = [*form[name].errors, message]
            except links.LinkEnded as ended:
                raise PageClosed(ended.state) from None
            else:
                return redirect(url_for(".my_page", sent=1))
        status = 400
    return (
        render_template(
            "public/my_page.html",
            page=shown,
            form=form if writable else None,
            just_sent=request.args.get("sent") == "1",
            limit=child_views.TEXT_LIMIT,
        ),
        status,
    )


@bp.get("/p/my-page/iro-photo")
def iro_photo():
    """The photo of the IRO of this link's child, and no one else's."""
    link = current_link(LinkPurpose.CHILD_PAGE)
    iro_id = own_page.iro_id_of(link)
    found = iro_contact.photo(iro_id) if iro_id else None
    if found is None:
        raise PageClosed(None)
    content, content_type = found
    return Response(
        content,
        mimetype=content_type,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )
