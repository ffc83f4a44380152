"""Notifications and "Alerts I raised" in a real browser, at 1280 and 375 px wide: readable, accessible
(no serious or critical axe violation) and nothing wider than the screen."""

import re

import pytest

from service.casework import alerts
from service.db import db
from service.models import HumanTask
from service.people.accounts import identity, user_by_username
from service.tasks import task_page as tasks
from service.workflow import instances
from tests.support.browser import assert_accessible, shot, sign_in
from tests.web.test_notification_pages import DECISION_LINES, DECISIONS, queue

pytestmark = pytest.mark.browser  # left out by `make test-fast`
WIDTHS = (1280, 375)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def raised_by_iro1(child_id) -> None:
    """iro1 raises an alert for the child through its own form: it waits for the Team Manager."""
    form = db.session.get(HumanTask, alerts.request(identity(user_by_username("iro1").id), child_id))
    answers = tasks.checked_answers(
        form, {"summary_of_concerns": "Drift.", "resolve_by": "2027-05-12", "actions_requested": [{"action": "A plan"}]}
    )
    db.session.rollback()
    instances.complete_task(form.id, answers, actor="iro1")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_iro_reads_a_notice_marks_it_read_and_follows_alerts_i_raised(page, server, town, width):
    queue("iro1", DECISIONS, DECISION_LINES, child_id=town.north_child)
    raised_by_iro1(town.north_child)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, server, "iro1")
    page.goto(f"{server}/notifications")
    main = page.locator("main").inner_text()
    assert "Decisions of the review held on 3 December 2026" in main and "About Alex North (case 4120389A)" in main
    assert page.locator("main ul.govuk-list--bullet li").count() == 2
    assert_accessible(page)
    assert fits(page)
    shot(page, f"notices-1-unread-{width}")
    page.get_by_role(
        "button", name=re.compile("^Mark as read.*Decisions of the review held on 3 December 2026")
    ).click()
    assert "Decisions of the review" not in page.locator("main").inner_text()
    page.get_by_role("link", name="All", exact=True).click()
    assert "Decisions of the review held on 3 December 2026" in page.locator("main").inner_text()

    page.goto(f"{server}/alerts/raised")
    assert_accessible(page)
    assert fits(page)
    shot(page, f"notices-2-alerts-i-raised-{width}")
    page.get_by_role("link", name="Alex North").click()
    waits = page.locator(".govuk-inset-text").inner_text()
    assert (
        "Where it waits now" in waits and "Waiting for the Team Manager (Tia Manager) to respond at stage 1 by" in waits
    )
    assert_accessible(page)
    assert fits(page)
    shot(page, f"notices-3-alert-waiting-{width}")
