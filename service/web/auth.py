"""Signing in and out, and the rule that every page needs a signed-in person.

A session ends after 30 minutes without a request: it is a permanent session whose
signed cookie Flask re-signs on every request and refuses once older than the
lifetime, so the limit holds on the server, not only in the browser. There is no
"remember me". Flask-Login's "strong" protection does nothing to a permanent session
(it only marks it not fresh), so `_drop_moved_session` ends it when the browser or
address it was signed in from changes.

Each session is also a row in the database (service/people/sessions.py), read on every
request: signing out ends it there, so a copy of the cookie taken before opens nothing.
In production mode a password the policy refuses (the demo council's `demo`) does not
sign anyone in: an administrator sets a new one.
"""

from datetime import timedelta
from typing import cast

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_login.signals import session_protected
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from service.db import writing
from service.errors import NotFound
from service.people import accounts as people
from service.people import passwords, sessions
from service.workflow import audit, clock

from . import security

SESSION_LIFETIME = timedelta(minutes=30)
PAUSED = "Too many failed attempts. Wait 15 minutes and try again."
WAIT = "Too many failed attempts from your network. Wait {} and try again."
WRONG = "Enter a correct username and password"
RESET = "Your password is no longer allowed here. Ask an administrator to set a new one for you."

login_manager = LoginManager()
login_manager.session_protection = "strong"
bp = Blueprint("auth", __name__)


class User(UserMixin):
    """The signed-in person as Flask-Login needs them; `identity` is what the service layer takes."""

    def __init__(self, identity: people.Identity, session_token: str):
        self.identity = identity
        self.session_token = session_token

    def get_id(self) -> str:
        """What the cookie keeps: the session's reference, not the person's id."""
        return self.session_token


@login_manager.user_loader
def _load(session_token: str):
    found = people.identity_for_session(session_token)
    return User(found, session_token) if found else None


@login_manager.unauthorized_handler
def _to_sign_in():
    """To the sign-in page, coming back here afterwards if this was a page to look at."""
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.sign_in", next=back))


@session_protected.connect
def _drop_moved_session(app):
    if "_user_id" in session:
        session.clear()


def init_app(app):
    app.config.update(PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME, SESSION_REFRESH_EACH_REQUEST=True)
    login_manager.init_app(app)
    app.register_blueprint(bp)


def pages_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint of pages for signed-in people, where a service NotFound is the 404 page."""
    pages = Blueprint(name, import_name)
    pages.before_request(login_required(lambda: None))
    pages.register_error_handler(NotFound, lambda error: security.error_page(404))
    return pages


class SignInForm(FlaskForm):
    username = StringField(
        "Username",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your username"), Length(max=100, message=WRONG)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=200, message=WRONG)],
    )


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(url_for("worklist.my_tasks"))
    form = SignInForm()
    problem, status, headers = None, 200, {}
    if form.validate_on_submit():
        username, address = form.username.data.strip(), request.remote_addr or ""
        pause = people.sign_in_pause(username, address)
        user = None
        if pause:
            seconds = f"{pause.seconds} second" + ("" if pause.seconds == 1 else "s")
            problem, status = (PAUSED if pause.account else WAIT.format(seconds)), 429
            headers["Retry-After"] = str(pause.seconds)
        else:
            user = people.sign_in(username, form.password.data, address=address)
            problem = None if user else WRONG
        if user and current_app.config["IRO_MODE"] == "production" and passwords.problem(form.password.data):
            user, problem = None, RESET
        with writing():
            if user:
                audit.record(clock.real_now(), username, "signed_in")
            else:
                audit.record(
                    clock.real_now(),
                    username,
                    "sign_in_failed",
                    paused=status == 429,
                    **({"reason": "password policy"} if problem == RESET else {}),
                )
        if user:
            start_session(user.id)
            return redirect(local_path(request.args.get("next")) or url_for("worklist.my_tasks"))
    return render_template("sign_in.html", form=form, problem=problem), status, headers


def start_session(user_id: int) -> None:
    """A new session (and so a new CSRF token) for the person, kept in the database."""
    session.clear()
    session.permanent = True
    who = cast(people.Identity, people.identity(user_id))  # who has just signed in is active
    login_user(User(who, sessions.start(user_id)))


def local_path(target: str | None) -> str | None:
    """`next` only if it is a path on this site, so the sign-in page cannot send anyone elsewhere
    (to a browser `//host`, `/\\host` and `/<tab>/host` are other sites)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    return target if "\\" not in target and target.isprintable() else None


@bp.post("/sign-out")
@login_required
def sign_out():
    sessions.end(current_user.session_token)
    with writing():
        audit.record(clock.real_now(), current_user.identity.username, "signed_out")
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))
