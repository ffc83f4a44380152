"""Sibling groups and unborn children on the child's page (docs/domain.md C8): the siblings form
(by case number, among the children the person sees), the siblings listed, and recording the
birth of an unborn child."""

from datetime import date

import pytest
from sqlalchemy import select

from service.casework import children as cases
from service.db import db
from service.models import AuditEvent, Child
from tests.support.pages import NO_DATE, post_form


def a_child(case_number, name, team="NE", worker="sw.north", **more) -> int:
    body = {"case_number": case_number, "name": name, "gender": "F", "team": team, "social_worker": worker}
    return cases.create_child({"dob": "2016-02-01", **body, **more}, actor="test").id


def siblings_of(child_id) -> list[int]:
    db.session.rollback()
    return db.session.get(Child, child_id).siblings


def audited(action) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.mark.parametrize("username", ["sw.north", "tm.ne", "rqam"])
def test_the_social_worker_team_manager_or_review_and_qa_manager_records_the_siblings(client, auth, town, username):
    sister = a_child("5550002B", "Di North")
    auth.sign_in(username)
    page = client.get(f"/children/{town.north_child}").text
    assert "Change the child&#39;s siblings" in page and "None recorded" in page
    response = post_form(client, f"/children/{town.north_child}/siblings", {"case_numbers": " 5550002b, "})
    assert response.status_code == 302 and response.location == f"/children/{town.north_child}"
    assert siblings_of(town.north_child) == [sister] and siblings_of(sister) == [town.north_child]  # both ways
    page = client.get(f"/children/{town.north_child}").text
    assert f'<a class="govuk-link" href="/children/{sister}">Di North</a>' in page and "(case 5550002B)" in page
    assert audited("siblings_changed")[-1].actor == username


@pytest.mark.parametrize(
    "case_numbers, message",
    [
        ("9999999Z", "No child you may see has the case number 9999999Z"),
        ("43235", "No child you may see has the case number 43235"),  # Bo South: another team's child
        ("4120389A", "A child is not their own sibling"),
    ],
)
def test_a_siblings_form_with_problems_says_what_and_changes_nothing(client, auth, town, case_numbers, message):
    auth.sign_in("sw.north")
    response = post_form(client, f"/children/{town.north_child}/siblings", {"case_numbers": case_numbers})
    assert response.status_code == 400 and message in response.text
    assert siblings_of(town.north_child) == [] and audited("siblings_changed") == []


def test_siblings_the_person_does_not_see_are_kept_and_never_shown(client, auth, town):
    sister = a_child("5550002B", "Di North")
    cases.change_child(town.north_child, {"siblings": [sister, town.south_child]}, actor="test")
    auth.sign_in("sw.north")  # sees Alex and Di, not Bo South
    page = client.get(f"/children/{town.north_child}").text
    assert "Di North" in page and "Bo South" not in page and "43235" not in page
    form = client.get(f"/children/{town.north_child}/siblings").text
    assert 'value="5550002B"' in form and "43235" not in form
    assert post_form(client, f"/children/{town.north_child}/siblings", {"case_numbers": ""}).status_code == 302
    assert siblings_of(town.north_child) == [town.south_child]  # Di removed; Bo, unseen, kept


@pytest.mark.parametrize("username", ["iro1", "ism.north", "sw.south"])
def test_nobody_else_changes_the_siblings(client, auth, town, username):
    auth.sign_in(username)
    assert client.get(f"/children/{town.north_child}/siblings").status_code == 404
    assert "siblings</a>" not in client.get(f"/children/{town.north_child}").text


@pytest.fixture
def unborn(town):
    return cases.create_child(
        {
            "case_number": "5550009B",
            "name": "Baby North",
            "expected_birth": "2027-06-20",
            "gender": "U",
            "team": "NE",
            "social_worker": "sw.north",
        },
        actor="test",
    ).id


@pytest.mark.parametrize("username", ["sw.north", "rqam"])
def test_the_birth_of_an_unborn_child_is_recorded(client, auth, unborn, username):
    auth.sign_in(username)
    page = client.get(f"/children/{unborn}").text
    assert "Unborn (expected 20 June 2027)" in page and "Record the birth" in page
    response = post_form(client, f"/children/{unborn}/birth", {"dob": ["2", "4", "2027"]})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Child, unborn).dob == date(2027, 4, 2)
    page = client.get(f"/children/{unborn}").text
    assert "2 April 2027" in page and "Unborn" not in page and "Record the birth" not in page
    assert [e.actor for e in audited("child_born")] == [username]


@pytest.mark.parametrize(
    "answers, message",
    [({"dob": NO_DATE}, "Enter the child"), ({"dob": ["1", "1", "2099"]}, "cannot be in the future")],
)
def test_a_birth_form_with_problems_says_what_and_records_nothing(client, auth, unborn, answers, message):
    auth.sign_in("sw.north")
    response = post_form(client, f"/children/{unborn}/birth", answers)
    assert response.status_code == 400 and message in response.text
    db.session.rollback()
    assert db.session.get(Child, unborn).dob is None and audited("child_born") == []


@pytest.mark.parametrize("username", ["tm.ne", "iro1"])
def test_only_the_social_worker_or_the_review_and_qa_manager_records_the_birth(client, auth, unborn, username):
    auth.sign_in(username)
    assert client.get(f"/children/{unborn}/birth").status_code == 404
