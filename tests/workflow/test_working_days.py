"""The working-day and month rules of docs/domain.md, checked against known dates."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from service.workflow.working_days import (
    MAX_WORKING_DAYS,
    add_months,
    add_weeks,
    add_working_days,
    deadline_after_months,
    deadline_after_working_days,
    end_of_day,
    is_working_day,
    working_days_between,
)

LONDON = ZoneInfo("Europe/London")
UTC = UTC


def test_domain_example_easter_2019():
    looked_after = date(2019, 4, 15)
    assert add_working_days(looked_after, 5) == date(2019, 4, 24)
    assert add_working_days(looked_after, 20) == date(2019, 5, 16)
    assert working_days_between(looked_after, date(2019, 5, 16)) == 20


def test_diamond_jubilee_2012():
    assert not is_working_day(date(2012, 6, 4))
    assert not is_working_day(date(2012, 6, 5))
    assert is_working_day(date(2012, 5, 28))  # spring bank holiday moved away
    assert add_working_days(date(2012, 6, 1), 1) == date(2012, 6, 6)


def test_2022_extra_bank_holidays():
    for day in (date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19), date(2022, 12, 27)):
        assert not is_working_day(day)
    assert add_working_days(date(2022, 6, 1), 1) == date(2022, 6, 6)
    assert add_working_days(date(2022, 9, 16), 1) == date(2022, 9, 20)
    assert add_working_days(date(2022, 12, 23), 1) == date(2022, 12, 28)


def test_zero_and_negative_n():
    assert add_working_days(date(2019, 4, 20), 0) == date(2019, 4, 20)
    assert add_working_days(date(2019, 4, 24), -5) == date(2019, 4, 15)
    assert add_working_days(date(2022, 12, 28), -1) == date(2022, 12, 23)
    assert working_days_between(date(2019, 4, 24), date(2019, 4, 15)) == -5
    assert add_months(date(2020, 5, 31), -3) == date(2020, 2, 29)


def test_start_on_non_working_day():
    assert add_working_days(date(2019, 4, 20), 1) == date(2019, 4, 23)  # Easter Saturday


def test_round_trip_over_two_years():
    day = date(2021, 1, 1)
    while day < date(2023, 1, 1):
        for n in (0, 1, 5, 20):
            assert working_days_between(day, add_working_days(day, n)) == n
        if is_working_day(day):
            assert add_working_days(add_working_days(day, 7), -7) == day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2019, 11, 30), 3, date(2020, 2, 29)),
        (date(2018, 11, 30), 3, date(2019, 2, 28)),
        (date(2019, 8, 31), 6, date(2020, 2, 29)),
        (date(2018, 8, 31), 6, date(2019, 2, 28)),
        (date(2019, 1, 31), 3, date(2019, 4, 30)),
        (date(2019, 10, 15), 3, date(2020, 1, 15)),
    ],
)
def test_month_end_clamp(start, months, expected):
    assert add_months(start, months) == expected


def test_aware_datetime_keeps_wall_clock_across_bst_change():
    start = datetime(2019, 3, 29, 10, 30, tzinfo=UTC)  # 10:30 GMT, Friday before BST
    result = add_working_days(start, 1)
    assert result == datetime(2019, 4, 1, 9, 30, tzinfo=UTC)  # 10:30 BST
    assert result.tzinfo is UTC
    assert add_weeks(start, 1) == datetime(2019, 4, 5, 9, 30, tzinfo=UTC)
    assert add_months(start, 1) == datetime(2019, 4, 29, 9, 30, tzinfo=UTC)
    london = datetime(2019, 3, 29, 10, 30, tzinfo=LONDON)
    assert add_working_days(london, 1) == datetime(2019, 4, 1, 10, 30, tzinfo=LONDON)


def test_datetime_uses_london_date():
    late_sunday = datetime(2019, 6, 30, 23, 30, tzinfo=UTC)  # already Monday in London
    assert is_working_day(late_sunday)
    assert working_days_between(late_sunday, date(2019, 7, 2)) == 1


def test_end_of_day_winter_and_summer():
    assert end_of_day(date(2019, 1, 15)) == datetime(2019, 1, 15, 23, 59, 59, 999999, tzinfo=UTC)
    assert end_of_day(date(2019, 7, 15)) == datetime(2019, 7, 15, 22, 59, 59, 999999, tzinfo=UTC)
    assert end_of_day(date(2019, 7, 15)).tzinfo is UTC


def test_deadlines():
    assert deadline_after_working_days(date(2019, 4, 15), 5) == end_of_day(date(2019, 4, 24))
    assert deadline_after_months("2019-11-30", 3) == datetime(2020, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)


def test_iso_strings():
    assert add_working_days("2019-04-15", 5) == date(2019, 4, 24)
    assert add_working_days("2019-04-15T09:00:00+00:00", 5) == datetime(2019, 4, 24, 9, tzinfo=UTC)


def test_naive_datetime_refused():
    with pytest.raises(ValueError, match="naive datetime"):
        add_working_days(datetime(2019, 4, 15, 9, 0), 1)
    with pytest.raises(ValueError, match="naive datetime"):
        end_of_day("2019-04-15T09:00:00")


def test_working_days_are_counted_within_ten_years_either_way():
    """Diagram code calls this; a huge count would run on past the sandbox's time budget."""
    assert add_working_days(date(2024, 1, 8), MAX_WORKING_DAYS) > date(2033, 12, 1)
    for n in (MAX_WORKING_DAYS + 1, -(10**6)):
        with pytest.raises(ValueError, match="at most 2,600 working days"):
            add_working_days(date(2024, 1, 8), n)
