"""A public link's end, as a phone shows it (docs/domain.md V1): the page says why, in the
council's own layout with nothing of the staff service, readable at 320 px and by a screen reader."""

import pytest

from service.db import db
from service.models import LinkPurpose
from service.voices import links
from tests.support.browser import assert_accessible, shot

pytestmark = pytest.mark.browser


def test_an_ended_link_says_so_on_a_small_phone(page, server, town):
    new = links.create(LinkPurpose.CHILD_PAGE, child_id=town.north_child, for_person="the child", actor="iro1")
    links.withdraw(new.link.id, actor="iro1", visible=db.true())
    db.session.commit()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{server}/l/{new.token}")
    assert page.get_by_role("heading", level=1).inner_text() == "This link has been withdrawn"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.get_by_role("navigation").count() == 0  # no staff menu
    assert "Sign in" not in page.content() and "IRO workflow" not in page.content()
    assert_accessible(page)
    shot(page, "public-link-withdrawn-320")
