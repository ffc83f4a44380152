"""A review or conference booked on a weekend or a bank holiday is warned, with the next working day
offered; some reviews rightly happen on a Saturday at the child's placement, so a tick books it all the same."""

from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from forms import PickedDateField
from service.models import TaskStatus
from service.workflow import working_days as calendar
from tests.support.app import RequestClient
from tests.support.pages import sign_in, submit
from tests.support.protection import INVITEES, Protection

SATURDAY = (
    "27 December 2025 is a Saturday. Reviews can be on a weekend at the child's placement: tick to confirm, "
    "or book Monday 29 December 2025"
)
BANK_HOLIDAY = (
    "25 August 2025 is a bank holiday (Late Summer Bank Holiday). Reviews can be on a bank holiday at the "
    "child's placement: tick to confirm, or book Tuesday 26 August 2025"
)


@pytest.mark.parametrize(
    ("day", "offered"),
    [
        (date(2025, 12, 27), date(2025, 12, 29)),  # Saturday -> Monday
        (date(2025, 12, 28), date(2025, 12, 29)),  # Sunday -> Monday
        (date(2025, 8, 25), date(2025, 8, 26)),  # the late summer bank holiday -> Tuesday
        (date(2025, 12, 25), date(2025, 12, 29)),  # Christmas Day, Boxing Day, the weekend -> Monday
        (date(2025, 8, 26), date(2025, 8, 27)),  # a working day -> the next one
    ],
)
def test_the_next_working_day_skips_weekends_and_bank_holidays(day, offered):
    assert calendar.next_working_day(day) == offered


@pytest.fixture
def booking(app_factory):
    """`at(day)`: a child looked after from `day` (a Monday), the IRO's booking task open: (run, child, app)."""
    app = app_factory()
    app.test_client_class = RequestClient

    def at(day: str, looked_after: bool = True):
        run = Protection(app, False, (date.fromisoformat(day) - timedelta(days=1)).isoformat())
        if looked_after:
            return run, run.allocated(day=day)
        child = run.child()
        run.on(day)
        return run, child

    with app.app_context():
        yield at, app


def test_a_saturday_review_is_warned_with_monday_offered_and_booked_once_confirmed(booking):
    at, app = booking
    run, child = at("2025-12-01")
    client = app.test_client()
    sign_in(client, "iro1")
    task = run.task(child, "book_review")
    page = client.get(f"/tasks/{task.id}").text
    assert 'name="confirm_day"' not in page  # asked only for a weekend or bank holiday
    # why it is late, in a details component that says when it is needed; its text box counts characters
    late = page.split('<details class="govuk-details"', 1)[1].split("</details>", 1)[0]
    assert "If the review is after its due date of 31 December 2025" in late and 'name="late_reason"' in late
    assert 'data-module="govuk-character-count"' in late and 'data-maxlength="4000"' in late

    # the date is picked from MOJ Frontend's date picker, its calendar starting today (1 December 2025)
    assert '<div class="moj-datepicker" data-module="moj-date-picker" data-min-date="1/12/2025">' in page
    assert 'name="review_date" type="text"' in page and "For example, 27/3/2027." in page
    garbled = submit(client, task.id, page, {"review_date": "27-12-2025"})
    assert garbled.status_code == 400
    assert "Date of the review must be a real date, for example 27/3/2027" in garbled.text

    warned = submit(client, task.id, page, {"review_date": "27/12/2025"})
    assert warned.status_code == 400
    assert 'value="27/12/2025"' in warned.text  # as the person typed it
    assert SATURDAY in warned.text.replace("&#39;", "'")
    assert 'name="confirm_day"' in warned.text and "Yes, book it on Saturday 27 December 2025" in warned.text
    assert run.task(child, "book_review").status == TaskStatus.OPEN and run.reviews(child)[0].booked_date is None

    booked = submit(client, task.id, warned.text, {"review_date": "27/12/2025", "confirm_day": "y"})
    assert booked.status_code == 302
    assert run.reviews(child)[0].booked_date == date(2025, 12, 27)


def test_a_bank_holiday_review_is_warned_with_the_next_working_day_offered(booking):
    at, _ = booking
    run, child = at("2025-08-04")
    assert run.refused(child, "book_review", review_date="2025-08-25") == {"review_date": BANK_HOLIDAY}
    assert run.refused(child, "book_review", review_date="2025-08-25", confirm_day=False) == {
        "review_date": BANK_HOLIDAY
    }
    run.do(child, "book_review", review_date="2025-08-25", confirm_day=True)
    assert run.reviews(child)[0].booked_date == date(2025, 8, 25)


def test_a_working_day_books_without_a_question(booking):
    at, _ = booking
    run, child = at("2025-08-04")
    run.do(child, "book_review", review_date="2025-08-26")
    assert run.reviews(child)[0].booked_date == date(2025, 8, 26)


def test_a_conference_on_a_saturday_is_warned_too(booking):
    at, _ = booking
    run, child = at("2025-12-15", looked_after=False)
    run.strategy(child, "2025-12-15")
    run.enquiry_to_conference(child, chair="iro2")
    answers = {"conference_date": "2025-12-27", "venue": "Civic Centre room 2", "invitees": INVITEES}
    assert run.refused(child, "icpc_book", **answers) == {
        "conference_date": "27 December 2025 is a Saturday. A conference can be on a weekend if those invited can "
        "come: tick to confirm, or book Monday 29 December 2025"
    }
    run.book(child, "icpc_book", "2025-12-27", confirm_day=True)
    assert run.conferences(child)[0].booked_date == date(2025, 12, 27)


@pytest.mark.parametrize(
    ("posted", "taken"),
    [
        (["27/12/2025"], date(2025, 12, 27)),  # the picker's box
        (["27", "12", "2025"], date(2025, 12, 27)),  # the day, month and year boxes the form had before
        (["2025-12-27"], date(2025, 12, 27)),  # an ISO date, as a system may post
        (["", "", ""], None),  # nothing given
    ],
)
def test_a_booking_date_is_taken_from_the_picker_the_three_boxes_or_an_iso_date(posted, taken):
    form = _BookingDate(MultiDict([("day", value) for value in posted]))
    assert form.day.data == taken and not form.day.errors


@pytest.mark.parametrize("posted", [["30/2/2026"], ["2026-02-30"], ["30", "2", "2026"], ["1", "2"]])
def test_a_booking_date_that_is_no_day_is_refused_saying_so(posted):
    form = _BookingDate(MultiDict([("day", value) for value in posted]))
    form.validate()
    assert form.day.data is None and form.day.errors and "day" in form.day.errors[0].lower()


class _BookingDate(Form):
    day = PickedDateField("Day")
