"""Calendar invitations: booking, moving and cancelling a review e-mail the IRO and the social worker."""

from datetime import UTC, datetime

import icalendar
from sqlalchemy import select

from service.db import db
from service.models import OutboxMessage
from service.workflow import outbox
from tests.support.lifecycle import Life
from tests.support.protection import Protection


def _invitations(smtp):
    """(recipient, METHOD, UID, SEQUENCE, start in UTC, summary, the whole message) of each invitation."""
    found = []
    for message in smtp.received:
        for part in message.email.walk():
            if part.get_content_type() == "text/calendar":
                cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
                [event] = cal.walk("VEVENT")
                found.append(
                    (
                        message.to[0],
                        str(cal["METHOD"]),
                        str(event["UID"]),
                        int(event["SEQUENCE"]),
                        event.decoded("DTSTART").astimezone(UTC),
                        str(event["SUMMARY"]),
                        message.email.as_string(),
                    )
                )
    return found


def test_booking_moving_and_cancelling_a_review_emails_invitations(app_factory, smtp):
    app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    with app.app_context():
        run = Life(app, False, "2019-04-14")
        child = run.child(name="Alex North", case_number="4120389A")
        run.on("2019-04-15")
        run.looked_after(child, "2019-04-15")
        run.do(child, "allocate", iro="iro1")
        run.on("2019-04-24")
        run.do(child, "book_review", review_date="2019-05-14")
        outbox.deliver_due("test")
        booked = _invitations(smtp)
        run.do(child, "review_report", report_summary="Settled.")
        run.do(child, "record_contact", contact_date="2019-04-24", contact_method="visit")
        run.on("2019-05-14", hour=15)
        run.do(child, "hold_review", outcome="adjourned", adjourn_reason="No health report.", new_date="2019-05-15")
        outbox.deliver_due("test")
        moved = _invitations(smtp)[len(booked) :]
        run.on("2019-05-15", hour=8)
        run.event(child, "ceased_looked_after", "2019-05-15", reason="returned_home")
        outbox.deliver_due("test")
        cancelled = _invitations(smtp)[len(booked) + len(moved) :]

    # 10:00 in London on 14 May 2019 is 09:00 UTC (British Summer Time), for 1.5 hours by default
    assert sorted(i[:6] for i in booked) == [
        (who, "REQUEST", uid := booked[0][2], 0, datetime(2019, 5, 14, 9, tzinfo=UTC), summary)
        for who in ("iro1@council.example", "sw.north@council.example")
        for summary in ["Looked-after review: A.N. 4120389A"]
    ]
    assert uid.startswith("review-")
    assert sorted(i[:4] for i in moved) == [
        ("iro1@council.example", "REQUEST", uid, 1),
        ("sw.north@council.example", "REQUEST", uid, 1),
    ]
    assert {i[4] for i in moved} == {datetime(2019, 5, 15, 9, tzinfo=UTC)}
    assert sorted(i[:4] for i in cancelled) == [
        ("iro1@council.example", "CANCEL", uid, 2),
        ("sw.north@council.example", "CANCEL", uid, 2),
    ]
    assert all("Alex" not in i[6] and "North" not in i[6] for i in booked + moved + cancelled)


def _queued(since_id):
    """(recipient, METHOD, UID, SEQUENCE, start date) of the invitations queued after row `since_id`."""
    found = []
    for message in db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id > since_id, OutboxMessage.kind == outbox.CALENDAR)
        .order_by(OutboxMessage.id)
    ):
        cal = icalendar.Calendar.from_ical(message.body)
        [event] = cal.walk("VEVENT")
        on = event.decoded("DTSTART").date().isoformat()
        found.append((message.recipient_username, str(cal["METHOD"]), str(event["UID"]), int(event["SEQUENCE"]), on))
    return found


def test_booking_a_conference_and_its_plan_ending_invite_the_chair_and_the_social_worker(app):
    with app.app_context():
        run = Protection(app, False, "2022-01-16")
        child = run.child()
        run.on("2022-01-17")
        run.strategy(child, "2022-01-17")
        run.enquiry_to_conference(child, chair="iro2")
        seen = run.last_notice_id()
        run.book(child, "icpc_book", "2022-01-28")
        [(_, _, icpc, _, _), _] = booked = _queued(seen)
        assert booked == [
            ("iro2", "REQUEST", icpc, 0, "2022-01-28"),
            ("sw.north", "REQUEST", icpc, 0, "2022-01-28"),
        ]
        run.report(child, "icpc_report", "2022-01-17")
        run.on("2022-01-28", hour=15)
        run.held(child, "icpc_record", "2022-01-28", decision="plan", category="neglect")
        run.on("2022-01-31")
        seen = run.last_notice_id()
        run.book(child, "rcpc_book", "2022-04-20")
        [(_, _, review, _, _), _] = _queued(seen)
        assert review != icpc
        seen = run.last_notice_id()
        run.on("2022-03-01")
        run.event(child, "cp_plan_ended", "2022-03-01", reason="no_longer_at_risk")
        assert _queued(seen) == [
            ("iro2", "CANCEL", review, 1, "2022-04-20"),
            ("sw.north", "CANCEL", review, 1, "2022-04-20"),
        ]
