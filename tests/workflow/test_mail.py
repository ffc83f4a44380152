"""Every notice reaches a person: addressed from their account when it is sent, written with no
more than the reader needs (docs/adr/0015-minimal-personal-data.md), sent through STARTTLS and a login where the
relay asks, and, when it cannot be delivered, listed for the Review and QA Manager to send again."""

import re

import pytest
from sqlalchemy import select, update

from service import create_app
from service.db import db, writing
from service.diagrams import specs
from service.models import AuditEvent, Child, OutboxMessage, OutboxStatus, User
from service.workflow import instances, outbox
from tests.support.app import RequestClient
from tests.support.lifecycle import Life
from tests.support.pages import sign_in, token
from tests.support.paths import TEST_BPMN

ALLOCATED = "You are now the IRO for a child looked after since 2024-01-08"
NO_ADDRESS = "iro1 has no e-mail address in the service (or their account is closed)"


@pytest.fixture
def mailed(app_factory, smtp):
    """Alex North (team NE) looked after from Monday 8 January 2024, iro1 allocated; nothing sent yet."""
    app = app_factory(
        SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, IRO_BASE_URL="https://iro.council.example", OUTBOX_MAX_ATTEMPTS=1
    )
    app.test_client_class = RequestClient
    with app.app_context():
        run = Life(app, False, "2024-01-07")
        child = run.allocated()
        yield run, child, app, smtp


def client_for(app, username):
    client = app.test_client()
    sign_in(client, username)
    return client


def set_address(username, address):
    with writing():
        db.session.execute(update(User).where(User.username == username).values(email=address))


def row(subject) -> OutboxMessage:
    db.session.rollback()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject == subject)).one()


def test_an_email_names_the_child_by_initials_and_case_number_and_links_to_the_service(mailed):
    run, child, app, smtp = mailed
    outbox.deliver_due("test")
    [mail] = [m for m in smtp.received if m.subject == ALLOCATED]
    assert mail.to == ["iro1@council.example"]
    assert "About the child A.N., case number 4120389A." in mail.body
    assert "https://iro.council.example/notifications" in mail.body
    assert "You receive this as the IRO." in mail.body
    assert "Alex" not in mail.body and "North" not in mail.body
    assert "The first review is due by" not in mail.body  # the notice's own text stays in the service
    page = client_for(app, "iro1").get("/notifications").text  # where the link leads, once signed in
    assert "You are now the IRO for a child looked after since 8 January 2024" in page  # GOV.UK dates in the app
    assert "The first review is due by" in page and "About Alex North (case 4120389A)" in page


def test_an_alert_raised_from_the_childs_page_and_left_unanswered_emails_the_iro_when_overdue(mailed):
    run, child, app, smtp = mailed
    iro = client_for(app, "iro1")
    raised = iro.post(
        f"/children/{child}/management-alert", data={"csrf_token": token(iro.get(f"/children/{child}").text)}
    )
    assert raised.status_code == 302
    run.do(
        child,
        "raise_alert",
        serious_or_urgent=False,
        summary_of_concerns="The care plan has drifted.",
        actions_requested=[{"action": "Refer to homefinding"}],
        resolve_by="2024-02-20",
    )
    run.on("2024-01-15", hour=16)  # the stage's five working days end today
    outbox.deliver_due("test")
    assert not [m for m in smtp.received if m.subject.startswith("Overdue")]
    run.on("2024-01-16")
    outbox.deliver_due("test")
    overdue = [m for m in smtp.received if m.subject.startswith("Overdue: no response to the management alert")]
    assert [m.to for m in overdue] == [["iro1@council.example"]]
    assert "case number 4120389A" in overdue[0].body


def test_a_person_without_an_address_is_listed_undelivered_and_sent_again_once_it_is_added(mailed):
    run, child, app, smtp = mailed
    set_address("iro1", "")
    outbox.deliver_due("test")
    assert (row(ALLOCATED).status, row(ALLOCATED).last_error) == (OutboxStatus.FAILED, NO_ADDRESS)
    assert not [m for m in smtp.received if m.subject == ALLOCATED]

    assert client_for(app, "iro1").get("/mail/undelivered").status_code == 404  # the manager's page only
    manager = client_for(app, "rqam")
    page = manager.get("/mail/undelivered").text
    assert "Mail not delivered" in page and ALLOCATED in page and NO_ADDRESS in page and "Case 4120389A" in page
    send_again = f"/mail/undelivered/{row(ALLOCATED).id}/send-again"

    refused = manager.post(send_again, data={"csrf_token": token(page)}, follow_redirects=True).text
    assert f"Not sent again: {NO_ADDRESS}. Put that right first." in refused
    assert row(ALLOCATED).status == OutboxStatus.FAILED  # nothing changed

    set_address("iro1", "ira.one@council.example")
    done = manager.post(send_again, data={"csrf_token": token(refused)}, follow_redirects=True).text
    assert "The notice to iro1 will be sent again within a minute" in done and ALLOCATED not in done
    outbox.deliver_due("test")
    assert [m.to for m in smtp.received if m.subject == ALLOCATED] == [["ira.one@council.example"]]
    assert row(ALLOCATED).status == OutboxStatus.SENT
    [audited] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mail_sent_again")).all()
    assert (audited.actor, audited.details["to"]) == ("rqam", "iro1")

    again = manager.post(send_again, data={"csrf_token": token(done)}, follow_redirects=True).text
    assert "This notice is no longer undelivered" in again  # a second click, or another manager's


