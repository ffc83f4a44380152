"""The child protection figures and IRO caseloads, on episodes, plans, conferences and minutes
written straight into their tables as the diagrams leave them (tests/support/protection_rows.py),
checked against counts worked out by hand for April to June 2027."""

from datetime import date
from decimal import Decimal

import pytest

from service.casework import caseloads
from service.db import writing
from service.errors import InvalidData
from service.models import ConferenceKind, ConferenceStatus, HumanTask
from service.people.accounts import user_by_username
from service.reports import protection_figures
from service.tasks.task_context import TaskContext
from service.workflow import working_days as calendar
from tests.support import council
from tests.support import protection_rows as rows
from tests.support.app import RequestClient

APRIL, JUNE, JULY = date(2027, 4, 1), date(2027, 6, 30), date(2027, 7, 1)
REVIEW = ConferenceKind.REVIEW


@pytest.fixture
def protection(app):
    """Seven children's plans and conferences around April to June 2027 (bank holidays on 3 and 31 May).

    Initial conferences held in the quarter: north's on its 15th WD (within), a's pre-birth on its
    16th (not), b's transfer-in on its 10th (within); c's in March does not count.
    Review conferences held: on the due day (on time), the day after (late), two days early (on time).
    """
    town = council.build()
    a, b, c, d, e = (rows.child(f"77000{n}", team="South" if n == 2 else "NE") for n in range(1, 6))
    old = rows.episode(town.south_child, date(2025, 4, 10), team="South", chair="iro2")
    rows.plan(old, town.south_child, date(2025, 5, 10), chair="iro2")  # open: two years long by June 2027
    rows.conference(old, date(2027, 5, 10), REVIEW, due_date=date(2027, 5, 10), chair="iro2")
    rows.conference(old, date(2027, 4, 20), REVIEW, due_date=date(2027, 4, 22), chair="iro2")

    north = rows.episode(town.north_child, APRIL)  # ICPC due 22 April: the 15th WD after Easter
    first = rows.conference(north, north.icpc_due)
    rows.plan(north, town.north_child, north.icpc_due, "neglect")
    rows.conference(north, None, REVIEW, due_date=date(2027, 6, 25), status=ConferenceStatus.BOOKED)

    unborn = rows.episode(a, date(2027, 4, 20), pre_birth=True)  # ICPC due 12 May
    late = rows.conference(unborn, calendar.add_working_days(unborn.icpc_due, 1), ConferenceKind.PRE_BIRTH)
    rows.plan(unborn, a, late.held_on, "emotional", number=2, ended_on=date(2027, 5, 31))  # ends on a month end

    moved_in = rows.episode(b, date(2027, 5, 10), team="South", chair="iro2", transfer_in=True)
    arrival = rows.conference(
        moved_in, calendar.add_working_days(date(2027, 5, 10), 10), ConferenceKind.TRANSFER_IN, chair="iro2"
    )
    rows.plan(
        moved_in,
        b,
        arrival.held_on,
        "physical",
        chair="iro2",
        ended_on=date(2027, 6, 15),
        became_looked_after_on=date(2027, 6, 15),
    )

    earlier = rows.episode(c, date(2025, 2, 10))
    rows.plan(earlier, c, date(2025, 3, 1), "multiple", ended_on=date(2027, 4, 30))  # ended in April, over two years
    march = rows.episode(c, date(2027, 3, 1))
    rows.minutes(rows.conference(march, date(2027, 3, 19)), date(2027, 3, 30))  # due before the quarter

    group = rows.episode(d, date(2025, 6, 1))  # a sibling group: one episode, two plans
    rows.plan(group, d, date(2025, 6, 30))  # two years to the day on 30 June 2027
    rows.plan(group, e, date(2025, 7, 1))  # a day short
    late_review = rows.conference(group, date(2027, 6, 2), REVIEW, due_date=date(2027, 6, 1))

    rows.minutes(first, date(2027, 5, 20), date(2027, 5, 20))  # distributed on its day
    rows.minutes(late, date(2027, 6, 10), date(2027, 6, 11))  # a day late
    rows.minutes(arrival, date(2027, 6, 21))  # not distributed
    rows.minutes(late_review, date(2027, 6, 30))  # not distributed, due on the last day
    return town


def share(figure):
    return figure.count, figure.within, figure.percent


