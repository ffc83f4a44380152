"""`PATCH /api/v1/children/<id>` (docs/api.md): an unborn child's birth and the child's siblings,
answered as GET answers; refused values named, nothing changed; an unknown child 404."""

import pytest
from sqlalchemy import select

from service.casework import children as cases
from service.db import db
from service.models import AuditEvent, Child

UNBORN = {
    "case_number": "5550009B",
    "name": "Baby North",
    "expected_birth": "2027-06-20",
    "gender": "U",
    "team": "NE",
    "social_worker": "sw.north",
}


def audited(action) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_siblings_are_set_both_ways_and_the_child_is_answered_as_get_answers(api, town):
    response = api.patch(f"/api/v1/children/{town.north_child}", json={"siblings": [town.south_child]})
    assert response.status_code == 200
    assert response.json == api.get(f"/api/v1/children/{town.north_child}").json
    assert response.json["siblings"] == [town.south_child]
    assert api.get(f"/api/v1/children/{town.south_child}").json["siblings"] == [town.north_child]
    assert api.patch(f"/api/v1/children/{town.north_child}", json={"siblings": []}).json["siblings"] == []
    assert api.get(f"/api/v1/children/{town.south_child}").json["siblings"] == []
    assert [e.details["siblings"] for e in audited("siblings_changed")] == [[town.south_child], []]


def test_an_unborn_childs_birth_is_recorded_once(api, town):
    child_id = cases.create_child(UNBORN, actor="test").id
    response = api.patch(f"/api/v1/children/{child_id}", json={"dob": "2027-04-02"})
    assert response.status_code == 200
    assert (response.json["dob"], response.json["expected_birth"]) == ("2027-04-02", "2027-06-20")
    again = api.patch(f"/api/v1/children/{child_id}", json={"dob": "2027-04-03"})
    assert again.status_code == 422 and again.json["fields"] == {"dob": "the child's date of birth is already recorded"}
    assert api.get(f"/api/v1/children/{child_id}").json["dob"] == "2027-04-02"
    assert len(audited("child_born")) == 1


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"name": "Someone Else"}, {"name": "unknown field"}),
        ({"siblings": [99999]}, {"siblings": "no child 99999"}),
        ({"siblings": "2"}, {"siblings": "expected a list of child ids (whole numbers)"}),
        ({"dob": "2099-01-01"}, {"dob": "cannot be in the future"}),
        ({}, {"body": "send dob or siblings"}),
    ],
)
def test_a_bad_change_is_refused_naming_the_field_and_nothing_changes(api, town, body, fields):
    response = api.patch(f"/api/v1/children/{town.north_child}", json=body)
    assert response.status_code == 422 and response.json["fields"] == fields
    db.session.rollback()
    child = db.session.get(Child, town.north_child)
    assert (child.name, child.siblings) == ("Alex North", []) and audited("siblings_changed") == []


def test_an_unknown_child_is_a_json_404(api, town):
    response = api.patch("/api/v1/children/99999", json={"siblings": []})
    assert response.status_code == 404 and response.json["error"] == "child 99999 does not exist"
