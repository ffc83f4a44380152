"""Handing a public link to its person (docs/domain.md V1): printed on a letter with a QR code,
e-mailed, or texted, as staff choose.

A message carries the link, what it is for and when it ends: no name, no case number, nothing
about the child (DESIGN decision 13: the person holding the phone may not be the one it is
for). The address staff type goes to the outbox for delivery and is wiped there once sent;
the record of the sending keeps it masked. Texts go through the council's e-mail-to-SMS
gateway (`IRO_TEXT_EMAIL_DOMAIN`: a text to 07700 900123 is an e-mail to
447700900123@that-domain), so they share the outbox's retries and its undelivered list;
without a gateway, sending by text is not offered.
"""

import re
from datetime import datetime
from email.utils import parseaddr

import segno
from flask import current_app

from service.db import db, writing
from service.errors import InvalidData
from service.models import LinkPurpose, LinkSending, OutboxMessage, OutboxStatus, PublicLink
from service.workflow import audit, clock, outbox
from service.workflow import working_days as calendar

from .links import NewLink, expiry

CHANNELS = {"letter": "Print a letter", "email": "Send by e-mail", "text": "Send by text message"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UK_MOBILE = re.compile(r"^(?:\+?44|0)(7\d{9})$")


def url(token: str) -> str:
    return current_app.config["IRO_BASE_URL"].rstrip("/") + "/l/" + token


def qr_code(token: str) -> str:
    """The link as a QR code, an SVG data URI for the printed letter."""
    return segno.make(url(token), error="m").svg_data_uri(scale=4, border=2)


def texts_offered() -> bool:
    return bool(current_app.config["TEXT_EMAIL_DOMAIN"])


def channels() -> dict:
    return {key: text for key, text in CHANNELS.items() if key != "text" or texts_offered()}


def check_address(channel: str, address: str | None) -> str:
    """The address to send to, in the form the outbox needs; InvalidData naming what is wrong."""
    address = (address or "").strip()
    if channel == "email":
        if not _EMAIL.match(address) or parseaddr(address)[1] != address or len(address) > 200:
            raise InvalidData.on("address", "Enter an e-mail address in the correct format, like name@example.com")
        return address
    if channel == "text":
        if not texts_offered():
            raise InvalidData.on("channel", "Text messages are not set up for this service")
        mobile = _UK_MOBILE.match(re.sub(r"[\s()-]", "", address))
        if not mobile:
            raise InvalidData.on("address", "Enter a UK mobile number, like 07700 900 982")
        return f"44{mobile.group(1)}@{current_app.config['TEXT_EMAIL_DOMAIN']}"
    if channel == "letter":
        return ""
    raise InvalidData.on("channel", "Choose how to hand the link over")


def hand_over(new: NewLink, channel: str, address: str | None, *, actor: str) -> LinkSending:
    """Record the handing over, queueing the message for e-mail and text. The address is checked
    first: a wrong one changes nothing (the caller makes the link only once this has passed)."""
    to = check_address(channel, address)
    with writing():
        now = clock.now()
        outbox_id = None
        if to:
            subject, body = message(new.link, new.token)
            message_row = OutboxMessage(
                idempotency_key=f"public_link:{new.link.id}:{channel}:{now.timestamp()}",
                child_id=None,
                recipient=to,
                subject=subject,
                body=body,
                status=OutboxStatus.PENDING,
                attempts=0,
                created_at=now,
                next_attempt_at=now,
                kind=outbox.PUBLIC_LINK,
            )
            db.session.add(message_row)
            db.session.flush()
            outbox_id = message_row.id
        sending = LinkSending(
            link_id=new.link.id,
            channel=channel,
            sent_at=now,
            sent_by=actor,
            to_hint=mask(channel, address or ""),
            outbox_id=outbox_id,
        )
        db.session.add(sending)
        audit.record(
            now, actor, "public_link_handed_over", child_id=new.link.child_id, link_id=new.link.id, channel=channel
        )
    return sending


def message(link: PublicLink, token: str) -> tuple[str, str]:
    """(subject, body) of the e-mail or text: what the link is for, the link, when it ends."""
    ends = expiry(link)
    until = f" It works until {_day(ends)}." if ends else ""
    if link.purpose is LinkPurpose.CONFERENCE_FEEDBACK:
        subject = "Tell us what you thought of the child protection meeting"
        body = f"{subject}: {url(token)} (11 short questions; you can answer once).{until}"
    else:
        subject = "Your own page before your review"
        body = f"{subject}: {url(token)} - see who your IRO is and tell them what you think.{until}"
    council = current_app.config["COUNCIL_NAME"]
    return subject, f"{body}\nFrom {council}. Please do not reply to this message.\n"


def mask(channel: str, address: str) -> str | None:
    """'j***@example.org' or '*** *** 123': enough for staff to tell two addresses apart."""
    address = address.strip()
    if channel == "email" and "@" in address:
        name, domain = address.rsplit("@", 1)
        return f"{name[:1]}***@{domain}"[:60]
    if channel == "text":
        return f"*** *** {re.sub(r'[^0-9]', '', address)[-3:]}"
    return None


def _day(moment: datetime) -> str:
    return f"{calendar.london_date(moment):%-d %B %Y}"
