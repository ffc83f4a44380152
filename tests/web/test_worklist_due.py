"""What is due at the top of the worklists (overdue, due today, due this week on the London working-day
calendar, each a link to the list filtered to it), and a task filter of each type once, the person's own."""

import re
from datetime import datetime

import pytest

from service.tasks import worklist
from service.workflow import timers
from service.workflow.working_days import LONDON
from tests.support import council
from tests.web.test_web import who


def at(day: str) -> None:
    timers.move_clock(datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=LONDON), actor="test")


def figures(page: str) -> dict:
    """{words: count} of the figures at the top of the list, with their links."""
    return {
        (href.replace("&amp;", "&"), words): int(count)
        for href, count, words in re.findall(
            r'<a class="govuk-link govuk-link--no-visited-state" href="([^"]+)"[^>]*>\s*'
            r'<span class="app-due-counts__count">(\d+)</span> ([a-z ]+)\s*</a>',
            page,
        )
    }


def due_dates(page: str) -> list[str]:
    return re.findall(r"(\d+ April 2027)<br>", page)


@pytest.mark.postgres
def test_my_tasks_count_overdue_today_and_this_week_each_a_link_to_its_tasks(client, auth, town):
    # Monday 12 April: each significant change is due within 2 working days of its date
    council.report_change(town.north_child, date="2027-04-07")  # due Friday 9 April: overdue
    council.report_change(town.north_child, date="2027-04-08")  # due today, Monday 12 April
    council.report_change(town.north_child, date="2027-04-12")  # due Wednesday 14 April: this week
    auth.sign_in("iro1")
    page = client.get("/tasks").text
    assert figures(page) == {
        ("/tasks?due=overdue", "overdue"): 1,
        ("/tasks?due=today", "due today"): 1,
        ("/tasks?due=week", "due this week"): 2,  # today's and Wednesday's
    }
    assert due_dates(client.get("/tasks?due=overdue").text) == ["9 April 2027"]
    assert due_dates(client.get("/tasks?due=today").text) == ["12 April 2027"]
    week = client.get("/tasks?due=week").text
    assert due_dates(week) == ["12 April 2027", "14 April 2027"]
    assert '<option value="week" selected>Due this week</option>' in week


def test_on_a_friday_next_weeks_tasks_are_not_due_this_week(client, auth, town):
    at("2027-04-14")
    council.report_change(town.north_child, date="2027-04-14")  # due Friday 16 April
    at("2027-04-15")
    council.report_change(town.north_child, date="2027-04-15")  # due Monday 19 April
    at("2027-04-16")
    counts = worklist.my_due_counts(who("iro1"))
    assert (counts.overdue, counts.today, counts.week) == (0, 1, 1)
    at("2027-04-17")  # Saturday: Friday's is overdue; Monday's has a working day left, in next week
    counts = worklist.my_due_counts(who("iro1"))
    assert (counts.overdue, counts.today, counts.week) == (1, 0, 0)


def test_the_unassigned_list_counts_its_own_tasks(client, auth, town):
    council.report_change(town.north_child, date="2027-04-07")  # overdue
    [row] = worklist.my_tasks(who("iro1")).rows
    worklist.release(who("iro1"), row.task_id)
    auth.sign_in("iro2")
    page = client.get("/tasks/unassigned").text
    assert figures(page)[("/tasks/unassigned?due=overdue", "overdue")] == 1
    assert figures(client.get("/tasks").text)[("/tasks?due=overdue", "overdue")] == 0


def test_the_task_filter_lists_each_type_once_and_only_the_persons_own(client, auth, town):
    for day in ("2027-04-07", "2027-04-08", "2027-04-09"):
        council.report_change(town.north_child, date=day)
    auth.sign_in("iro1")
    page = client.get("/tasks").text
    options = re.findall(r'<option value="([^"]*)"', page[page.index('name="task_type"') :].split("</select>")[0])
    # iro1 sees Alex North's "Allocate an IRO" (the Review and QA Manager's task), but it is not theirs to have
    assert options == ["", "Consider the significant change"]
    filtered = client.get("/tasks?task_type=Consider+the+significant+change").text
    assert filtered[filtered.index("<table") :].count("Consider the significant change</a>") == 3
    auth.sign_out()
    auth.sign_in("rqam")
    page = client.get("/tasks").text
    options = re.findall(r'<option value="([^"]*)"', page[page.index('name="task_type"') :].split("</select>")[0])
    assert options == ["", "Allocate an IRO"]  # two children's, listed once
