"""Children, their events and the significant-change process, through the service layer."""

from datetime import date

import pytest

from service.api import openapi
from service.casework import children as cases
from service.casework import codes, participation
from service.db import db
from service.errors import InvalidData
from service.models import Child, ChildEvent
from service.people import roles
from service.people.accounts import identity, user_by_username
from service.tasks import worklist
from service.web.children import BecameLookedAfterForm, CeasedLookedAfterForm, SignificantChangeForm
from tests.support import council


def who(username):
    return identity(user_by_username(username).id)


def test_a_significant_change_gives_the_childs_iro_a_task_due_in_2_working_days(town):
    recorded = council.report_change(town.north_child, date="2027-04-08")  # Thu; Easter is not in 2027's way
    assert len(recorded.instance_ids) == 1
    [row] = worklist.my_tasks(who("iro1")).rows
    assert row.title == "Consider the significant change" and row.process_name == "Significant change"
    assert row.child_name == "Alex North" and row.team == "NE"
    assert row.due_at.date().isoformat() == "2027-04-12"  # Thu 8 April + 2 WD
    assert worklist.my_tasks(who("iro2")).rows == []
    event = db.session.get(ChildEvent, recorded.event_id)
    assert event.type == "significant_change" and event.instance_ids == recorded.instance_ids


def test_an_event_without_a_process_is_recorded_and_an_event_updates_the_child(town):
    discussion = cases.record_event(
        town.south_child, {"type": "cp_strategy_discussion", "date": "2027-02-01", "s47": False}, actor="api"
    )
    assert discussion.instance_ids == []  # no section 47 enquiry: recorded, nothing runs
    cases.record_event(
        town.south_child,
        {"type": "cp_plan_started", "date": "2027-02-01", "category": "neglect", "iro": "iro1"},
        actor="api",
    )
    child = db.session.get(Child, town.south_child)
    assert (
        child.cp_plan
        and child.cp_category == "neglect"
        and cases.episode(child) == "Looked after, Child protection plan"
    )


@pytest.mark.parametrize(
    "body, field, message",
    [
        (
            {
                "type": "significant_change",
                "date": "2027-04-12",
                "kind": "bored",
                "details": "x",
                "care_plan_change": None,
            },
            "kind",
            "must be one of",
        ),
        (
            {"type": "significant_change", "date": "2027-04-12", "kind": "complaint", "care_plan_change": None},
            "details",
            "required",
        ),
        (
            {
                "type": "became_looked_after",
                "date": "2027-04-12",
                "legal_status": "V4",
                "placement_type": "foster",
                "placement_regulated": True,
                "colour": "blue",
            },
            "colour",
            "unknown field",
        ),
        ({"type": "ceased_looked_after", "date": "2099-01-01", "reason": "adopted"}, "date", "future"),
        ({"type": "holiday", "date": "2027-04-12"}, "type", "must be one of"),
    ],
)
def test_bad_events_are_refused_naming_the_field(town, body, field, message):
    before = db.session.query(ChildEvent).count()
    with pytest.raises(InvalidData) as refused:
        cases.record_event(town.north_child, body, actor="api")
    assert message in refused.value.errors[field]
    assert db.session.query(ChildEvent).count() == before


def test_a_child_needs_a_known_team_a_social_worker_and_a_case_number_in_one_of_the_three_formats(town):
    with pytest.raises(InvalidData) as refused:
        cases.create_child(
            {
                "case_number": "AB12",
                "name": "X",
                "dob": "2015-01-01",
                "gender": "M",
                "team": "Nowhere",
                "social_worker": "iro1",
            },
            actor="api",
        )
    assert set(refused.value.errors) == {"case_number"}
    with pytest.raises(InvalidData) as refused:
        cases.create_child(
            {
                "case_number": "CCC000054405PER",
                "name": "X",
                "dob": "2015-01-01",
                "gender": "M",
                "team": "Nowhere",
                "social_worker": "iro1",
            },
            actor="api",
        )
    assert set(refused.value.errors) == {"team", "social_worker"}


def test_roles_see_their_own_children_only(town):
    def sees(username):
        from sqlalchemy import select

        from service.people import access

        return set(db.session.scalars(select(Child.id).where(access.child_condition(who(username)))))

    both = {town.north_child, town.south_child}
    assert sees("iro1") == {town.north_child}
    assert sees("sw.south") == {town.south_child}
    assert sees("tm.ne") == {town.north_child}
    assert sees("ism.north") == {town.north_child}
    assert sees("rqam") == both and sees("ad") == both and sees("hos.safeguarding") == both
    assert sees("owner") == set()
    assert roles.PROCESS_OWNER in who("owner").roles


def test_each_code_list_is_one_table_for_the_api_its_document_and_the_pages(app):
    """A code added to service/casework/codes.py is accepted, described and offered alike."""
    assert list(codes.EVENT_TYPES) == list(cases.EVENT_FIELDS)
    schemas = openapi.document(clock=False)["components"]["schemas"]
    looked_after = schemas[openapi._event_schema_name("became_looked_after")]["properties"]
    assert looked_after["legal_status"]["enum"] == list(codes.LEGAL_STATUSES)
    assert looked_after["placement_type"]["enum"] == list(codes.PLACEMENT_TYPES)
    assert schemas["NewChild"]["properties"]["gender"]["enum"] == list(codes.GENDERS)
    with app.test_request_context():
        offered = {
            name: [c.value for c in field.choices if c.value]
            for form in (
                BecameLookedAfterForm(meta={"csrf": False}),
                CeasedLookedAfterForm(meta={"csrf": False}),
                SignificantChangeForm(meta={"csrf": False}),
            )
            for name, field in form._fields.items()
            if getattr(field, "choices", None)
        }
    assert offered["legal_status"] == list(codes.LEGAL_STATUSES)
    assert offered["placement_type"] == list(codes.PLACEMENT_TYPES)
    assert offered["reason"] == list(codes.CEASED_REASONS)
    assert offered["kind"] == list(codes.SIGNIFICANT_CHANGES)
    assert offered["care_plan_change"] == ["none", *codes.CARE_PLAN_CHANGES]  # "No" first


def test_an_unborn_child_is_under_four_for_the_participation_code():
    review_day = date(2027, 4, 12)
    assert participation.code_problem("PN0", None, review_day) is None
    assert participation.code_problem("PN1", None, review_day) == "The child was under 4 on the review date: use PN0"
