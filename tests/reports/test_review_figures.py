"""The review figures managers report and the SSDA903 reviews file, on reviews written
straight into `reviews` as the review diagram leaves them once held."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from service.casework import children as cases
from service.db import db, writing
from service.errors import InvalidData
from service.models import InstanceStatus, ProcessInstance, Review, ReviewStatus
from service.people import tokens
from service.people.accounts import team_by_code, user_by_username
from service.reports import review_figures
from service.workflow import timers
from service.workflow import working_days as calendar
from tests.support import council
from tests.support.app import START, RequestClient

APRIL, JUNE = date(2027, 4, 1), date(2027, 6, 30)
WORKING_DAYS = {"decisions_to_managers": 3, "decisions": 5, "record": 15, "distribution": 20}


def a_child(case_number, dob, team):
    return cases.create_child(
        {
            "case_number": case_number,
            "name": f"Child {case_number}",
            "dob": dob,
            "gender": "M",
            "team": team,
            "social_worker": "sw.north",
        },
        actor="test",
    ).id


def a_review(child_id, held_on, due_date, code, iro, team, short_breaks=False, status=ReviewStatus.HELD, **late):
    """A review as the diagram records it. Each record deadline is done on its due day unless `late`
    gives it working days late (done then, missed) or None (not done yet)."""
    with writing():
        instance = ProcessInstance(
            process_id="review_cycle",
            version_ids=[],
            child_id=str(child_id),
            status=InstanceStatus.RUNNING,
            state="{}",
            version=1,
            started_by="test",
            created_at=START,
            updated_at=START,
        )
        db.session.add(instance)
        db.session.flush()
        deadlines = {}
        for name, days in WORKING_DAYS.items():
            due = calendar.add_working_days(held_on, days)
            lateness = late.get(name, 0)
            done = None if lateness is None else calendar.add_working_days(due, lateness)
            deadlines.update(
                {f"{name}_due": due, f"{name}_on": done, f"{name}_met": None if done is None else done <= due}
            )
        db.session.add(
            Review(
                child_id=child_id,
                instance_id=instance.id,
                number=2,
                short_breaks=short_breaks,
                status=status,
                due_date=due_date,
                booked_date=held_on,
                held_on=held_on,
                on_time=held_on <= due_date,
                participation_code=code,
                iro_id=user_by_username(iro).id,
                team_id=team_by_code(team).id,
                **deadlines,
            )
        )


@pytest.fixture
def reviews(app):
    """Five reviews held from April to June 2027 (three on time), and two that do not count."""
    town = council.build()
    toddler = a_child("5550001", "2025-01-10", "NE")
    breaks = a_child("5550002A", "2016-08-01", "South")
    older = a_child("5550003", "2011-02-02", "NE")
    a_review(town.north_child, date(2027, 3, 30), date(2027, 4, 2), "PN1", "iro1", "NE")  # before the period
    a_review(town.north_child, date(2027, 4, 20), date(2027, 4, 22), "PN1", "iro1", "NE")
    a_review(town.south_child, date(2027, 5, 10), date(2027, 5, 3), "PN4", "iro2", "South", record=2)
    a_review(toddler, date(2027, 5, 12), date(2027, 5, 12), "PN0", "iro1", "NE", record=None)
    a_review(breaks, date(2027, 6, 1), date(2027, 6, 2), "PN5", "iro2", "South", short_breaks=True, record=None)
    a_review(older, date(2027, 6, 14), date(2027, 6, 10), "PN7", "iro2", "NE")
    a_review(older, date(2027, 6, 20), date(2027, 6, 25), None, "iro1", "NE", status=ReviewStatus.BOOKED)
    return town


@pytest.mark.postgres
def test_on_time_participation_and_record_deadlines_of_a_quarter(reviews):
    figures = review_figures.report(APRIL, JUNE, today=date(2027, 7, 1)).overall
    assert (figures.reviews.held, figures.reviews.on_time, figures.reviews.percent) == (5, 3, Decimal("60.0"))
    assert figures.reviews.meets_target is False
    assert (figures.short_breaks.held, figures.short_breaks.percent) == (1, Decimal("100.0"))
    assert (figures.other.held, figures.other.on_time, figures.other.percent) == (4, 2, Decimal("50.0"))
    # PN1 and PN5 out of PN1, PN4, PN5, PN7: the under-4's PN0 counts in neither
    participation = figures.participation
    assert (participation.coded, participation.participating, participation.percent) == (4, 2, Decimal("50.0"))
    record = {d.name: d for d in figures.deadlines}["record"]
    # due in the quarter: the March review's (met) and four of the quarter's; the June 14 one's falls in July
    assert (record.due, record.met, record.missed, record.open_overdue, record.percent) == (5, 2, 3, 2, Decimal("40.0"))
    distribution = {d.name: d for d in figures.deadlines}["distribution"]
    assert (distribution.due, distribution.met, distribution.missed) == (5, 5, 0)  # June 1 + 20 WD: 29 June


def test_a_deadline_still_running_is_neither_met_nor_missed(reviews):
    record = {d.name: d for d in review_figures.report(APRIL, JUNE, today=date(2027, 6, 10)).overall.deadlines}
    # the June 1 review's record is due on 22 June: not late yet
    assert (record["record"].missed, record["record"].open_overdue, record["record"].percent) == (2, 1, Decimal("50.0"))


def test_filters_and_breakdowns_by_team_and_iro(reviews):
    def on_time(**filters):
        timeliness = review_figures.report(APRIL, JUNE, date(2027, 7, 1), **filters).overall.reviews
        return timeliness.held, timeliness.on_time, timeliness.percent

    assert on_time(team="NE") == (3, 2, Decimal("66.7"))
    assert on_time(iro="iro2") == (3, 1, Decimal("33.3"))
    assert on_time(team="NE", iro="iro2") == (1, 0, Decimal("0.0"))
    assert on_time(team="NW") == (0, 0, None)
    report = review_figures.report(APRIL, JUNE, date(2027, 7, 1))
    assert [(row.label, row.figures.reviews.held, row.figures.participation.coded) for row in report.by_team] == [
        ("NE", 3, 2),
        ("South", 2, 2),
    ]
    assert [(row.label, row.figures.reviews.on_time, row.figures.reviews.held) for row in report.by_iro] == [
        ("Ira One", 2, 2),
        ("Ira Two", 1, 3),
    ]
    assert [row.label for row in review_figures.report(APRIL, JUNE, date(2027, 7, 1), iro="iro1").by_team] == ["NE"]


def test_percentages_round_half_up_to_one_decimal():
    assert review_figures.percent(2, 3) == Decimal("66.7")
    assert review_figures.percent(1, 16) == Decimal("6.3")  # 6.25
    assert review_figures.percent(0, 0) is None


def test_the_ssda903_file_byte_for_byte(reviews):
    a_review(reviews.south_child, date(2027, 4, 20), date(2027, 4, 20), "PN2", "iro2", "South")  # same day: by case
    assert review_figures.ssda903_reviews_csv(APRIL, JUNE) == (
        "CHILD,DOB,REVIEW,REVIEW_CODE\r\n"
        "4120389A,04/03/2012,20/04/2027,PN1\r\n"
        "43235,04/03/2012,20/04/2027,PN2\r\n"
        "43235,04/03/2012,10/05/2027,PN4\r\n"
        "5550001,10/01/2025,12/05/2027,PN0\r\n"
        "5550002A,01/08/2016,01/06/2027,PN5\r\n"
        "5550003,02/02/2011,14/06/2027,PN7\r\n"
    )


def test_a_reversed_period_or_an_uncoded_review_is_refused(reviews):
    with pytest.raises(InvalidData) as refused:
        review_figures.ssda903_reviews_csv(JUNE, APRIL)
    assert "to" in refused.value.errors
    with pytest.raises(InvalidData):
        review_figures.report(JUNE, APRIL, JUNE)
    a_review(reviews.north_child, date(2027, 6, 30), date(2027, 7, 1), None, "iro1", "NE")
    with pytest.raises(review_figures.ReviewsNotCoded, match="4120389A on 30/06/2027"):
        review_figures.ssda903_reviews_csv(APRIL, JUNE)


# --- the page and the API ----------------------------------------------------------------------------------
@pytest.fixture
def browser(app, reviews):
    app.config["WTF_CSRF_ENABLED"] = False  # the sign-in form's token is not what these tests are about
    app.test_client_class = RequestClient

    def signed_in(username):
        client = app.test_client()
        assert client.post("/sign-in", data={"username": username, "password": council.PASSWORD}).status_code == 302
        return client

    return signed_in


def test_the_review_and_qa_manager_sees_the_figures_and_downloads_the_file(browser):
    rqam = browser("rqam")
    assert 'href="/reports/reviews"' in rqam.get("/tasks").text  # the navigation's Reports link
    page = rqam.get("/reports/reviews?from=2027-04-01&to=2027-06-30&team=&iro=iro2")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "Reviews held from 1 April 2027 to 30 June 2027" in text and "chaired by Ira Two" in text
    assert '<th scope="row" class="govuk-table__header">All looked-after reviews</th>' in text
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">33.3%</td>' in text  # 1 of iro2's 3 on time
    link = "/reports/ssda903-reviews.csv?from=2027-04-01&amp;to=2027-06-30"
    assert f'href="{link}">' in page.text and "Download the SSDA903 reviews file (CSV)</a>" in page.text
    download = rqam.get(link.replace("&amp;", "&"))
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == 'attachment; filename="ssda903-reviews-2027-04-01-2027-06-30.csv"'
    assert download.text == review_figures.ssda903_reviews_csv(APRIL, JUNE)


def test_the_page_defaults_to_the_financial_year_so_far(browser):
    timers.move_clock(datetime(2028, 2, 1, 9, tzinfo=UTC), actor="test")
    ad = browser("ad")
    page = ad.get("/reports/reviews")
    assert page.status_code == 200
    assert "Reviews held from 1 April 2027 to 1 February 2028" in " ".join(page.text.split())
    page = ad.get("/reports/reviews?from=2027-06-01")
    assert "Reviews held from 1 June 2027 to 1 February 2028" in " ".join(page.text.split())
    assert ad.get("/reports/reviews?to=0001-02-03").status_code == 200  # a financial year with no year 0 before it


def test_bad_dates_get_an_error_summary(browser):
    rqam = browser("rqam")
    for query, messages in [
        ("from=2027-02-30", ['href="#from">Enter the start date as a real date']),
        (
            "from=2027-06-30&to=2027-04-01&team=Nowhere",
            [
                'href="#to">The end date must be the same as or after the start date',
                'href="#team">Choose a team from the list',
            ],
        ),
    ]:
        for path in ("/reports/reviews", "/reports/ssda903-reviews.csv"):
            page = rqam.get(f"{path}?{query}")
            assert page.status_code == 400 and page.mimetype == "text/html", (path, query)
            assert "govuk-error-summary" in page.text and "<title>Error:" in page.text
            assert all(message in page.text for message in messages), (path, query)


def test_a_social_worker_or_team_manager_gets_no_reports(browser):
    for username in ("sw.north", "tm.ne", "iro1"):
        client = browser(username)
        assert 'href="/reports/reviews"' not in client.get("/tasks").text
        for path in ("/reports/reviews", "/reports/ssda903-reviews.csv?from=2027-04-01&to=2027-06-30"):
            page = client.get(path)
            assert page.status_code == 404 and "4120389A" not in page.text, (username, path)


def test_the_api_gives_the_file_to_a_token_and_names_bad_dates(app, reviews):
    app.test_client_class = RequestClient
    api = app.test_client()
    headers = {"Authorization": f"Bearer {tokens.create('performance team')}"}
    response = api.get("/api/v1/reports/ssda903-reviews?from=2027-04-01&to=2027-06-30", headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.text == review_figures.ssda903_reviews_csv(APRIL, JUNE)
    assert api.get("/api/v1/reports/ssda903-reviews?from=2027-04-01&to=2027-06-30").status_code == 401
    for query, fields in [
        ("from=2027-04-31&to=2027-06-30", {"from"}),
        ("from=20270401", {"from", "to"}),
        ("to=2027-06-30&to=2027-07-01", {"from", "to"}),
        ("from=2027-06-30&to=2027-04-01", {"to"}),
    ]:
        refused = api.get(f"/api/v1/reports/ssda903-reviews?{query}", headers=headers)
        assert refused.status_code == 422 and set(refused.json["fields"]) == fields, (query, refused.json)


def test_a_held_review_without_its_code_stops_the_file_and_is_named(app, reviews, browser):
    a_review(reviews.north_child, date(2027, 6, 30), date(2027, 7, 1), None, "iro1", "NE")
    page = browser("rqam").get("/reports/ssda903-reviews.csv?from=2027-04-01&to=2027-06-30")
    assert page.status_code == 409 and "4120389A on 30/06/2027" in page.text and "govuk-error-summary" in page.text
    assert "All looked-after reviews" in page.text  # the figures are still there
    headers = {"Authorization": f"Bearer {tokens.create('performance team')}"}
    response = app.test_client().get("/api/v1/reports/ssda903-reviews?from=2027-04-01&to=2027-06-30", headers=headers)
    assert response.status_code == 409 and "4120389A on 30/06/2027" in response.json["error"]