def test_mail_refused_by_the_server_is_listed_with_its_reason_and_sent_again_all_at_once(mailed):
    run, child, app, smtp = mailed
    smtp.stop()
    outbox.deliver_due("test")  # one attempt allowed here: failed at once
    db.session.rollback()
    failed = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)).all()
    assert failed and all("ConnectionRefusedError" in m.last_error for m in failed)
    manager = client_for(app, "rqam")
    page = manager.get("/mail/undelivered").text
    assert f"{len(failed)} notice" in page and "ConnectionRefusedError" in page

    smtp.start()
    done = manager.post(
        "/mail/undelivered/send-all-again", data={"csrf_token": token(page)}, follow_redirects=True
    ).text
    assert re.search(rf"{len(failed)} notices? will be sent again", done)
    assert outbox.deliver_due("test") == len(failed)
    assert "Every notice has been delivered or is on its way." in manager.get("/mail/undelivered").text


def test_a_notice_for_a_role_nobody_held_goes_to_whoever_holds_it_when_sent_again(mailed):
    run, child, app, smtp = mailed
    specs.store_version("notify_from_data.bpmn", (TEST_BPMN / "bad" / "notify_from_data.bpmn").read_text(), "test")
    db.session.commit()
    nobody = run.child(name="Bo South", case_number="43235", team="South", worker="sw.south")  # no IRO yet
    instances.start_instance("notify_from_data", {"child_name": "B.S."}, actor="test", child_id=str(nobody))
    db.session.rollback()
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.child_id == str(nobody))).all()
    assert (message.status, message.last_error) == (OutboxStatus.FAILED, "nobody holds the role IRO on this case")

    manager = client_for(app, "rqam")
    page = manager.get("/mail/undelivered").text
    refused = manager.post(
        f"/mail/undelivered/{message.id}/send-again", data={"csrf_token": token(page)}, follow_redirects=True
    ).text
    assert "Not sent again: nobody holds the role IRO on this case" in refused

    with writing():
        db.session.execute(
            update(Child)
            .where(Child.id == nobody)
            .values(iro_id=select(User.id).where(User.username == "iro2").scalar_subquery())
        )
    manager.post(f"/mail/undelivered/{message.id}/send-again", data={"csrf_token": token(refused)})
    outbox.deliver_due("test")
    assert [m.to for m in smtp.received if "43235" in m.body] == [["iro2@council.example"]]


# --- production SMTP: STARTTLS and a login ---------------------------------------------------------------------
@pytest.fixture
def relay_settings(secured_smtp, certificate_authority, tmp_path):
    ca_file = tmp_path / "council-ca.pem"
    certificate_authority.cert_pem.write_to_path(str(ca_file))
    return dict(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=secured_smtp.port,
        SMTP_STARTTLS=True,
        SMTP_TLS_CA_FILE=str(ca_file),
        SMTP_USERNAME="iro-service",
        SMTP_PASSWORD="relay-password",
    )


def test_notices_go_through_starttls_with_the_services_login(app_factory, secured_smtp, relay_settings):
    app = app_factory(**relay_settings)
    with app.app_context():
        run = Life(app, False, "2024-01-07")
        run.allocated()
        assert outbox.deliver_due("test") >= 1
    [mail] = [m for m in secured_smtp.received if m.subject == ALLOCATED]
    assert (mail.to, mail.login) == (["iro1@council.example"], "iro-service")


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"SMTP_PASSWORD": "wrong"}, "SMTPAuthenticationError"),
        ({"SMTP_TLS_CA_FILE": ""}, "certificate verify failed"),  # the relay's certificate is checked
    ],
)
def test_mail_test_reports_why_it_could_not_send(app_factory, secured_smtp, relay_settings, change, reason):
    app = app_factory(**(relay_settings | change))
    result = app.test_cli_runner().invoke(args=["mail-test", "someone@council.example"])
    assert result.exit_code == 1
    assert f"not sent through 127.0.0.1:{secured_smtp.port} with STARTTLS as iro-service" in result.output
    assert reason in result.output and "relay-password" not in result.output and "wrong" not in result.output
    assert secured_smtp.received == []


def test_mail_test_sends_one_message_with_the_settings(app_factory, secured_smtp, relay_settings):
    app = app_factory(**relay_settings)
    result = app.test_cli_runner().invoke(args=["mail-test", "someone@council.example"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"sent a test message to someone@council.example through "
        f"127.0.0.1:{secured_smtp.port} with STARTTLS as iro-service"
    )
    assert [(m.to, m.subject, m.login) for m in secured_smtp.received] == [
        (["someone@council.example"], "Test message from the IRO service", "iro-service")
    ]


def test_a_login_without_starttls_refuses_to_start_and_production_upgrades_by_default(database_url):
    base = {"SQLALCHEMY_DATABASE_URI": database_url, "SCHEDULER_IN_PROCESS": False}
    with pytest.raises(RuntimeError, match="SMTP_USERNAME is set but SMTP_STARTTLS is 0"):
        create_app(base | {"IRO_MODE": "test", "SMTP_USERNAME": "iro-service", "SMTP_STARTTLS": False})
    assert create_app(base | {"IRO_MODE": "production", "SECRET_KEY": "k" * 64}).config["SMTP_STARTTLS"] is True
    assert create_app(base | {"IRO_MODE": "demo"}).config["SMTP_STARTTLS"] is False
