"""Your account: change your password, and sign out everywhere (every browser, every copy
of the cookie), for whoever fears a session was left open or taken. An IRO may give a work
phone number and a photo, which their children's own pages show (pledge item 1)."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from service.db import db, writing
from service.errors import InvalidData
from service.models import User
from service.people import accounts as people
from service.people import passwords, roles, sessions
from service.voices import iro_contact
from service.workflow import audit, clock

from . import security
from .auth import pages_blueprint, start_session

bp = pages_blueprint("account", __name__)


class PasswordForm(FlaskForm):
    current = PasswordField(
        "Your current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password"), Length(max=200)],
    )
    new = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=f"At least {passwords.MIN_LENGTH} characters. A few words together are "
        "easy to remember and hard to guess.",
        validators=[InputRequired("Enter a new password"), Length(max=200)],
    )
    confirm = PasswordField(
        "Confirm the new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter the new password again"),
            EqualTo("new", "The two new passwords do not match"),
        ],
    )


class ContactForm(FlaskForm):
    phone = StringField(
        "Work phone number",
        description="Your children's own pages show it, so they can call you. Leave it empty to show none.",
        widget=GovTextInput(),
        validators=[Length(max=40, message="The phone number must be 40 characters or fewer")],
    )
    photo = FileField(
        "Photo",
        description="A JPEG or PNG smaller than 1 MB, for your children's own pages.",
        widget=GovFileInput(),
    )


@bp.get("/account")
def index():
    return _page(PasswordForm())


def _page(form, status=200, contact=None):
    who = current_user.identity
    user = db.session.get(User, who.id)
    if contact is None:
        contact = ContactForm(formdata=None, phone=user.phone)
    return render_template(
        "account.html",
        form=form,
        sign_out_form=FlaskForm(),
        contact=contact if who.has(roles.IRO) else None,
        has_photo=user.photo_type is not None,
        has_feed=user.calendar_feed_hash is not None,
    ), status


@bp.post("/account/contact")
def contact():
    """The IRO's phone number, and a new photo if one was chosen, or the photo removed."""
    who, form = current_user.identity, ContactForm()
    if not who.has(roles.IRO):
        return security.error_page(404)
    if not form.validate_on_submit():
        return _page(PasswordForm(formdata=None), 400, form)
    upload = request.files.get(form.photo.name)
    content = upload.read() if upload else b""
    try:
        iro_contact.set_phone(who.id, form.phone.data, actor=who.username)
        if request.form.get("remove_photo"):
            iro_contact.remove_photo(who.id, actor=who.username)
        elif content:
            iro_contact.set_photo(who.id, content, actor=who.username)
    except InvalidData as refused:
        for name, message in refused.errors.items():
            form[name].errors = [*form[name].errors, message]
        return _page(PasswordForm(formdata=None), 400, form)
    flash("Your contact details for children are saved", "success")
    return redirect(url_for(".index"))


@bp.get("/account/photo")
def photo():
    """Your own photo, as your children's pages show it."""
    found = iro_contact.photo(current_user.identity.id)
    if found is None:
        return security.error_page(404)
    content, content_type = found
    return content, 200, {"Content-Type": content_type, "X-Content-Type-Options": "nosniff"}


@bp.post("/account/password")
def change_password():
    form, who = PasswordForm(), current_user.identity
    if not form.validate_on_submit():
        return _page(form, 400)
    if people.sign_in(who.username, form.current.data, address=request.remote_addr or "") is None:
        form.current.errors = ["Your current password is not right (or too many attempts: wait and try again)"]
        with writing():
            audit.record(clock.real_now(), who.username, "password_change_refused", reason="current password")
        return _page(form, 400)
    try:
        people.change_password(db.session.get(User, who.id), form.new.data)
    except InvalidData as refused:
        form.new.errors = [str(refused)]
        return _page(form, 400)
    with writing():
        audit.record(clock.real_now(), who.username, "password_changed", by=who.username)
    start_session(who.id)
    flash("Your password has been changed, and every other session of yours has ended", "success")
    return redirect(url_for(".index"))


@bp.post("/account/sign-out-everywhere")
def sign_out_everywhere():
    who = current_user.identity
    with writing():
        ended = sessions.end_all(who.id)
        audit.record(clock.real_now(), who.username, "signed_out_everywhere", by=who.username, sessions=ended)
    logout_user()
    session.clear()
    flash("You have signed out everywhere", "success")
    return redirect(url_for("auth.sign_in"))
