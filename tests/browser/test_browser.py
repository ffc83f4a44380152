"""The pages in a real browser: Playwright for Python driving Debian's chromium
(never a downloaded browser), with axe-core checking each page for serious or
critical accessibility violations. Screenshots go to test-output/screenshots/."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from service.db import db
from service.tasks import task_page as tasks
from service.workflow import clock, instances, timers
from service.workflow import working_days as calendar
from tests.support import council
from tests.support.browser import assert_accessible, shot, sign_in
from tests.support.lifecycle import Life

pytestmark = pytest.mark.browser  # left out by `make test-fast`


def test_an_iro_works_a_task_from_the_worklist_to_the_childs_timeline(page, server, town):
    council.report_change(town.north_child, date="2027-04-08")
    sign_in(page, server, "iro1")
    assert_accessible(page)
    shot(page, "1-worklist")
    row = page.get_by_role("row").filter(has_text="Alex North")
    assert "Consider the significant change" in row.inner_text()
    row.get_by_role("link", name="Consider the significant change").click()

    assert_accessible(page)
    shot(page, "2-task")
    page.get_by_role("button", name="Submit").click()
    summary = page.locator(".govuk-error-summary")
    assert "Select whether this change needs an early review" in summary.inner_text()
    assert_accessible(page)
    shot(page, "3-task-errors")

    page.get_by_label("Yes, convene an early review").check()
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("2027")
    page.get_by_label("Reason for your decision").fill("Missing for four days: the plan needs looking at now.")
    page.get_by_role("button", name="Submit").click()
    assert "Consider the significant change" not in page.locator("main").inner_text()
    shot(page, "4-worklist-after")

    page.goto(f"{server}/children/{town.north_child}")
    timeline = page.locator("main").inner_text()
    assert "Consider the significant change" in timeline and "Alex North" in timeline
    assert_accessible(page)
    shot(page, "5-case-timeline")


def test_a_team_manager_sees_only_their_area(page, server, town):
    sign_in(page, server, "tm.ne")
    assert_accessible(page)
    page.goto(f"{server}/children/{town.north_child}")
    assert "Alex North" in page.locator("main").inner_text()
    shot(page, "6-manager-own-child")
    response = page.goto(f"{server}/children/{town.south_child}")
    assert response.status == 404
    assert "Bo South" not in page.content()
    assert_accessible(page)
    shot(page, "7-manager-other-area")


def test_a_social_worker_reports_a_significant_change(page, server, town):
    sign_in(page, server, "sw.north")
    page.goto(f"{server}/children/{town.north_child}")
    page.get_by_role("link", name="Report a significant change").click()
    assert_accessible(page)
    page.get_by_role("button", name="Report the change").click()
    assert "Choose the kind of change" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("What has changed?").select_option("missing_over_3_days")
    page.get_by_label("Day").fill("9")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2027")
    page.get_by_label("What happened").fill("Missing for four days; found safe.")
    page.get_by_role("button", name="Report the change").click()
    assert "asked to consider an early review" in page.locator("main").inner_text()
    shot(page, "8-significant-change-reported")


def test_the_allocation_meeting_names_an_iro_who_then_records_the_review(page, server, town, app):
    sign_in(page, server, "rqam")
    page.get_by_role("link", name="Allocate an IRO").first.click()
    assert_accessible(page)
    page.get_by_label("Ira Two").check()
    page.get_by_role("button", name="Submit").click()
    assert "Task completed" in page.locator("main").inner_text()

    db.session.rollback()  # see what the server wrote
    child = town.north_child if _allocated(town.north_child, "iro2") else town.south_child
    run = Life.__new__(Life)  # the task lookups only: this council is the test town
    booking = run.task(child, "book_review")
    answers = {"review_date": "2027-04-20", "late_reason": "service_pressure"}
    instances.complete_task(booking.id, tasks.checked_answers(booking, answers), actor="iro2")
    sign_off = run.task(child, "sign_off_late_review")
    instances.complete_task(sign_off.id, tasks.checked_answers(sign_off, {"sign_off": "approve"}), actor="rqam")
    for spec, answers in (
        ("record_contact", {"contact_date": "2027-04-12", "contact_method": "visit"}),
        ("review_report", {"report_summary": "Doing well at school."}),
    ):
        task = run.task(child, spec)
        instances.complete_task(task.id, tasks.checked_answers(task, answers), actor="test")
    timers.move_clock(datetime.fromisoformat("2027-04-20T15:00:00+01:00"), actor="test")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, server, "iro2")
    page.get_by_role("link", name="Record the review").click()
    assert_accessible(page)
    shot(page, "9-record-the-review")
    page.get_by_label("Yes, the review was held").check()
    held = page.locator("#held_on")
    held.get_by_label("Day").fill("20")
    held.get_by_label("Month").fill("4")
    held.get_by_label("Year").fill("2027")
    page.get_by_label("Who attended").fill("The child\nSam North")
    page.get_by_label("Child attends and speaks for themself").check()
    first = page.get_by_role("group", name="Decision 1")
    first.get_by_label("Decision", exact=True).fill("Referral to CAMHS")
    first.get_by_label("Who will do it").fill("Sam North")
    first.get_by_label("Day").fill("31")
    first.get_by_label("Month").fill("5")
    first.get_by_label("Year").fill("2027")
    first.get_by_label("Starred recommendation").check()
    page.get_by_role("button", name="Submit").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select the category of the starred recommendation" in summary
    assert_accessible(page)
    page.get_by_role("group", name="Decision 1").get_by_label("Category").select_option("accessing_resources")
    page.get_by_role("button", name="Submit").click()
    assert "Task completed" in page.locator("main").inner_text()
    assert "Send the decisions to the social worker, team manager and ISM" in page.locator("main").inner_text()


def _allocated(child_id, username):
    from service.models import Child, User

    child = db.session.get(Child, child_id)
    return child.iro_id == db.session.scalar(select(User.id).where(User.username == username))


def test_an_iro_raises_a_management_alert_and_the_team_manager_responds_from_alerts_for_me(browser, page, server, town):
    today = calendar.london_date(clock.now())
    resolve_by = today + timedelta(days=30)
    sign_in(page, server, "iro1")
    page.goto(f"{server}/children/{town.north_child}")
    page.get_by_role("button", name="Raise a management alert").click()
    assert "Independent Review Officer Management Alert Form" in page.locator("main").inner_text()
    assert_accessible(page)
    shot(page, "alert-1-raise")
    page.get_by_label("Summary of concerns").fill("No homefinding referral since the care plan changed in March.")
    page.locator("#actions_requested-0-action").fill("Make the long-term homefinding referral")
    page.get_by_label("Day").fill(str(resolve_by.day))
    page.get_by_label("Month").fill(str(resolve_by.month))
    page.get_by_label("Year").fill(str(resolve_by.year))
    page.get_by_role("button", name="Submit").click()
    assert "Task completed" in page.locator("main").inner_text()

    manager = browser.new_context(bypass_csp=True).new_page()
    sign_in(manager, server, "tm.ne")
    manager.get_by_role("link", name="Alerts for me").click()
    listed = manager.locator("main").inner_text()
    assert "Alex North" in listed and "No homefinding referral" in listed
    assert_accessible(manager)
    shot(manager, "alert-2-alerts-for-me")
    manager.get_by_role("link", name="Respond to the alert about Alex North").click()
    manager.get_by_label("Your response").fill("Referral made today; the homefinding team will report in 4 weeks.")
    manager.get_by_role("button", name="Submit").click()
    manager.goto(f"{server}/alerts")
    manager.get_by_role("link", name="View the alert about Alex North").click()
    history = manager.locator("main").inner_text()
    assert "Written response" in history and "Referral made today" in history
    assert_accessible(manager)
    shot(manager, "alert-3-history")


def test_a_person_changes_their_password_and_signs_out_everywhere_from_your_account(page, server, town):
    sign_in(page, server, "iro1")
    page.get_by_role("link", name="Your account").click()
    assert_accessible(page)
    new = "a kettle on the windowsill"
    page.get_by_label("Your current password").fill(council.PASSWORD)
    page.get_by_label("New password", exact=True).fill("too short")
    page.get_by_label("Confirm the new password").fill("too short")
    page.get_by_role("button", name="Change your password").click()
    assert "at least 12 characters" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    shot(page, "account-password-refused")
    page.get_by_label("Your current password").fill(council.PASSWORD)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("Confirm the new password").fill(new)
    page.get_by_role("button", name="Change your password").click()
    assert "Your password has been changed" in page.locator("main").inner_text()
    shot(page, "account-password-changed")
    page.get_by_role("button", name="Sign out everywhere").click()
    assert "You have signed out everywhere" in page.locator("main").inner_text()
    page.goto(f"{server}/tasks")
    assert page.url.startswith(f"{server}/sign-in")
