"""Calendar invitations: booking, moving and cancelling a review e-mail the IRO and the social worker."""

from datetime import UTC, datetime

import icalendar

from service.workflow import outbox
from tests.support.lifecycle import Life


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
