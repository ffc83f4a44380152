"""Forms that fit the case, in a real browser: each outcome of the review reveals only its own
questions (GOV.UK conditional reveal, run by app.js without inline script)."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from service.tasks import task_page as tasks
from service.workflow import instances, timers
from tests.support.browser import assert_accessible, shot, sign_in
from tests.support.lifecycle import Life

pytestmark = pytest.mark.browser  # left out by `make test-fast`


def test_choosing_adjourned_hides_the_held_section_and_shows_its_own(page, server, town):
    run = Life.__new__(Life)  # the task lookups only: this council is the test town
    child = town.north_child
    for spec, answers, actor in (
        ("allocate", {"iro": "iro1"}, "rqam"),
        ("book_review", {"review_date": "2027-04-20", "late_reason": "service_pressure"}, "iro1"),
        ("sign_off_late_review", {"sign_off": "approve"}, "rqam"),
        ("record_contact", {"contact_date": "2027-04-12", "contact_method": "visit"}, "test"),
        ("review_report", {"report_summary": "Doing well at school."}, "test"),
    ):
        task = run.task(child, spec)
        instances.complete_task(task.id, tasks.checked_answers(task, answers), actor=actor)
    timers.move_clock(datetime.fromisoformat("2027-04-20T15:00:00+01:00"), actor="test")

    sign_in(page, server, "iro1")
    page.get_by_role("link", name="Record the review").click()
    held_on, reason = page.locator("#held_on"), page.get_by_label("Why was the review adjourned?")
    expect(held_on).to_be_hidden()  # nothing chosen: neither section
    expect(reason).to_be_hidden()
    page.get_by_label("No, it was adjourned").check()
    expect(reason).to_be_visible()
    expect(held_on).to_be_hidden()
    expect(page.get_by_role("group", name="Decision 1")).to_be_hidden()
    assert_accessible(page)
    shot(page, "forms-record-the-review-adjourned")
    page.get_by_label("Yes, the review was held").check()
    expect(held_on).to_be_visible()
    expect(reason).to_be_hidden()

    page.get_by_label("No, it was adjourned").check()
    page.get_by_role("button", name="Submit").click()  # the server still asks what an adjournment needs
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Say why the review was adjourned" in summary and "Enter the new date of the review" in summary
    expect(page.get_by_label("Why was the review adjourned?")).to_be_visible()  # the choice kept, revealed
    expect(page.locator("#held_on")).to_be_hidden()
    assert_accessible(page)
