"""E-mail as it leaves the service: written minimal, sent over SMTP as configured.

An e-mail carries what its reader needs to act and no more (docs/adr/0015-minimal-personal-data.md): what
is due (the notice's subject), the child's initials and case number, and a link into the
service, where the reader signs in to read the notice in full. The notice's own text stays
in the service, since a diagram may write a care plan's details into it.

SMTP settings (README, "E-mail"): `SMTP_STARTTLS` upgrades the connection before anything
is sent, checking the server's certificate against the system's trusted authorities or
`SMTP_TLS_CA_FILE`; `SMTP_USERNAME` and `SMTP_PASSWORD` authenticate after it. Sending a
password without STARTTLS is refused when the configuration is read (service.config).
"""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

NOTIFICATIONS_PATH = "/notifications"  # service.web.notifications: where a notice is read in full


class Undeliverable(Exception):
    """A message that no retry will deliver until someone changes something (an address)."""


@dataclass(frozen=True)
class Child:
    """What an e-mail may say about the child: no more."""

    initials: str
    case_number: str


def initials(name: str) -> str:
    """'Alex van North' -> 'A.V.N.': the first letter of each part of the name."""
    return "".join(part[0].upper() + "." for part in name.replace("-", " ").split() if part[0].isalpha())


def notice(config, *, to: str, subject: str, role: str | None, child: Child | None, message_id: str) -> EmailMessage:
    """The e-mail for one notice."""
    lines = [subject, ""]
    if child is not None:
        lines += [f"About the child {child.initials}, case number {child.case_number}.", ""]
    lines += [
        "Sign in to the IRO service to read it in full and act on it:",
        config["IRO_BASE_URL"].rstrip("/") + NOTIFICATIONS_PATH,
        "",
    ]
    if role:
        lines.append(f"You receive this as the {role}.")
    lines.append("This e-mail carries no other personal details: they stay in the service.")
    email = _message(config, to, subject, "\n".join(lines) + "\n")
    email["Message-ID"] = message_id
    return email


def invitation(config, *, to: str, subject: str, ics: str, message_id: str) -> EmailMessage:
    """A calendar invitation (or its cancellation): a short text and the iCalendar as text/calendar."""
    method = "CANCEL" if "METHOD:CANCEL" in ics else "REQUEST"
    body = (
        f"{subject}\n\nYour calendar should offer to add (or remove) it. The details are in the IRO service:\n"
        f"{config['IRO_BASE_URL']}\n"
    )
    email = _message(config, to, subject, body)
    email.add_attachment(ics, subtype="calendar", params={"method": method}, filename="invite.ics")
    email["Message-ID"] = message_id
    return email


def plain(config, *, to: str, subject: str, body: str) -> EmailMessage:
    """A message written in full by its sender (a public link's, service/voices/handover.py)."""
    return _message(config, to, subject, body)


def check_message(config, to: str) -> EmailMessage:
    """The message `flask mail-test` sends to check the settings."""
    return _message(
        config,
        to,
        "Test message from the IRO service",
        "The IRO service can send e-mail with its present settings.\n"
        "Nothing needs doing: this message was sent by `flask mail-test`.\n",
    )


def send(config, email: EmailMessage) -> None:
    """Send one message; raises OSError or smtplib.SMTPException, or ValueError for a message
    that cannot be written as mail (a line break in an address)."""
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT_SECONDS"]) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context(cafile=config["SMTP_TLS_CA_FILE"] or None))
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(email)


def describe(config) -> str:
    """How mail is sent, for people checking the settings; never the password."""
    how = [
        f"{config['SMTP_HOST']}:{config['SMTP_PORT']}",
        "with STARTTLS" if config["SMTP_STARTTLS"] else "without TLS",
    ]
    if config["SMTP_USERNAME"]:
        how.append(f"as {config['SMTP_USERNAME']}")
    return " ".join(how)


def _message(config, to, subject, body):
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = to
    email["Subject"] = " ".join(subject.split())
    email["Date"] = formatdate(localtime=False)
    email.set_content(body)
    return email
