"""The child protection task pages: the chair's booking form with its rows of invitees, and the
allocation form's suggestion, as a person sees and posts them."""

import re

import pytest

from service.models import TaskStatus
from tests.support.app import RequestClient
from tests.support.pages import sign_in, submit, token
from tests.support.protection import Protection


@pytest.fixture
def life(app_factory):
    app = app_factory()
    app.test_client_class = RequestClient
    with app.app_context():
        run = Protection(app, False, "2022-01-16")
        child = run.child()
        run.on("2022-01-17")
        run.strategy(child, "2022-01-17")
        run.do(child, "enquiry_outcome", convene="yes")
        yield run, child, app.test_client()


def _press(client, task_id, page, answers, **button):
    version = re.search(r'name="instance_version" value="(\d+)"', page).group(1)
    return client.post(
        f"/tasks/{task_id}", data={**answers, **button, "csrf_token": token(page), "instance_version": version}
    )


def test_the_allocation_page_shows_why_each_chair_is_suggested_and_the_minute_takers_load(life):
    run, child, client = life
    sign_in(client, "rqam")
    task = run.task(child, "allocate_chair")
    page = client.get(f"/tasks/{task.id}").text
    assert "Ira One (0 children, 0.0 per FTE)" in page
    assert "Mina Minutes (0 sets of minutes outstanding)" in page
    assert submit(client, task.id, page, {"iro": "iro2", "minute_taker": "minutes"}).status_code == 302
    assert run.task(child, "icpc_book").assignee == "iro2"


def test_booking_adds_invitees_one_row_at_a_time_and_refuses_a_late_date_without_a_reason(life):
    run, child, client = life
    run.do(child, "allocate_chair", iro="iro2", minute_taker="minutes")
    sign_in(client, "iro2")
    task = run.task(child, "icpc_book")
    page = client.get(f"/tasks/{task.id}").text
    assert "The conference is due by 07 February 2022" in page and 'name="invitees-0-name"' in page
    answers = {
        "conference_date": "8/2/2022",
        "venue": "Civic Centre",
        "invitees-0-name": "Pat North",
        "invitees-0-who": "parent_carer",
    }
    added = _press(client, task.id, page, answers, add_row="invitees")
    assert (
        added.status_code == 200 and 'name="invitees-1-name"' in added.text and "There is a problem" not in added.text
    )
    refused = submit(client, task.id, added.text, answers)
    assert (
        refused.status_code == 400
        and "Say why the conference is after its due date of 07 February 2022" in refused.text
    )
    assert run.task_status(task.id) == TaskStatus.OPEN
    done = submit(client, task.id, added.text, {**answers, "late_reason": "The GP is away that week."})
    assert done.status_code == 302
    [icpc, *_] = run.conferences(child)
    assert (icpc.venue, icpc.invitees) == (
        "Civic Centre",
        [{"name": "Pat North", "who": "parent_carer", "agency": None}],
    )


def test_an_agency_invitee_needs_its_agency(life):
    run, child, _ = life
    run.do(child, "allocate_chair", iro="iro2", minute_taker="minutes")
    errors = run.refused(
        child,
        "icpc_book",
        conference_date="2022-01-28",
        venue="Civic Centre",
        invitees=[{"name": "Dr Lee", "who": "agency"}],
    )
    assert errors == {"invitees-0-agency": "Enter which agency"}
