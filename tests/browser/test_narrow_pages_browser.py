"""Every staff page at 375 px wide (a phone), as several roles of the test council: each page of the
staff navigation and of the reports' sub navigation, and the main pages reached from them (a task, a
child, an alert, a process, a version, an instance, the editor). Nothing may be wider than the screen
outside a scroll container (a wide table scrolls in its own region, the child or task first), and each
page passes axe. One browser context per role; screenshots in test-output/screenshots/narrow-*."""

import re

import pytest
from sqlalchemy import select

from service.db import db
from service.models import HumanTask, ManagementAlert, ProcessInstance, TaskStatus
from tests.support import council
from tests.support.browser import assert_accessible, shot, sign_in, wider_than_the_screen
from tests.web.test_my_children import caseload  # noqa: F401 (a fixture: a caseload with an alert and RAG grades)

pytestmark = pytest.mark.browser  # left out by `make test-fast`

NARROW = {"width": 375, "height": 800}
NAVIGATION = ".govuk-service-navigation a[href^='/'], .moj-sub-navigation a[href^='/']"


def first(model_column, *where):
    return db.session.scalars(select(model_column).where(*where).limit(1)).one()


@pytest.fixture
def places(caseload):
    """The pages reached from the navigation, by their addresses in the caseload: a task of iro1's
    (booking Alex North's review, with its date picker), Alex North, the alert, a process, its first
    version and an instance; and Alex North's significant change on iro1's worklist."""
    council.report_change(caseload.north_child)
    task = first(HumanTask.id, HumanTask.spec_name == "book_review", HumanTask.status == TaskStatus.OPEN)
    alert = first(ManagementAlert.id)
    instance = first(ProcessInstance.id, ProcessInstance.process_id == "review_cycle")
    db.session.rollback()
    return {
        "task": f"/tasks/{task}",
        "child": f"/children/{caseload.north_child}",
        "alert": f"/alerts/{alert}",
        "process": "/processes/review_cycle.bpmn",
        "version": "/processes/review_cycle.bpmn/versions/1",
        "editor": "/processes/review_cycle.bpmn/edit",
        "instance": f"/instances/{instance}",
    }


# Each role's pages besides those its navigation links to.
REACHED = {
    "iro1": ("task", "child", "alert"),
    "tm.ne": ("child", "alert"),
    "ism.north": ("child", "alert"),
    "rqam": ("child", "alert"),
    "sw.north": ("child",),
    "owner": ("process", "version", "editor", "instance"),
}


def test_every_page_fits_a_phone_and_passes_axe(browser, server, places):
    misfits, visited = {}, set()
    for username, reached in REACHED.items():
        context = browser.new_context(bypass_csp=True, viewport=NARROW)  # axe is injected as a script
        page = context.new_page()
        sign_in(page, server, username)
        to_visit = ["/", "/search?q=North", *navigation(page), *(places[name] for name in reached)]
        seen = set()
        while to_visit:
            path = to_visit.pop(0)
            if path in seen:
                continue
            seen.add(path)
            response = page.goto(server + path)
            assert response.status == 200, (username, path)
            to_visit += [link for link in navigation(page) if link not in seen]  # the reports' sub navigation
            page.evaluate("document.fonts.ready.then(() => true)")
            if wide := wider_than_the_screen(page):
                misfits[f"{username} {path}"] = wide[:5]
            assert_accessible(page)
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            shot(page, f"narrow-{username}-{name}")
        visited |= seen
        context.close()
    assert misfits == {}
    assert {"/tasks", "/calendar", "/notifications", "/my-children", "/reports/reviews", "/processes"} <= visited


def navigation(page) -> list[str]:
    """The addresses of the staff navigation's links and the sub navigation's, less sign-out's form."""
    return page.eval_on_selector_all(NAVIGATION, "links => links.map(a => a.getAttribute('href'))")
