"""MOJ Frontend's case-work components at work in a real browser, started by app.js under the pages'
Content-Security-Policy: the worklist's filter behind "Show filter" on a phone, the booking date picked
from the date picker's calendar, and the RAG register sorted by a column."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import assert_accessible, shot, sign_in, wider_than_the_screen
from tests.web.test_my_children import caseload  # noqa: F401 (a fixture: a caseload with an alert and RAG grades)

pytestmark = pytest.mark.browser  # left out by `make test-fast`


def test_a_phones_filter_opens_from_its_button_and_a_booking_date_is_picked_from_the_calendar(
    browser, server, caseload
):
    context = browser.new_context(viewport={"width": 375, "height": 800})  # the pages' own CSP: no bypass
    page = context.new_page()
    sign_in(page, server, "iro1")
    task_filter = page.get_by_label("Task", exact=True)
    expect(task_filter).to_be_hidden()  # behind the button on a narrow screen
    page.get_by_role("button", name="Show filter").click()
    task_filter.select_option("Book the review")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("button", name="Show filter").click()  # the filter chosen, listed in the panel
    expect(page.get_by_role("link", name="Remove this filter Book the review")).to_be_visible()
    assert wider_than_the_screen(page) == []
    shot(page, "moj-filter-open-375")
    page.get_by_role("button", name="Close").click()
    assert page.locator("main table tbody tr").count() == 1
    assert wider_than_the_screen(page) == []

    page.get_by_role("link", name="Book the review").click()
    page.get_by_role("button", name="Choose date").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Excluded date, Sunday 11 April 2027")).to_be_visible()  # before today
    dialog.locator('[data-testid="20/4/2027"]').click()  # picking a day closes the calendar
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Date of the review")).to_have_value("20/4/2027")
    assert wider_than_the_screen(page) == []
    shot(page, "moj-date-picked-375")
    context.close()


def test_the_rag_registers_notifications_sort_by_the_column_chosen(page, server, caseload):
    sign_in(page, server, "rqam")
    page.goto(f"{server}/reports/rag")
    table = page.locator("table", has=page.get_by_role("button", name="Criteria ticked"))
    first_review = table.locator("tbody tr").first.locator("td").nth(1)
    expect(first_review).to_have_text("1 March 2027")  # the newest first, as the register lists them
    table.get_by_role("button", name="Review").click()
    expect(first_review).to_have_text("1 February 2027")
    expect(table.get_by_role("columnheader", name="Review")).to_have_attribute("aria-sort", "ascending")
    assert_accessible(page)
    shot(page, "moj-rag-register-sorted")
