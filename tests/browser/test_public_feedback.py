"""A parent answers the feedback questions on a phone 320 px wide (docs/domain.md V2): the form,
its error summary and the thanks pass axe, and nothing is wider than the screen; the staff pages
of a conference's feedback and the summary pass axe too."""

import pytest

from service.db import db
from service.voices import feedback
from tests.support.browser import assert_accessible, serving, shot, sign_in
from tests.support.feedback import held_conference, link_for_parent

pytestmark = pytest.mark.browser  # left out by `make test-fast`
TOKEN = "test-feedback-token-for-the-browser-01"


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_parent_answers_the_questions_on_a_phone(browser, app):
    _run, _child, conference_id = held_conference(app)
    link_for_parent(conference_id, TOKEN)
    db.session.commit()
    context = browser.new_context(bypass_csp=True, viewport={"width": 320, "height": 640})
    page = context.new_page()
    with serving(app) as server:
        page.goto(f"{server}/l/{TOKEN}")
        assert page.url == f"{server}/p/feedback"
        assert "child protection meeting on 28 January 2022" in page.inner_text("main")
        assert_accessible(page)
        _fits(page)
        shot(page, "feedback-1-form")

        page.get_by_role("button", name="Send my answers").click()
        assert "Answer at least one question" in page.locator(".govuk-error-summary").inner_text()
        assert_accessible(page)
        _fits(page)
        shot(page, "feedback-2-errors")

        page.get_by_role("group", name="1. What is your relationship to the Child?").get_by_label("Father").check()
        chair = page.get_by_role("group", name="3. Did it help to talk to the Chair before the meeting?")
        chair.get_by_label("Yes").check()
        plan = page.get_by_role("group", name="10. Do you think that the plan")
        plan.get_by_label("Quite helpful").check()
        page.get_by_label("Is there anything else you would like to tell us?").fill("The chair explained it well.")
        page.get_by_role("button", name="Send my answers").click()
        assert "Your answers have been sent" in page.inner_text("main")
        assert_accessible(page)
        _fits(page)
        shot(page, "feedback-3-thanks")

        page.goto(f"{server}/l/{TOKEN}")
        assert "This link has been used" in page.inner_text("main")
    context.close()


def test_the_chair_prints_a_parents_link_and_the_manager_reads_the_figures(browser, app):
    _run, child, conference_id = held_conference(app)
    for _ in range(5):
        feedback.enter_paper(conference_id, {"chair_before": "yes", "comment": "Kind and clear"}, actor="minutes")
    db.session.commit()
    page = browser.new_context(bypass_csp=True).new_page()
    with serving(app) as server:
        sign_in(page, server, "iro1")
        page.goto(f"{server}/children/{child}")
        page.get_by_role("link", name="Parents' feedback").click()
        assert "Pat North (Parent)" in page.inner_text("main")
        assert_accessible(page)
        shot(page, "feedback-4-conference")
        page.get_by_text("Make a link for Pat North (Parent)").click()
        page.get_by_label("Print a letter").check()
        page.get_by_role("button", name="Make the link").click()
        assert "Tell us what you thought of the child protection meeting" in page.inner_text("main")

        page = browser.new_context(bypass_csp=True).new_page()
        sign_in(page, server, "rqam")
        page.goto(f"{server}/reports/feedback?from=2022-01-01&to=2022-12-31")
        main = page.inner_text("main")
        assert "5 of 5 found it helpful to talk to the Chair before the meeting" in main and "Kind and clear" in main
        assert_accessible(page)
        shot(page, "feedback-5-summary")
