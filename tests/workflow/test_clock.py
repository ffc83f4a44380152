"""The application clock: moved by the CLI and the API in test mode only, never backwards,
firing the timers that became due, and shared by every process over the same database."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from service.db import db
from service.models import AuditEvent, HumanTask, OutboxMessage, TaskStatus
from service.people import tokens
from service.workflow import clock, instances
from tests.support.app import START
from tests.support.harness import PEOPLE

LATER = datetime.fromisoformat("2027-06-01T10:00:00+00:00")
MOVED = re.compile(r"now (\S+); (\d+) instance\(s\) moved on by their timers")


def close_to(instant, expected):
    """The clock runs on in real time after a move: allow the seconds a test takes."""
    return expected <= instant < expected + timedelta(seconds=30)


@pytest.fixture
def client(app):
    """The clock endpoint needs a token, like every API endpoint but health."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens.create('test-system')}"
    return client


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def clock_moves():
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "clock_moved"))


def test_cli_set_moves_the_clock_and_show_prints_it(app):
    result = cli(app, "clock", "set", LATER.isoformat())
    assert result.exit_code == 0, result.output
    now, moved_on = MOVED.search(result.output).groups()
    assert close_to(datetime.fromisoformat(now), LATER) and moved_on == "0"
    assert close_to(datetime.fromisoformat(cli(app, "clock", "show").output.strip()), LATER)


def test_cli_advance_fires_due_timers_and_says_how_many_instances_moved_on(app):
    started = instances.start_instance("reminder_escalation", {"people": PEOPLE}, actor="iro1", child_id="C1")
    result = cli(app, "clock", "advance", "10")
    assert result.exit_code == 0, result.output
    now, moved_on = MOVED.search(result.output).groups()
    assert close_to(datetime.fromisoformat(now), START + timedelta(days=10)) and moved_on == "1"
    mails = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.recipient_username, m.subject) for m in mails] == [
        ("iro1", "Reminder: book the review"),
        ("rqam", "Overdue: review not booked"),
    ]
    [task] = db.session.scalars(
        select(HumanTask).where(HumanTask.instance_id == started.instance_id, HumanTask.status == TaskStatus.OPEN)
    ).all()
    assert task.title == "Chase the IRO"


@pytest.mark.parametrize(
    "args, message",
    [
        (["clock", "set", "2027-01-01T09:00:00+00:00"], "the clock never moves backwards: it is already 2027-04-12"),
        (["clock", "advance", "--", "-1"], "the clock never moves backwards"),
        (["clock", "set", "2027-06-01T10:00:00"], "give the time with a UTC offset"),
        (["clock", "set", "next tuesday"], "'next tuesday' is not an ISO 8601 instant"),
        (["clock", "set", "9999-12-31T00:00:00+00:00"], "move the clock to an instant before 3000-01-01"),
    ],
)
def test_cli_refuses_to_move_the_clock_backwards_or_to_an_unclear_time(app, args, message):
    result = cli(app, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert close_to(clock.now(), START)
    assert clock_moves() == 1  # the fixture's own move only


def test_production_mode_refuses_to_move_the_clock(app_factory):
    production = app_factory(IRO_MODE="production")
    with production.app_context():
        result = cli(production, "clock", "set", LATER.isoformat())
        assert result.exit_code != 0
        assert "the clock cannot be moved in production mode" in result.output
        client = production.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens.create('test-system')}"
        assert client.post("/api/v1/clock", json={"now": LATER.isoformat()}).status_code == 404
        assert clock.offset_seconds() == 0.0 and clock_moves() == 0
        assert client.get("/api/v1/health").json["mode"] == "production"


def test_api_moves_the_clock_and_fires_due_timers(app, client):
    instances.start_instance("reminder_escalation", {"people": PEOPLE}, actor="iro1", child_id="C1")
    response = client.post("/api/v1/clock", json={"now": LATER.isoformat()})
    assert response.status_code == 200
    assert close_to(datetime.fromisoformat(response.json["now"]), LATER)
    assert response.json["instances_moved_on"] == 1
    assert close_to(clock.now(), LATER)


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({}, 422, 'send {"now": "<ISO 8601 instant with a UTC offset>"} and nothing else'),
        ({"now": LATER.isoformat(), "by": "me"}, 422, "and nothing else"),
        ([LATER.isoformat()], 422, "and nothing else"),
        ({"now": "next tuesday"}, 422, "now: 'next tuesday' is not an ISO 8601 instant"),
        ({"now": 20270601}, 422, "now: expected text (a string), got a number"),
        ({"now": "2027-06-01T10:00:00"}, 409, "give the time with a UTC offset"),
        ({"now": "2027-01-01T09:00:00+00:00"}, 409, "the clock never moves backwards"),
    ],
    ids=["missing", "extra-field", "not-an-object", "not-iso", "not-a-string", "naive", "backwards"],
)
def test_api_refuses_a_malformed_move_and_leaves_the_clock_alone(app, client, body, status, message):
    response = client.post("/api/v1/clock", json=body)
    assert response.status_code == status
    assert message in response.json["error"]
    assert close_to(clock.now(), START)
    assert clock_moves() == 1


def test_api_refuses_a_body_that_is_not_json(app, client):
    response = client.post("/api/v1/clock", data=f"now={LATER.isoformat()}")
    assert response.status_code == 422 and '"now"' in response.json["error"]
    assert close_to(clock.now(), START)


def test_health_shows_the_mode_and_the_application_time(client):
    body = client.get("/api/v1/health").json
    assert body["status"] == "ok" and body["mode"] == "test"
    assert close_to(datetime.fromisoformat(body["now"]), START)


def test_every_app_over_the_same_database_shares_the_clock(app, client, app_factory):
    assert client.post("/api/v1/clock", json={"now": LATER.isoformat()}).status_code == 200
    db.session.remove()  # the request is over (the test client shares the fixture's app context)
    other = app_factory()  # as the scheduler or another web worker would be
    with other.app_context():
        assert close_to(clock.now(), LATER)
        assert cli(other, "clock", "advance", "1").exit_code == 0
    assert close_to(clock.now(), LATER + timedelta(days=1))