def test_the_quarters_figures(protection):
    figures = protection_figures.report(APRIL, JUNE, today=JULY)
    assert share(figures.initial) == (3, 2, Decimal("66.7"))
    assert share(figures.reviews) == (3, 2, Decimal("66.7")) and figures.reviews_meet_target is False
    assert [(p.day, p.children) for p in figures.on_plans] == [
        (date(2027, 4, 30), 4),  # south, north, d, e: c's plan ended that day
        (date(2027, 5, 31), 5),  # and b; a's plan ended that day
        (date(2027, 6, 30), 4),  # b's ended on 15 June
    ]
    assert figures.by_category == (("Neglect", 1), ("Physical abuse", 1), ("Emotional abuse", 1))
    assert share(figures.repeat_plans) == (3, 1, Decimal("33.3"))
    # open at the end or ended in the quarter: south's, north's, a's, b's, c's, d's, e's; two years: south, c, d
    assert share(figures.long_plans) == (7, 3, Decimal("42.9"))
    assert figures.to_looked_after == 1
    minutes = figures.minutes
    assert (minutes.due, minutes.met, minutes.missed, minutes.running, minutes.percent) == (4, 1, 3, 0, Decimal("25.0"))


def test_the_15th_working_day_is_within_and_the_16th_is_not(protection):
    north = protection_figures.report(date(2027, 4, 22), date(2027, 4, 22), JULY).initial  # held on its 15th WD
    assert share(north) == (1, 1, Decimal("100.0"))
    held_16th = calendar.add_working_days(calendar.add_working_days(date(2027, 4, 20), 15), 1)
    assert held_16th == date(2027, 5, 13)
    assert share(protection_figures.report(held_16th, held_16th, JULY).initial) == (1, 0, Decimal("0.0"))


def test_a_review_on_its_due_day_is_on_time_and_the_day_after_is_late(protection):
    assert share(protection_figures.report(date(2027, 5, 10), date(2027, 5, 10), JULY).reviews) == (
        1,
        1,
        Decimal("100.0"),
    )
    assert share(protection_figures.report(date(2027, 6, 2), date(2027, 6, 2), JULY).reviews) == (1, 0, Decimal("0.0"))


def test_minutes_not_distributed_are_missed_only_once_their_day_has_passed(protection):
    minutes = protection_figures.report(APRIL, JUNE, today=JUNE).minutes  # the last set is due today
    assert (minutes.due, minutes.met, minutes.missed, minutes.running, minutes.percent) == (4, 1, 2, 1, Decimal("33.3"))


def test_filters_by_team_and_chair(protection):
    north_east = protection_figures.report(APRIL, JUNE, JULY, team="NE")
    assert share(north_east.initial) == (2, 1, Decimal("50.0"))
    assert share(north_east.reviews) == (1, 0, Decimal("0.0"))
    assert [p.children for p in north_east.on_plans] == [3, 3, 3]
    assert north_east.to_looked_after == 0
    iro2 = protection_figures.report(APRIL, JUNE, JULY, iro="iro2")
    assert share(iro2.reviews) == (2, 2, Decimal("100.0")) and iro2.reviews_meet_target is True
    assert share(iro2.initial) == (1, 1, Decimal("100.0"))
    assert iro2.by_category == (("Physical abuse", 1),) and iro2.to_looked_after == 1
    assert (iro2.minutes.due, iro2.minutes.missed) == (1, 1)
    nobody = protection_figures.report(APRIL, JUNE, JULY, team="NW")
    assert share(nobody.initial) == (0, 0, None) and nobody.reviews_meet_target is None


def test_month_ends_and_a_period_that_ends_mid_month():
    assert protection_figures.month_ends(date(2027, 4, 12), date(2027, 6, 10)) == [
        date(2027, 4, 30),
        date(2027, 5, 31),
        date(2027, 6, 10),
    ]
    assert protection_figures.month_ends(date(2027, 12, 1), date(2028, 2, 29)) == [
        date(2027, 12, 31),
        date(2028, 1, 31),
        date(2028, 2, 29),
    ]
    assert len(protection_figures.month_ends(date(2000, 1, 1), date(2027, 6, 30))) == protection_figures.MAX_POINTS
    with pytest.raises(InvalidData):
        protection_figures.report(JUNE, APRIL, JULY)


# --- IRO caseloads ------------------------------------------------------------------------------------------
def test_caseloads_count_open_plans_chaired_once_per_child_beside_looked_after_children(protection):
    north_again = rows.episode(protection.north_child, date(2027, 6, 1))
    rows.plan(north_again, protection.north_child, date(2027, 6, 20))  # a second open plan: still one child
    with writing():
        user_by_username("iro2").fte = 0.5
    found = {c.username: (c.cp, c.lac, c.total, c.per_fte, c.outside_recommended) for c in caseloads.caseloads()}
    # iro1: north, d, e open (a's, c's ended); Alex North looked after. iro2: south on a plan and looked after
    assert found["iro1"] == (3, 1, 4, Decimal("4.0"), "below")
    assert found["iro2"] == (1, 1, 2, Decimal("4.0"), "below")


