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


def _at_the_review(child, *then):
    """The north child's review booked, prepared and due now (20 April 2027), then `then` (spec, answers, actor)."""
    run = Life.__new__(Life)  # the task lookups only: this council is the test town
    before = (
        ("allocate", {"iro": "iro1"}, "rqam"),
        ("book_review", {"review_date": "2027-04-20", "late_reason": "service_pressure"}, "iro1"),
        ("sign_off_late_review", {"sign_off": "approve"}, "rqam"),
        ("record_contact", {"contact_date": "2027-04-12", "contact_method": "visit"}, "test"),
        ("review_report", {"report_summary": "Doing well at school."}, "test"),
    )
    for n, (spec, answers, actor) in enumerate((*before, *then)):
        if n == len(before):
            timers.move_clock(datetime.fromisoformat("2027-04-20T15:00:00+01:00"), actor="test")
        task = run.task(child, spec)
        instances.complete_task(task.id, tasks.checked_answers(task, answers), actor=actor)
    if not then:
        timers.move_clock(datetime.fromisoformat("2027-04-20T15:00:00+01:00"), actor="test")


def test_choosing_adjourned_hides_the_held_section_and_shows_its_own(page, server, town):
    _at_the_review(town.north_child)
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


HELD = {
    "outcome": "held",
    "held_on": "2027-04-20",
    "attendees": "The child\nSam North",
    "participation_code": "PN1",
    "decisions": [{"text": "Referral to CAMHS", "owner": "Sam North", "due": "2027-05-31"}],
}


def test_the_rag_form_shows_only_the_chosen_statuss_criteria_and_the_case_number_unasked(page, server, town):
    _at_the_review(town.north_child, ("hold_review", HELD, "iro1"))
    sign_in(page, server, "iro1")
    page.get_by_role("link", name="Grade the care plan").first.click()
    main = page.locator("main")
    expect(main).to_contain_text("4120389A")
    expect(page.locator('input[name="case_number"]')).to_have_count(0)
    red = page.get_by_label("No permanence option secured by 3 rd Review", exact=True)
    amber = page.get_by_label("No Permanence Option at 2 nd Review", exact=True)
    expect(red).to_be_hidden()
    expect(amber).to_be_hidden()
    page.get_by_label("Amber", exact=True).check()
    expect(amber).to_be_visible()
    expect(red).to_be_hidden()
    expect(page.get_by_label("Case is well managed and care planning is progressing.", exact=True)).to_be_hidden()
    assert_accessible(page)
    shot(page, "forms-rag-amber")
