"""Staff handing a public link over and withdrawing it (docs/domain.md V1).

The pages that make a link (a conference's feedback links, a child's own page) each check who
may, then call `make_and_hand_over` with a function that makes it: the address is checked
first, so a wrong one makes no link. A letter comes back at once as a printable page with the
link and its QR code (the token exists only in that response); an e-mail or a text is queued
and the page goes back where it came from. Anyone who sees the child may withdraw a link of theirs.
"""

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import RadioField, StringField
from wtforms.validators import InputRequired, Length

from service.errors import InvalidData, NotFound
from service.people import access
from service.voices import handover, links

from . import security
from .auth import local_path, pages_blueprint
from .template_helpers import day

bp = pages_blueprint("links", __name__)


class HandOverForm(FlaskForm):
    channel = RadioField(
        "How will you hand the link over?",
        validators=[InputRequired("Choose how to hand the link over")],
        widget=GovRadioInput(),
    )
    address = StringField(
        "E-mail address or mobile number",
        description="Not needed for a letter. Only if the person has given it to us for this.",
        validators=[Length(max=200, message="The address must be 200 characters or fewer")],
        widget=GovTextInput(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = list(handover.channels().items())


def make_and_hand_over(form: HandOverForm, make: Callable[[], links.NewLink], back: str):
    """Make the link and hand it over as the valid form says; None when the form has errors
    (shown on its fields), so the caller shows its page again."""
    if not form.validate_on_submit():
        return None
    try:
        handover.check_address(form.channel.data, form.address.data)
    except InvalidData as refused:
        for name, message in refused.errors.items():
            form[name].errors = [*form[name].errors, message]
        return None
    new = make()
    sending = handover.hand_over(new, form.channel.data, form.address.data, actor=current_user.identity.username)
    if form.channel.data == "letter":
        ends = links.expiry(new.link)
        return render_template(
            "link_letter.html",
            link=new.link,
            url=handover.url(new.token),
            qr_code=handover.qr_code(new.token),
            ends=day(ends) if ends else None,
            back=back,
        )
    flash(f"The link for {new.link.for_person} is on its way to {sending.to_hint}", "success")
    return redirect(back)


@bp.post("/links/<int:link_id>/withdraw")
def withdraw(link_id):
    try:
        link = links.withdraw(
            link_id, actor=current_user.identity.username, visible=access.child_condition(current_user.identity)
        )
    except NotFound:
        return security.error_page(404)
    flash(f"The link for {link.for_person} no longer works", "success")
    return redirect(local_path(request.form.get("back")) or url_for("children.child", child_id=link.child_id))
