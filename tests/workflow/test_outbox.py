"""Notifications leave through a real SMTP server: once per outbox row, never twice,
backing off while the server is down, and failing visibly when they cannot be sent."""

from datetime import timedelta

import pytest

from service.db import db, writing
from service.diagrams import specs
from service.models import OutboxStatus
from service.people import accounts as people
from service.workflow import clock, instances, outbox
from service.workflow import working_days as calendar
from tests.support.app import START, ready
from tests.support.harness import PEOPLE, Harness, create_people
from tests.support.paths import BAD_BPMN

REMINDER = calendar.deadline_after_working_days(START, 3) + timedelta(seconds=1)
OVERDUE = calendar.deadline_after_working_days(START, 5) + timedelta(seconds=1)
MAX_ATTEMPTS = 3


@pytest.fixture
def run(app_factory, smtp):
    app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, OUTBOX_MAX_ATTEMPTS=MAX_ATTEMPTS)
    ready(app)
    with app.app_context():
        create_people()
        yield Harness(app, restart=False)


@pytest.mark.postgres
def test_reminder_and_escalation_each_reach_the_smtp_server_once(run, smtp):
    run.start("reminder_escalation")
    run.move_to(REMINDER)
    run.move_to(OVERDUE)
    before = clock.now()
    assert outbox.deliver_due("test") == 2
    assert [(m.to, m.subject) for m in smtp.received] == [
        (["iro1@council.example"], "Reminder: book the review"),
        (["rqam@council.example"], "Overdue: review not booked"),
    ]
    rows = run.outbox()
    assert [r.status for r in rows] == [OutboxStatus.SENT, OutboxStatus.SENT]
    assert all(before <= r.sent_at <= clock.now() for r in rows)
    assert len({m.message_id for m in smtp.received}) == len(rows)  # one message per row


@pytest.mark.postgres
def test_a_retry_sends_nothing_more_and_requeueing_the_same_key_adds_no_row(run, smtp):
    run.start("reminder_escalation")
    run.move_to(REMINDER)
    assert outbox.deliver_due("test") == 1
    assert outbox.deliver_due("test") == 0
    [row] = run.outbox()
    again = dict(idempotency_key=row.idempotency_key, recipient=row.recipient, subject=row.subject, body=row.body)
    with writing():
        outbox.queue(db.session.connection(), [again], clock.now())
    run.advance(hours=1)
    assert outbox.deliver_due("test") == 0
    assert [r.status for r in run.outbox()] == [OutboxStatus.SENT]
    assert len(smtp.received) == 1


@pytest.mark.postgres
def test_delivery_backs_off_while_the_server_is_down_then_delivers_once(run, smtp):
    run.start("reminder_escalation")
    run.move_to(REMINDER)
    smtp.stop()
    before = clock.now()
    assert outbox.deliver_due("test") == 0
    [row] = run.outbox()
    assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.PENDING, 1, None)
    assert "Connection refused" in row.last_error
    assert before + timedelta(seconds=30) <= row.next_attempt_at <= clock.now() + timedelta(seconds=30)

    smtp.start()
    assert outbox.deliver_due("test") == 0  # not due again until the backoff has passed
    assert smtp.received == []
    run.advance(seconds=31)
    assert outbox.deliver_due("test") == 1
    assert outbox.deliver_due("test") == 0
    assert [m.subject for m in smtp.received] == ["Reminder: book the review"]
    assert run.outbox()[0].status == OutboxStatus.SENT


@pytest.mark.postgres
def test_after_the_last_allowed_attempt_the_message_is_failed_and_not_retried(run, smtp):
    run.start("reminder_escalation")
    run.move_to(REMINDER)
    smtp.stop()
    for _ in range(MAX_ATTEMPTS):
        assert outbox.deliver_due("test") == 0
        run.advance(hours=2)  # past any backoff
    [row] = run.outbox()
    assert (row.status, row.attempts, row.sent_at) == (OutboxStatus.FAILED, MAX_ATTEMPTS, None)
    assert "Connection refused" in row.last_error

    smtp.start()
    run.advance(hours=2)
    assert outbox.deliver_due("test") == 0
    assert smtp.received == []
    assert run.outbox()[0].attempts == MAX_ATTEMPTS


@pytest.mark.postgres
def test_a_role_nobody_holds_fails_at_once_with_its_reason_and_sends_nothing(run, smtp):
    run.start("reminder_escalation", {"people": {}})  # the test case "C1" has nobody in any role
    run.move_to(REMINDER)
    [row] = run.outbox()
    assert (row.status, row.recipient_username, row.sent_at) == (OutboxStatus.FAILED, None, None)
    assert row.last_error == "nobody holds the role IRO on this case"
    assert outbox.deliver_due("test") == 0
    assert smtp.received == []


def test_an_address_in_a_diagrams_data_is_ignored_for_the_one_in_the_persons_account(run, smtp):
    specs.store_version("notify_from_data.bpmn", (BAD_BPMN / "notify_from_data.bpmn").read_text(), "test")
    db.session.commit()
    forged = {"IRO": {"username": "iro1", "email": "someone@elsewhere.example"}}
    instances.start_instance("notify_from_data", {"people": forged, "child_name": "Sam"}, actor="iro1")
    assert outbox.deliver_due("test") == 1
    assert [m.to for m in smtp.received] == [["iro1@council.example"]]


def test_a_message_that_cannot_be_written_as_mail_fails_without_holding_back_the_others(run, smtp):
    specs.store_version("notify_from_data.bpmn", (BAD_BPMN / "notify_from_data.bpmn").read_text(), "test")
    people.create_user("iro9", "Ivy Nine", "iro9@council.example\nBcc: someone@elsewhere.example")  # as imported
    db.session.commit()
    instances.start_instance(
        "notify_from_data", {"people": {"IRO": {"username": "iro9"}}, "child_name": "Sam"}, actor="iro1"
    )
    instances.start_instance("notify_from_data", {"people": PEOPLE, "child_name": "Alex"}, actor="iro1")
    assert outbox.deliver_due("test") == 1
    assert [m.subject for m in smtp.received] == ["Review booked for Alex"]
    bad, good = run.outbox()
    assert (bad.status, bad.attempts) == (OutboxStatus.FAILED, 1) and "ValueError" in bad.last_error
    assert good.status == OutboxStatus.SENT
    assert outbox.deliver_due("test") == 0  # a message that can never be written is not retried
