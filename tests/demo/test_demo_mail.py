"""The demo's own mail server and its Sent e-mail page: in demo mode the notifications the
outbox sends are kept, as received, in a Maildir, and anyone signed in reads them on
/mail/sent; no other mode has the page. A real SMTP server throughout (aiosmtpd)."""

import smtplib
import socket
from datetime import timedelta
from email.message import EmailMessage

import pytest

from service.demo import mail_server as demo_mail
from service.workflow import outbox
from service.workflow import working_days as calendar
from tests.support import council
from tests.support.app import START, RequestClient, ready
from tests.support.harness import Harness
from tests.support.pages import sign_in

SITE = "http://127.0.0.1:5000"
REMINDER = calendar.deadline_after_working_days(START, 3) + timedelta(seconds=1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def demo_app(app_factory, tmp_path):
    """An app in demo mode whose outbox sends to a port the demo's mail server can take, with people
    to sign in."""
    app = app_factory(
        IRO_MODE="demo", SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), DEMO_MAILDIR=str(tmp_path / "demo-mail")
    )
    app.test_client_class = RequestClient
    ready(app)
    with app.app_context():
        council.staff()
        yield app


@pytest.fixture
def mail_server(demo_app):
    server = demo_mail.start(demo_app, SITE)
    yield server
    server.stop()


def test_the_demo_mail_server_keeps_what_the_outbox_sends_and_the_sent_email_page_shows_it(
    capsys, demo_app, mail_server
):
    port, folder = demo_app.config["SMTP_PORT"], demo_app.config["DEMO_MAILDIR"]
    assert capsys.readouterr().out == (
        f"Demo mail: the SMTP server on 127.0.0.1:{port} keeps every message in "
        f"{folder}; read them at {SITE}/mail/sent\n"
    )
    run = Harness(demo_app, restart=False)
    run.start("reminder_escalation")
    run.move_to(REMINDER)
    assert outbox.deliver_due("test") == 1
    assert len(run.outbox()) == 1

    client = demo_app.test_client()
    sign_in(client, "sw.north")  # anyone signed in: it is the demo's mail
    page = client.get("/mail/sent").text
    assert '<h2 class="govuk-heading-s govuk-!-margin-bottom-1">Reminder: book the review</h2>' in page
    assert "from iro-service@council.example" in page and "to <strong>iro1@council.example</strong>" in page
    assert '<div class="app-code">Reminder: book the review\n\nSign in to the IRO service' in page  # as sent
    assert '<a class="govuk-service-navigation__link" href="/mail/sent" aria-current="page">' in page


def test_a_message_is_kept_byte_for_byte(demo_app, mail_server, tmp_path):
    raw = (
        b"From: someone@council.example\r\nTo: iro1@council.example\r\nSubject: As it came\r\n\r\n"
        b"A line\r\n.A line starting with a dot\r\n"
    )
    with smtplib.SMTP("127.0.0.1", demo_app.config["SMTP_PORT"]) as smtp_client:
        smtp_client.sendmail("someone@council.example", ["iro1@council.example"], raw)
    [kept] = (tmp_path / "demo-mail" / "new").iterdir()
    assert kept.read_bytes() == raw


def test_the_sent_email_page_lists_the_newest_first_fifty_a_page(demo_app, mail_server):
    with smtplib.SMTP("127.0.0.1", demo_app.config["SMTP_PORT"]) as smtp_client:
        for n in range(1, 52):
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = (
                "iro-service@council.example",
                f"person{n}@council.example",
                f"Notice {n:02d}",
            )
            message.set_content(f"Notice number {n}\nSecond line")
            smtp_client.send_message(message)

    client = demo_app.test_client()
    sign_in(client, "iro1")
    first = client.get("/mail/sent").text
    assert "51 messages, page 1 of 2." in first
    subjects = [line.split(">")[1].split("<")[0] for line in first.splitlines() if "govuk-heading-s" in line]
    assert subjects == [f"Notice {n:02d}" for n in range(51, 1, -1)]
    assert '<div class="app-code">Notice number 51\nSecond line' in first  # the body as sent, its lines kept
    assert 'href="/mail/sent?page=2"' in first
    second = client.get("/mail/sent?page=2").text
    assert "Notice 01<" in second and "Notice 02<" not in second


def test_anyone_not_signed_in_is_sent_to_sign_in(demo_app):
    response = demo_app.test_client().get("/mail/sent")
    assert response.status_code == 302 and response.location == "/sign-in?next=/mail/sent"


@pytest.mark.parametrize("mode", ["test", "production"])
def test_outside_demo_mode_there_is_no_sent_email_page(app_factory, mode):
    app = app_factory(IRO_MODE=mode)
    app.test_client_class = RequestClient
    with app.app_context():
        council.staff()
        client = app.test_client()
        assert sign_in(client, "iro1").location == "/tasks"
        assert client.get("/mail/sent").status_code == 404
        tasks = client.get("/tasks")
        assert tasks.status_code == 200 and "Sent e-mail" not in tasks.text


def test_when_the_port_is_taken_it_says_where_the_mail_goes_and_carries_on(app_factory, smtp, tmp_path, capsys):
    """Another SMTP server already on the port (a second `make run`, say) gets the mail."""
    app = app_factory(
        IRO_MODE="demo", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, DEMO_MAILDIR=str(tmp_path / "demo-mail")
    )
    ready(app)
    assert demo_mail.start(app, SITE) is None
    assert capsys.readouterr().out == (
        f"Demo mail: cannot listen on 127.0.0.1:{smtp.port} (Address already in use), "
        f"so the demo's e-mail goes to whatever SMTP server is there, not to "
        f"{tmp_path / 'demo-mail'}\n"
    )
    with app.app_context():
        council.staff()
        run = Harness(app, restart=False)
        run.start("reminder_escalation")
        run.move_to(REMINDER)
        assert outbox.deliver_due("test") == 1
    assert [(m.to, m.subject) for m in smtp.received] == [(["iro1@council.example"], "Reminder: book the review")]
