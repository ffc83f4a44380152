"""The demo's own mail server: in demo mode the notifications the outbox sends are kept, as
received, in a Maildir. A real SMTP server throughout (aiosmtpd)."""
import smtplib
import socket
from datetime import timedelta

import pytest

from service import calendar, demo_mail, outbox

from . import council
from .conftest import START, ready
from .harness import Harness
from .smtp_server import smtp  # noqa: F401  (fixture)

SITE = "http://127.0.0.1:5000"
REMINDER = calendar.deadline_after_working_days(START, 3) + timedelta(seconds=1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def demo_app(app_factory, tmp_path):
    """An app in demo mode whose outbox sends to a port the demo's mail server can take."""
    app = app_factory(IRO_MODE="demo", SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(),
                      DEMO_MAILDIR=str(tmp_path / "demo-mail"))
    ready(app)
    with app.app_context():
        yield app


@pytest.fixture
def mail_server(demo_app):
    server = demo_mail.start(demo_app, SITE)
    yield server
    server.stop()


def test_a_message_is_kept_byte_for_byte(demo_app, mail_server, tmp_path):
    raw = (b"From: someone@council.example\r\nTo: iro1@council.example\r\nSubject: As it came\r\n\r\n"
           b"A line\r\n.A line starting with a dot\r\n")
    with smtplib.SMTP("127.0.0.1", demo_app.config["SMTP_PORT"]) as smtp_client:
        smtp_client.sendmail("someone@council.example", ["iro1@council.example"], raw)
    [kept] = (tmp_path / "demo-mail" / "new").iterdir()
    assert kept.read_bytes() == raw


def test_when_the_port_is_taken_it_says_where_the_mail_goes_and_carries_on(app_factory, smtp, tmp_path, capsys):
    """Another SMTP server already on the port (a second `make run`, say) gets the mail."""
    app = app_factory(IRO_MODE="demo", SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port,
                      DEMO_MAILDIR=str(tmp_path / "demo-mail"))
    ready(app)
    assert demo_mail.start(app, SITE) is None
    assert capsys.readouterr().out == (f"Demo mail: cannot listen on 127.0.0.1:{smtp.port} (Address already in use), "
                                       f"so the demo's e-mail goes to whatever SMTP server is there, not to "
                                       f"{tmp_path / 'demo-mail'}\n")
    with app.app_context():
        council.staff()
        run = Harness(app, restart=False)
        run.start("reminder_escalation")
        run.move_to(REMINDER)
        assert outbox.deliver_due("test") == 1
    assert [(m.to, m.subject) for m in smtp.received] == [(["iro1@council.example"], "Reminder: book the review")]
