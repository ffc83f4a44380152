"""Sign-in throttling that one person cannot turn against an office sharing one address:
an account pauses after five failures, an address only slows down, never locks out."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from service.db import db
from service.models import AuditEvent
from service.people import accounts as people
from service.workflow import clock
from tests.support import council
from tests.support.app import RequestClient
from tests.support.pages import sign_in

REAL_START = clock.real_now()


@pytest.fixture
def moment(monkeypatch):
    """The real time as sign-in sees it, moved by the test instead of waited for."""
    now = [REAL_START]
    monkeypatch.setattr(clock, "real_now", lambda: now[0])

    def later(seconds):
        now[0] += timedelta(seconds=seconds)

    return later


@pytest.fixture
def office(app):
    """Everyone here signs in from the test client's one address, as behind a council's NAT."""
    app.test_client_class = RequestClient
    council.staff()
    return app.test_client()


def test_twenty_failures_from_one_address_never_stop_a_colleague_for_more_than_30_seconds(app, office, moment):
    delays = []
    for n in range(20):
        response = sign_in(office, f"guess{n}", password="wrong")
        if response.status_code == 429:
            wait = int(response.headers["Retry-After"])
            delays.append(wait)
            moment(wait)
            response = sign_in(office, f"guess{n}", password="wrong")
        assert response.status_code == 200 and "Enter a correct username and password" in response.text
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30, 30, 30]  # doubling after ten, up to the documented 30 s

    colleague = app.test_client()
    refused = sign_in(colleague, "iro2")  # the right password, but the address's delay has not run out
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert "Too many failed attempts from your network. Wait 30 seconds and try again." in refused.text
    assert colleague.get("/tasks").status_code == 302
    moment(30)
    assert sign_in(colleague, "iro2").location == "/tasks"
    assert colleague.get("/tasks").status_code == 200


def test_an_attempt_during_the_delay_is_not_counted_and_its_password_is_not_tried(app, office, moment):
    for n in range(10):
        sign_in(office, f"guess{n}", password="wrong")
    first = sign_in(office, "iro1")
    assert first.status_code == 429 and "Wait 1 second and try again" in first.text
    assert sign_in(office, "guess", password="wrong").headers["Retry-After"] == "1"  # not lengthened
    [audited] = db.session.scalars(select(AuditEvent).where(AuditEvent.actor == "iro1"))
    assert audited.action == "sign_in_failed" and audited.details == {"paused": True}
    moment(1)
    assert sign_in(office, "iro1").location == "/tasks"


def test_failures_older_than_15_minutes_no_longer_count(app, office, moment):
    for n in range(20):
        pause = people.sign_in_pause(f"guess{n}", "127.0.0.1")
        moment(pause.seconds if pause else 0)
        assert people.sign_in(f"guess{n}", "wrong", "127.0.0.1") is None
    assert people.sign_in_pause("iro1", "127.0.0.1").seconds == 30
    moment(15 * 60 + 1)
    assert people.sign_in_pause("iro1", "127.0.0.1") is None


def test_an_account_still_pauses_for_15_minutes_after_five_failures(app, office, moment):
    for _ in range(5):
        sign_in(office, "iro1", password="wrong")
    moment(60)  # any address delay long over
    paused = sign_in(app.test_client(), "iro1")
    assert paused.status_code == 429 and "Wait 15 minutes and try again" in paused.text
    assert sign_in(app.test_client(), "iro2").location == "/tasks"  # the rest of the office is not paused
    moment(15 * 60)
    assert sign_in(app.test_client(), "iro1").location == "/tasks"


@pytest.mark.parametrize("proxy_fix, separate", [(True, True), (False, False)])
def test_behind_a_proxy_each_client_address_has_its_own_delay_and_without_one_the_header_is_ignored(
    app_factory, moment, proxy_fix, separate
):
    app = app_factory(PROXY_FIX=proxy_fix)
    app.test_client_class = RequestClient
    with app.app_context():
        council.staff()
        guesser, colleague = app.test_client(), app.test_client()
        guesser.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
        colleague.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
        for n in range(10):
            sign_in(guesser, f"guess{n}", password="wrong")
        assert sign_in(guesser, "guess", password="wrong").status_code == 429
        assert (sign_in(colleague, "iro2").status_code == 302) is separate
