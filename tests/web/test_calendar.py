"""The calendar page, a booking's .ics download and the personal feed behind its secret URL."""

import html
import re

import icalendar
import pytest

from tests.support.pages import post_form, text
from tests.web.test_my_children import do


@pytest.fixture
def booked(town):
    """Alex North (iro1's, team NE, sw.north's) has review 1 booked (late) for Tuesday 3 August 2027."""
    do(town.north_child, "allocate", iro="iro1")
    do(town.north_child, "book_review", review_date="2027-08-03", late_reason="stakeholder_unavailable")
    return town


def test_the_calendar_shows_a_month_or_a_week_of_ones_own_bookings(client, auth, booked):
    auth.sign_in("iro1")
    month = client.get("/calendar?view=month&date=2027-08-10")
    assert month.status_code == 200
    plain = text(month.text)
    assert "August 2027" in plain and "Tuesday 3 August 2027 Alex North (4120389A) Looked-after review" in plain
    assert f'href="/children/{booked.north_child}">Alex North</a>' in month.text
    assert 'href="/calendar?view=month&amp;date=2027-07-01">Previous month' in month.text
    assert 'href="/calendar?view=month&amp;date=2027-09-01">Next month' in month.text
    week = client.get("/calendar?view=week&date=2027-08-05").text
    assert "Week of 2 August 2027" in text(week) and "Alex North" in week
    assert "Nothing is booked from 9 August 2027 to 15 August 2027" in text(
        client.get("/calendar?view=week&date=2027-08-13").text
    )
    refused = client.get("/calendar?view=week&date=03/08/2027")
    assert refused.status_code == 400 and "Enter the date as year-month-day" in refused.text
    auth.sign_out()
    auth.sign_in("iro2")  # not their child
    assert "Alex North" not in client.get("/calendar?date=2027-08-10").text
    auth.sign_out()
    auth.sign_in("tm.ne")  # their team's
    assert "Alex North" in client.get("/calendar?date=2027-08-10").text


def test_a_booking_downloads_as_an_ics_file_for_whoever_sees_the_child(client, auth, booked):
    review_id = _review_id(client, auth, booked)
    download = client.get(f"/reviews/{review_id}.ics")
    assert download.status_code == 200 and download.mimetype == "text/calendar"
    [event] = icalendar.Calendar.from_ical(download.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Looked-after review: A.N. 4120389A"
    assert event.decoded("DTSTART").isoformat() == "2027-08-03T10:00:00+01:00"  # 10:00 in London, summer time
    assert b"Alex" not in download.data and b"North" not in download.data
    auth.sign_out()
    auth.sign_in("sw.south")
    assert client.get(f"/reviews/{review_id}.ics").status_code == 404
    assert client.get("/conferences/999.ics").status_code == 404


def _review_id(client, auth, booked):
    auth.sign_in("iro1")
    child_page = client.get(f"/children/{booked.north_child}").text
    return int(re.search(r'href="/reviews/(\d+)\.ics"', child_page).group(1))


def _renewed(client):
    """Turn the feed on or renew it; the path of its address, shown once on the account page."""
    post_form(client, "/account/calendar-feed", {}, page_url="/account")
    page = html.unescape(client.get("/account").text)
    return re.search(r"http://[^/]+(/calendar/feed/[A-Za-z0-9_-]+\.ics)", page).group(1)


def test_a_renewed_feed_address_ends_the_old_one_and_turning_it_off_ends_it(client, auth, booked):
    auth.sign_in("iro1")
    assert "Turn the feed on" in client.get("/account").text
    first = _renewed(client)
    feed = client.get(first)
    assert feed.status_code == 200 and b"Looked-after review: A.N. 4120389A" in feed.data
    assert b"Alex" not in feed.data
    second = _renewed(client)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    post_form(client, "/account/calendar-feed/off", {}, page_url="/account")
    assert client.get(second).status_code == 404
    auth.sign_out()
    assert client.get("/calendar/feed/not-a-token.ics").status_code == 404