def test_the_recommended_range_includes_its_ends():
    def flag(total, fte=1.0):
        return caseloads.Caseload(1, "iro", "Ira", fte, total, 0).outside_recommended

    assert (flag(49), flag(50), flag(70), flag(71), flag(35, 0.5), flag(36, 0.5)) == (
        "below",
        None,
        None,
        "above",
        None,
        "above",
    )
    assert caseloads.Caseload(1, "iro", "Ira", None, 10, 0).per_fte is None


def test_the_allocation_counts_plans_chaired_in_the_caseload(protection):
    options = {o.username: o.caseload for o in TaskContext(HumanTask(child_id=None)).iro_options()}
    assert options == {"iro1": 4, "iro2": 2}


# --- the pages ----------------------------------------------------------------------------------------------
@pytest.fixture
def browser(app, protection):
    app.config["WTF_CSRF_ENABLED"] = False
    app.test_client_class = RequestClient

    def signed_in(username):
        client = app.test_client()
        assert client.post("/sign-in", data={"username": username, "password": council.PASSWORD}).status_code == 302
        return client

    return signed_in


def words(html):
    return " ".join(html.split())


def table_row(heading, *numbers):
    """A row of a figures table as the page shows it, spaces collapsed: its heading and numeric cells."""
    return f"{heading}</th> " + " ".join(
        f'<td class="govuk-table__cell govuk-table__cell--numeric">{n}</td>' for n in numbers
    )


def test_the_review_and_qa_manager_sees_the_child_protection_figures(browser):
    rqam = browser("rqam")
    assert 'href="/reports/child-protection"' in rqam.get("/reports/reviews").text
    page = rqam.get("/reports/child-protection?from=2027-04-01&to=2027-06-30")
    assert page.status_code == 200
    text = words(page.text)
    assert "Child protection from 1 April 2027 to 30 June 2027" in text
    for row in (
        table_row("Initial conferences within 15 working days", 3, 2, "66.7%"),
        table_row("Review conferences on time", 3, 2, "66.7%"),
        table_row("Second or later plans", 3, 1, "33.3%"),
        table_row("Plans lasting two years or more", 7, 3, "42.9%"),
        table_row("Emotional abuse", 1),
        table_row("31 May 2027", 5),
    ):
        assert row in text, row
    assert "held within 15 working days of the strategy discussion" in text  # each figure says what it counts
    moved = '<dt class="govuk-summary-list__key">Children who moved from a plan to being looked after</dt>'
    assert f'{moved} <dd class="govuk-summary-list__value">1</dd>' in text
    assert 'against the target of 100%: <strong class="govuk-tag govuk-tag--red"> Not met </strong>' in text
    # minutes on 12 April 2027, the clock's today: the sets not distributed are not late yet
    assert table_row("", 4, 1, 1, 2, "50.0%").removeprefix("</th> ") in text
    filtered = words(rqam.get("/reports/child-protection?from=2027-04-01&to=2027-06-30&team=South&iro=iro2").text)
    assert "for team South, chaired by Ira Two" in filtered and "Met </strong>" in filtered


def test_bad_dates_or_filters_get_an_error_summary(browser):
    page = browser("ad").get("/reports/child-protection?from=2027-06-30&to=2027-04-01&iro=nobody")
    assert page.status_code == 400 and "govuk-error-summary" in page.text
    assert 'href="#to">The end date must be the same as or after the start date' in page.text
    assert 'href="#iro">Choose an IRO from the list' in page.text


def test_the_caseloads_page_shows_each_iro_against_the_recommended_range(browser):
    page = browser("hos.safeguarding").get("/reports/caseloads")
    assert page.status_code == 200
    text = words(page.text)
    assert (
        'Ira One</th> <td class="govuk-table__cell govuk-table__cell--numeric">1.0</td>'
        ' <td class="govuk-table__cell govuk-table__cell--numeric">3</td>'
        ' <td class="govuk-table__cell govuk-table__cell--numeric">1</td>'
        ' <td class="govuk-table__cell govuk-table__cell--numeric">4</td>'
        ' <td class="govuk-table__cell govuk-table__cell--numeric">4.0</td>'
    ) in text
    assert "Below" in text and "recommended 50 to 70 children per FTE" in text


def test_only_service_wide_managers_see_them(browser):
    for username in ("iro1", "sw.north", "tm.ne", "minutes"):
        client = browser(username)
        assert 'href="/reports/reviews"' not in client.get("/tasks").text
        for path in ("/reports/child-protection", "/reports/caseloads"):
            page = client.get(path)
            assert page.status_code == 404 and "Per FTE" not in page.text and "Conferences" not in page.text
