"""Finding a child, "My children" and what is due, in a real browser at 1280 and 375 px wide: each page
passes axe and nothing on it is wider than the screen."""

import pytest

from tests.support import council
from tests.support.browser import assert_accessible, shot, sign_in, wider_than_the_screen

pytestmark = pytest.mark.browser  # left out by `make test-fast`


@pytest.mark.parametrize("width", [1280, 375])
def test_an_iro_finds_a_child_from_the_header_sees_their_children_and_what_is_due(page, server, town, width):
    council.report_change(town.north_child, date="2027-04-07")  # overdue on Monday 12 April
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, server, "iro1")
    assert "1 overdue" in " ".join(page.locator(".app-due-counts").inner_text().split())
    assert_accessible(page)
    # the header's search box and the counts (the worklist's own table is left to its own test)
    assert wider_than_the_screen(page, "header *, .app-due-counts *") == []
    shot(page, f"find-1-worklist-counts-{width}")
    page.get_by_role("link", name="1 overdue").click()
    assert page.url.endswith("/tasks?due=overdue")

    page.get_by_label("Find a child").fill("4120389a")
    page.get_by_role("button", name="Search", exact=True).first.click()
    results = page.locator("main")
    assert "1 child matching" in results.inner_text() and "Alex North" in results.inner_text()
    assert_accessible(page)
    assert wider_than_the_screen(page) == []
    shot(page, f"find-2-search-{width}")
    results.get_by_role("link", name="Alex North").click()
    assert page.url.endswith(f"/children/{town.north_child}")

    page.goto(f"{server}/my-children")
    assert "Alex North" in page.locator("main").inner_text()
    assert_accessible(page)
    assert wider_than_the_screen(page) == []
    shot(page, f"find-3-my-children-{width}")
