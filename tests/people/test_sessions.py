"""Sessions kept in the database: signing out, signing out everywhere and a new password end
every copy of the cookie at once; and the password policy where people choose a password."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from service.db import db, writing
from service.models import AuditEvent, UserSession
from service.people import accounts as people
from service.workflow import clock
from tests.support import council
from tests.support.app import RequestClient
from tests.support.pages import client_for, post_form, sign_in, signed_out

NEW = "a kettle on the windowsill"


@pytest.fixture
def town(app):
    app.test_client_class = RequestClient
    council.staff()


def copy_of(app, client):
    """Another browser holding a copy of `client`'s cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def actions(username):
    return [
        e.action
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.actor == username).order_by(AuditEvent.id))
    ]


def test_a_cookie_captured_before_sign_out_gets_the_sign_in_page_afterwards(app, town):
    client = client_for(app, "iro1")
    thief = copy_of(app, client)
    assert thief.get("/tasks").status_code == 200
    post_form(client, "/sign-out", {}, page_url="/tasks")
    assert signed_out(thief) and signed_out(client)
    assert actions("iro1") == ["signed_in", "signed_out"]


def test_sign_out_everywhere_ends_every_session_of_that_person_only(app, town):
    office, home = client_for(app, "iro1"), client_for(app, "iro1")
    thief, colleague = copy_of(app, home), client_for(app, "iro2")
    page = office.get("/account")
    assert page.status_code == 200 and "every session of yours ends at once" in page.text
    response = post_form(office, "/account/sign-out-everywhere", {}, page_url="/account")
    assert response.status_code == 302 and response.location == "/sign-in"
    assert "You have signed out everywhere" in office.get("/sign-in").text
    assert signed_out(office) and signed_out(home) and signed_out(thief)
    assert colleague.get("/tasks").status_code == 200
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signed_out_everywhere"))
    assert event.actor == "iro1" and event.details["sessions"] == 2


def test_the_account_page_is_linked_from_the_header(app, town):
    client = client_for(app, "iro1")
    assert 'href="/account">Your account</a>' in client.get("/tasks").text


def change(client, current=council.PASSWORD, new=NEW, confirm=None):
    return post_form(
        client,
        "/account/password",
        {"current": current, "new": new, "confirm": new if confirm is None else confirm},
        page_url="/account",
    )


def test_a_new_password_ends_every_other_session_and_keeps_this_one(app, town):
    client, elsewhere = client_for(app, "iro1"), client_for(app, "iro1")
    thief = copy_of(app, client)
    response = change(client)
    assert response.status_code == 302 and response.location == "/account"
    assert "Your password has been changed" in client.get("/account").text
    assert client.get("/tasks").status_code == 200  # a fresh session for the browser that changed it
    assert signed_out(elsewhere) and signed_out(thief)
    assert people.sign_in("iro1", council.PASSWORD, "10.0.0.1") is None
    assert people.sign_in("iro1", NEW, "10.0.0.1") is not None
    assert "password_changed" in actions("iro1")
    assert NEW not in str([e.details for e in db.session.scalars(select(AuditEvent))])


@pytest.mark.parametrize(
    "current, new, confirm, message",
    [
        ("not my password", NEW, None, "Your current password is not right"),
        (council.PASSWORD, "shorter one", None, "Your password must be at least 12 characters long"),
        (council.PASSWORD, "QWERTY123456", None, "That password is one of the most commonly used passwords"),
        (council.PASSWORD, NEW, NEW + "!", "The two new passwords do not match"),
    ],
)
def test_a_refused_new_password_says_why_and_changes_nothing(app, town, current, new, confirm, message):
    client, elsewhere = client_for(app, "iro1"), client_for(app, "iro1")
    response = change(client, current, new, confirm)
    assert response.status_code == 400 and message in response.text and "govuk-error-summary" in response.text
    assert client.get("/tasks").status_code == 200 and elsewhere.get("/tasks").status_code == 200
    assert people.sign_in("iro1", council.PASSWORD, "10.0.0.1") is not None


def test_in_production_a_password_the_policy_refuses_does_not_sign_in(app_factory):
    production = app_factory(IRO_MODE="production")
    production.test_client_class = RequestClient
    with production.app_context():
        council.staff()
        with writing():
            people.set_password(people.user_by_username("iro1"), "demo")
        client = production.test_client()
        response = sign_in(client, "iro1", password="demo")
        assert response.status_code == 200
        assert "Ask an administrator to set a new one for you" in response.text
        assert signed_out(client)
        assert sign_in(client, "iro2").location == "/tasks"  # a password the policy allows signs in


def test_guessing_the_current_password_on_your_account_pauses_the_account_like_sign_in(app, town):
    client = client_for(app, "iro1")
    for _ in range(5):
        assert change(client, current="a guess at it").status_code == 400
    refused = change(client)  # the right password, but the account is paused now
    assert refused.status_code == 400 and "too many attempts" in refused.text
    assert people.sign_in("iro1", NEW, "10.0.0.1") is None
    assert people.sign_in_pause("iro1", "10.0.0.9").account


def test_a_session_ends_12_hours_after_sign_in_however_busy(app, town, monkeypatch):
    client = client_for(app, "iro1")
    began = clock.real_now()
    monkeypatch.setattr(clock, "real_now", lambda: began + timedelta(hours=11, minutes=59))
    assert client.get("/tasks").status_code == 200
    monkeypatch.setattr(clock, "real_now", lambda: began + timedelta(hours=12, seconds=1))
    assert signed_out(client)
    assert client_for(app, "iro1").get("/tasks").status_code == 200  # signing in again starts a new one


def test_signing_in_clears_away_the_person_s_ended_sessions(app, town):
    for _ in range(3):
        post_form(client_for(app, "iro1"), "/sign-out", {}, page_url="/tasks")
    client_for(app, "iro1")
    iro1 = people.user_by_username("iro1").id
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == iro1)) == 1
