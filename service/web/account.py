"""Your account: change your password, and sign out everywhere (every browser, every copy
of the cookie), for whoever fears a session was left open or taken."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput
from wtforms import PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from service.db import db, writing
from service.errors import InvalidData
from service.models import User
from service.people import accounts as people
from service.people import passwords, sessions
from service.workflow import audit, clock

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


@bp.get("/account")
def index():
    return _page(PasswordForm())


def _page(form, status=200):
    return render_template("account.html", form=form, sign_out_form=FlaskForm()), status


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
