"""Cover while an IRO is away, on the shipped diagrams: new tasks and notices for the away IRO's
children reach the IRO covering them, and the IRO again once the cover is over."""

from datetime import date

import pytest

from service.people.accounts import identity, user_by_username
from service.tasks import cover
from tests.support.lifecycle import Life


def who(username):
    return identity(user_by_username(username).id)


@pytest.fixture
def life(app_factory):
    app = app_factory()
    with app.app_context():
        yield Life(app, False, "2019-04-14")


def also_allocated(run, **child):
    """Another child looked after and allocated to iro1 the same morning."""
    child_id = run.child(**child)
    run.looked_after(child_id, "2019-04-15")
    run.do(child_id, "allocate", iro="iro1")
    return child_id


def booked(run, *children):
    """The children's first reviews booked for 14 May 2019, the reports in and the children seen."""
    run.on("2019-04-24")
    for child in children:
        run.do(child, "book_review", review_date="2019-05-14")
    run.on("2019-05-07")
    for child in children:
        run.do(child, "review_report", report_summary="Settled in placement.")
        run.do(child, "record_contact", contact_date="2019-05-07", contact_method="visit")


def test_new_tasks_and_notices_reach_the_cover_while_it_applies_then_the_iro_again(life):
    run = life
    alex = run.allocated(day="2019-04-15")
    bo = also_allocated(run, name="Bo North", case_number="4120390A")
    booked(run, alex, bo)
    run.on("2019-05-10")
    cover.set_cover(who("rqam"), "iro1", "iro2", date(2019, 5, 13), date(2019, 5, 24))

    run.on("2019-05-14", hour=16)
    run.do(
        alex,
        "hold_review",
        outcome="held",
        held_on="2019-05-14",
        attendees="Alex\nSam North",
        participation_code="PN1",
        decisions=[{"text": "Contact with grandmother monthly", "owner": "Sam North", "due": "2019-05-31"}],
    )
    assert run.task(alex, "book_review").assignee == "iro2"  # the next review, booked by the cover
    assert run.task(bo, "hold_review").assignee == "iro1"  # what was iro1's before stays theirs

    seen = run.last_notice_id()
    run.on("2019-05-17")  # Bo's review, due by 16 May, was not held
    overdue = "Overdue: review 1 was due by 2019-05-16 and has not been held"
    assert ("iro2", overdue) in run.notices(seen)
    assert ("iro1", overdue) not in run.notices(seen)

    run.on("2019-05-28")  # the cover ended on Friday 24 May (27 May a bank holiday)
    run.do(alex, "book_review", review_date="2019-08-13")
    assert run.task(alex, "record_contact").assignee == "iro1"


def test_a_cover_ended_early_sends_new_work_to_the_iro_again(life):
    run = life
    run.on("2019-04-15")
    away = cover.set_cover(who("rqam"), "iro1", "iro2", date(2019, 4, 15), date(2019, 4, 30))
    alex = also_allocated(run)
    assert run.task(alex, "book_review").assignee == "iro2"
    cover.end(who("hos.safeguarding"), away)
    bo = also_allocated(run, name="Bo North", case_number="4120390A")
    assert run.task(bo, "book_review").assignee == "iro1"
