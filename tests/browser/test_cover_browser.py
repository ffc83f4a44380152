"""Cover while an IRO is away, in a real browser at 1280 and 375 px wide: the Review and QA Manager sets
it through the page (an error first), moves the open task, and the covering IRO's worklist says so;
accessible (no serious or critical axe violation) and nothing wider than the screen."""

import pytest

from tests.support.browser import assert_accessible, shot, sign_in
from tests.web.test_my_children import do

pytestmark = pytest.mark.browser  # left out by `make test-fast`
WIDTHS = (1280, 375)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def date_boxes(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_manager_sets_cover_and_moves_the_open_task(page, server, town, width):
    do(town.north_child, "allocate", iro="iro1")  # iro1 books Alex North's first review
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, server, "rqam")
    page.goto(f"{server}/people/cover")
    page.get_by_label("IRO who is away").select_option("iro1")
    page.get_by_label("IRO covering their work").select_option("iro2")
    date_boxes(page, "First day away", "16", "4", "2027")
    date_boxes(page, "Last day away", "12", "4", "2027")
    page.get_by_role("button", name="Add cover").click()
    assert (
        "The last day away must be the same as or after the first day away"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    shot(page, f"cover-1-error-{width}")

    date_boxes(page, "First day away", "12", "4", "2027")
    date_boxes(page, "Last day away", "16", "4", "2027")
    page.get_by_role("button", name="Add cover").click()
    assert_accessible(page)
    assert fits(page)
    shot(page, f"cover-2-set-{width}")
    page.get_by_role("button", name="Move 1 open task of Ira One to Ira Two").click()
    assert "Moved 1 open task." in page.locator("main").inner_text()

    page.wait_for_load_state("networkidle")  # a late response would set the session cookie again
    page.context.clear_cookies()
    sign_in(page, server, "iro2")
    assert "You are covering for Ira One until 16 April 2027." in page.locator("main").inner_text()
    assert "Alex North" in page.locator("main table").inner_text()
    assert_accessible(page)
    assert fits(page)
    shot(page, f"cover-3-covering-worklist-{width}")
