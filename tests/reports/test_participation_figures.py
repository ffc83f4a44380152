"""The children's views and participation figures, on reviews written straight into `reviews` and
views into `child_views`, checked against counts made here from the same rows."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from service.casework.participation import age_on
from service.db import db, writing
from service.models import ChildViews, Review
from service.reports import participation_figures
from tests.reports.test_review_figures import a_child, a_review
from tests.support import council
from tests.support.app import RequestClient
from tests.support.pages import sign_in, text

APRIL, JUNE = date(2027, 4, 1), date(2027, 6, 30)


def views_for(review, child_id):
    with writing():
        db.session.add(
            ChildViews(
                child_id=child_id,
                review_id=review.id,
                sent_at=datetime(2027, 4, 1, tzinfo=UTC),
                going_well="School",
                share_with_social_worker=False,
            )
        )


@pytest.fixture
def held(app):
    """(dob, held on, code, sent views) of each review, as stored."""
    council.staff()
    cases = [
        ("2019-05-01", date(2027, 4, 20), "PN6", True),  # 7: too young to count in the share
        ("2019-04-01", date(2027, 4, 20), "PN5", True),  # 8 on the day
        ("2015-01-01", date(2027, 5, 3), "PN1", False),
        ("2014-01-01", date(2027, 5, 4), "PN6", True),
        ("2013-01-01", date(2027, 6, 1), "PN1", True),
        ("2012-01-01", date(2027, 7, 1), "PN1", True),  # after the period
        ("2012-02-01", date(2027, 6, 2), None, False),
    ]
    for number, (dob, day, code, sent) in enumerate(cases):
        child = a_child(f"5000{number}", dob, "NE")
        a_review(child, day, day, code, "iro1", "NE")
        if sent:
            views_for(db.session.scalar(select(Review).where(Review.child_id == child)), child)
    return cases


def test_the_share_of_children_old_enough_who_sent_views_and_the_codes_beside_it(app, held):
    figures = participation_figures.report(APRIL, JUNE)
    in_period = [case for case in held if APRIL <= case[1] <= JUNE]
    old_enough = [case for case in in_period if age_on(date.fromisoformat(case[0]), case[1]) >= 8]
    assert (figures.views_sent.count, figures.views_sent.total) == (sum(c[3] for c in old_enough), len(old_enough))
    assert (figures.views_sent.count, figures.views_sent.total, str(figures.views_sent.percent)) == (3, 5, "60.0")
    rows = {row.code: (row.reviews, row.with_views) for row in figures.by_code}
    for code in ("PN1", "PN5", "PN6", None):
        expected = [case for case in in_period if case[2] == code]
        assert rows[code] == (len(expected), sum(c[3] for c in expected)), code
    assert rows["PN6"] == (2, 2) and rows["PN7"] == (0, 0)


def test_the_figures_page_is_for_those_who_see_reports(app, held):
    app.test_client_class = RequestClient
    client = app.test_client()
    sign_in(client, "rqam")
    page = text(client.get("/reports/participation?from=2027-04-01&to=2027-06-30").text)
    assert "Sent their views Reviews held Share 3 5 60.0%" in page
    assert "PN6: Child does not attend but conveys their feelings to the review by a facilitative medium 2 2" in page
    other = app.test_client()
    sign_in(other, "iro1")
    assert other.get("/reports/participation").status_code == 404
