"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), and its fixtures: a plain one, and
one that insists on STARTTLS and a password, as a council's relay would."""

import email
import email.policy
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    to: list
    subject: str
    message_id: str
    body: str  # the text as sent
    login: str | None  # who authenticated, on a server that asks
    email: EmailMessage | None = None  # the whole message, with its attachments (a calendar invitation's)


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that keeps what it receives; it can be stopped and started.
    Given a TLS context and credentials, it accepts mail only after STARTTLS and AUTH."""

    def __init__(self, tls_context: ssl.SSLContext | None = None, credentials: tuple[str, str] | None = None):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list[Received] = []
        self._tls, self._credentials = tls_context, credentials
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        self.received.append(
            Received(
                envelope.rcpt_tos,
                message["Subject"].strip(),
                message["Message-ID"],  # unfolded
                message.get_body(("plain",)).get_content(),
                login,
                message,
            )
        )
        return "250 Message accepted for delivery"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        good = (
            isinstance(auth_data, LoginPassword)
            and (auth_data.login.decode(), auth_data.password.decode()) == self._credentials
        )
        return AuthResult(success=good, handled=False, auth_data=auth_data if good else None)

    def start(self):
        secured = {}
        if self._tls is not None:
            secured = dict(tls_context=self._tls, require_starttls=True)
        if self._credentials is not None:
            secured.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=True)
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **secured)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def certificate_authority():
    """A private certificate authority, as a council's own would be."""
    return trustme.CA()


@pytest.fixture
def secured_smtp(certificate_authority):
    """A relay on 127.0.0.1 that requires STARTTLS, with a certificate from the private authority,
    and the login `iro-service` / `relay-password`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate_authority.issue_cert("127.0.0.1").configure_cert(context)
    server = SmtpServer(context, ("iro-service", "relay-password"))
    server.start()
    yield server
    server.stop()
