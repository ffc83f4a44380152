"""A child protection conference on the child's page and its printable invitation letters: one letter
for each person invited, naming only the children the reader sees (docs/adr/0019)."""

import html
import re

import pytest

from tests.support.app import RequestClient
from tests.support.pages import client_for
from tests.support.protection import Protection


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(page))


@pytest.fixture
def family(app_factory):
    """Three siblings in one enquiry, the youngest with another social worker; the conference booked."""
    app = app_factory()
    app.test_client_class = RequestClient
    with app.app_context():
        run = Protection(app, False, "2022-01-16")
        eldest = run.child("Ann North", "5100001")
        middle = run.child("Ben North", "5100002", siblings=[eldest])
        youngest = run.child("Cat North", "5100003", siblings=[eldest, middle], team="South", worker="sw.south")
        run.on("2022-01-17")
        for child in (eldest, middle, youngest):
            run.strategy(child, "2022-01-17")
        run.enquiry_to_conference(eldest, chair="iro1")
        run.book(eldest, "icpc_book", "2022-01-28")
        [conference] = run.conferences(eldest)[:1]
        yield app, run, (eldest, middle, youngest), conference.id


def test_the_chair_prints_one_letter_for_each_person_invited_naming_the_three_children(family):
    app, run, (eldest, _middle, youngest), conference_id = family
    client = client_for(app, "iro1")
    page = client.get(f"/children/{youngest}").text
    assert f"/conferences/{conference_id}/invitations" in page and "Initial conference" in page
    letters = _text(client.get(f"/conferences/{conference_id}/invitations").text)
    assert letters.count("Invitation to the initial conference") == 2  # Pat North and Dr Lee
    assert "Dear Pat North," in letters and "Dear Dr Lee," in letters and "GP" in letters
    assert "about Ann North, Ben North, Cat North on 28 January 2022 at Civic Centre room 2" in letters
    assert "The chair would like to meet you before the conference" in letters  # to the parent only once
    assert letters.count("The chair would like to meet you") == 1


def test_a_social_worker_of_one_sibling_sees_that_childs_part_only(family):
    app, run, (eldest, middle, youngest), conference_id = family
    client = client_for(app, "sw.south")  # Cat's social worker, team South
    letters = _text(client.get(f"/conferences/{conference_id}/invitations").text)
    assert "about Cat North on 28 January 2022" in letters
    assert "Ann North" not in letters and "Ben North" not in letters
    page = html.unescape(client.get(f"/children/{youngest}").text)
    assert "Child protection" in page and "Initial conference" in page and "Ann North" not in page
    assert client.get(f"/children/{eldest}").status_code == 404


@pytest.mark.parametrize("username", ["iro2", "minutes", "complaints"])
def test_who_sees_none_of_the_children_gets_404(family, username):
    app, _run, _children, conference_id = family
    assert client_for(app, username).get(f"/conferences/{conference_id}/invitations").status_code == 404


def test_a_conference_not_booked_has_no_letters(family):
    app, run, (eldest, *_), conference_id = family
    client = client_for(app, "rqam")
    assert client.get(f"/conferences/{conference_id + 1}/invitations").status_code == 404  # the review to come
    assert client.get("/conferences/999999/invitations").status_code == 404


def test_each_siblings_timeline_shows_the_conference_and_their_plan(family):
    app, run, (eldest, middle, youngest), _conference_id = family
    run.on("2022-01-28", hour=15)
    run.held(eldest, "icpc_record", "2022-01-28", decision="plan", category="neglect")
    page = _text(client_for(app, "sw.south").get(f"/children/{youngest}").text)
    timeline = page[page.index("Timeline") :]
    assert "Initial conference held" in timeline and "Child protection plan started" in timeline
    assert "Neglect" in timeline and "Ann North" not in page
