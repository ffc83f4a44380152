"""A child's own page in a real browser at 320 px wide: a child reads it, tells their IRO what they
think with a drawing attached, and sees that it was sent; axe finds nothing serious or critical."""

import pytest

from service.db import db
from service.models import Child
from service.tasks import task_page as tasks
from service.voices import own_page
from service.workflow import instances
from tests.support.browser import assert_accessible, shot
from tests.support.lifecycle import Life
from tests.voices.test_child_page import png

pytestmark = pytest.mark.browser  # left out by `make test-fast`


def _a_link(child_id) -> str:
    """The child's IRO allocated and their (late) review booked, and a link for the child."""
    run = Life.__new__(Life)  # the task lookups only: this council is the test town
    for spec, answers, actor in (
        ("allocate", {"iro": "iro1"}, "rqam"),
        ("book_review", {"review_date": "2027-04-20", "late_reason": "service_pressure"}, "iro1"),
    ):
        task = run.task(child_id, spec)
        instances.complete_task(task.id, tasks.checked_answers(task, answers), actor=actor)
    link = own_page.make_link(db.session.get_one(Child, child_id), "child", actor="iro1")
    db.session.commit()
    return link.token


def test_a_child_sends_their_views_with_a_drawing_on_a_phone(page, server, town, tmp_path):
    link_token = _a_link(town.north_child)
    drawing = tmp_path / "my-drawing.png"
    drawing.write_bytes(png(40))
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{server}/l/{link_token}")
    main = page.locator("main")
    assert "Hello Alex, this is your page" in main.inner_text()
    assert "Your IRO is Ira One" in main.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    shot(page, "child-page-1")

    page.get_by_role("button", name="Send to my IRO").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Please choose yes or no" in summary
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    shot(page, "child-page-2-errors")

    page.get_by_label("What is going well?").fill("I like my new school and my foster carer's dog.")
    page.get_by_label("Who do you want at your review?").fill("My foster carer and my teacher")
    page.get_by_role("group", name="Will you come to your review?").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Is someone helping you with this?").get_by_label("Yes, my advocate").check()
    page.get_by_role("group", name="Can your social worker see what you wrote?").get_by_label("Yes", exact=True).check()
    page.get_by_label("A drawing or a voice note (if you want)").set_input_files(str(drawing))
    page.get_by_role("button", name="Send to my IRO").click()

    text = main.inner_text()
    assert "Thank you. Your IRO will read what you sent before your review." in text
    assert "You sent your views on" in text and "You can send more." in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    shot(page, "child-page-3-sent")
