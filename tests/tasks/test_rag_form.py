"""The quality assurance RAG notification form (docs/domain.md B1; the report's appendix), checked as the
API checks it, on the task a held review opens, with the case's facts read from the database."""

from datetime import date

import pytest
from sqlalchemy import select

import forms
from forms.rag import ACTIONS, CRITERIA
from service.db import db, writing
from service.models import AlertStatus, ManagementAlert, RagNotification, RagStatus, TaskStatus, User
from service.people import accounts
from service.tasks.task_context import TaskContext
from tests.support.app import RequestClient
from tests.support.lifecycle import Life
from tests.support.pages import sign_in, submit

SPEC = "grade_care_plan"
RED = {
    "worker_qualified": "qualified",
    "rag_status": "red",
    "red_criteria": ["red_3", "red_9"],
    "details_red_9": "  Last visit was in October.  ",
    "red_actions": ["response_2_weeks", "review_within_3_months"],
}
AMBER = {
    "worker_qualified": "unqualified",
    "rag_status": "amber",
    "amber_criteria": ["amber_4", "amber_1"],
    "amber_responsibility": ["legal_services"],
    "details_amber_4": "Court directions awaited.",
    "amber_actions": ["written_update_3_months"],
}
GREEN = {
    "worker_qualified": "qualified",
    "rag_status": "green",
    "green_criteria": ["green_7"],
    "green_actions": ["passed_on", "review_in_timescale"],
    "excellent_practice": True,
    "excellent_practice_details": "Outstanding direct work with Alex.",
}


@pytest.fixture
def held(app_factory):
    """A child whose first review was held on 1 February 2024: the RAG task is open."""
    app = app_factory()
    app.test_client_class = RequestClient
    with app.app_context():
        run = Life(app, False, "2024-01-07")
        child = run.allocated(dob="2012-03-04")
        run.do(child, "book_review", review_date="2024-02-01")
        run.do(child, "record_contact", contact_date="2024-01-08", contact_method="visit")
        run.do(child, "review_report", report_summary="Settled.")
        run.on("2024-02-01", hour=15)
        run.do(
            child,
            "hold_review",
            outcome="held",
            held_on="2024-02-01",
            attendees="Alex\nSam North",
            participation_code="PN1",
            decisions=[{"text": "Placement plan", "owner": "Sam North", "due": "2024-03-01"}],
        )
        yield run, child, app


def the_form(run, child, answers):
    task = run.task(child, SPEC)
    return forms.form_for("rag_notification", data=answers, api=True, context=TaskContext(task))


def refused(run, child, answers) -> dict:
    """The errors; the task stays open and no notification is recorded."""
    form = the_form(run, child, answers)
    assert not form.validate()
    errors = forms.first_errors(form)
    assert run.refused(child, SPEC, **answers) == errors
    assert run.task(child, SPEC).status == TaskStatus.OPEN
    assert db.session.scalars(select(RagNotification)).all() == []
    return errors


def accepted(run, child, answers) -> dict:
    form = the_form(run, child, answers)
    assert form.validate(), forms.first_errors(form)
    return forms.task_data(form)


def test_the_criteria_and_actions_are_the_appendix_word_for_word():
    assert [len(CRITERIA[s]) for s in ("red", "amber", "green")] == [13, 10, 7]
    assert list(CRITERIA["red"]) == [f"red_{n}" for n in range(1, 14)]
    assert list(CRITERIA["amber"]) == [f"amber_{n}" for n in range(1, 11)]
    assert list(CRITERIA["green"]) == [f"green_{n}" for n in range(1, 8)]
    assert CRITERIA["red"]["red_3"] == "No permanence option secured by 3 rd Review"
    assert CRITERIA["red"]["red_6"] == (
        "Concerns that the placement is not meeting the child/young persons needs and there is no plan to address this."
    )
    assert CRITERIA["amber"]["amber_1"] == "No Permanence Option at 2 nd Review"
    assert CRITERIA["amber"]["amber_6"] == (
        "Young Person is not happy in placement \u2013 although it is evident that his/her needs are being met."
    )
    assert CRITERIA["green"]["green_7"] == (
        "Review of arrangements paper work has been consistently presented to reviews and updated on PROTOCOL"
    )
    assert {s: list(a) for s, a in ACTIONS.items()} == {
        "red": ["response_2_weeks", "iro_review_3_weeks", "review_within_3_months"],
        "amber": ["response_2_weeks", "written_update_3_months"],
        "green": ["passed_on", "review_in_timescale"],
    }
    form_class = forms.FORMS["rag_notification"]
    for status, criteria in CRITERIA.items():
        assert [c.label for c in getattr(form_class, f"{status}_criteria").kwargs["choices"]] == list(criteria.values())
        assert all(hasattr(form_class, f"details_{code}") for code in criteria)


def test_no_status_is_refused(held):
    run, child, _ = held
    errors = refused(run, child, {k: v for k, v in RED.items() if k != "rag_status"})
    assert errors["rag_status"] == "Select Red, Amber or Green"


def test_criteria_or_actions_of_another_status_are_refused(held):
    run, child, _ = held
    errors = refused(run, child, {**RED, "amber_criteria": ["amber_3"], "green_actions": ["passed_on"]})
    assert errors == {
        "amber_criteria": "Untick the Amber criteria: this notification is Red",
        "green_actions": "Untick the Green actions: this notification is Red",
    }
    errors = refused(run, child, {**GREEN, "red_criteria": ["red_1"]})
    assert errors == {"red_criteria": "Untick the Red criteria: this notification is Green"}


def test_the_chosen_status_needs_a_criterion_and_an_action(held):
    run, child, _ = held
    assert refused(run, child, {**RED, "red_criteria": []}) == {"red_criteria": "Tick at least one Red criterion"}
    assert refused(run, child, {**AMBER, "amber_actions": []}) == {
        "amber_actions": "Select at least one action required"
    }
    assert refused(run, child, {**GREEN, "green_actions": ["written_update_3_months"]}) == {
        "green_actions": "Select from the list"
    }  # an Amber action's code offered under Green


def test_the_key_recommendations_criterion_needs_where_responsibility_lies(held):
    run, child, _ = held
    assert refused(run, child, {**AMBER, "amber_responsibility": []}) == {
        "amber_responsibility": "Select where responsibility for action lies: a partner agency, Legal Services or both"
    }


def test_excellent_practice_needs_its_details(held):
    run, child, _ = held
    assert refused(run, child, {**GREEN, "excellent_practice_details": " "}) == {
        "excellent_practice_details": "Describe the excellent practice"
    }


def test_the_case_number_is_the_childs_and_not_asked(held):
    run, child, app = held
    assert accepted(run, child, RED)["case_number"] == "4120389A"
    assert run.refused(child, SPEC, **RED, case_number="43235") == {"case_number": "unknown field"}
    client = app.test_client()
    sign_in(client, "iro1")
    page = client.get(f"/tasks/{run.task(child, SPEC).id}").text
    assert "Case number" in page and "4120389A" in page and 'name="case_number"' not in page


def _worker(username="sw.north") -> User:
    return db.session.scalar(select(User).where(User.username == username))


def test_whether_the_worker_is_qualified_is_asked_only_while_nobody_has_said(held):
    run, child, app = held
    client = app.test_client()
    sign_in(client, "iro1")
    task = run.task(child, SPEC)
    assert _worker().qualified_social_worker is None
    page = client.get(f"/tasks/{task.id}").text
    assert 'name="worker_qualified"' in page and "Unqualified caseholder" in page
    assert refused(run, child, {k: v for k, v in RED.items() if k != "worker_qualified"}) == {
        "worker_qualified": "Select whether the allocated worker is a qualified social worker "
        "or an unqualified caseholder"
    }

    accounts.set_qualified(_worker().id, False, actor="tm.ne")
    page = client.get(f"/tasks/{task.id}").text
    assert 'name="worker_qualified"' not in page
    assert "Sam North (Unqualified caseholder)" in page
    without = {k: v for k, v in RED.items() if k != "worker_qualified"}
    assert accepted(run, child, without)["worker_qualified"] == "unqualified"
    assert accepted(run, child, RED)["worker_qualified"] == "unqualified"  # the person's, not what was posted


def test_the_iros_answer_is_kept_on_the_worker_for_the_next_notification(held):
    run, child, _ = held
    run.do(child, SPEC, **AMBER)
    assert _worker().qualified_social_worker is False
    assert db.session.scalar(select(RagNotification.worker_qualified)) is False
    assert accounts.user_by_username("sw.north").qualified_social_worker is False


def test_a_red_notification_gives_its_criteria_in_the_appendixs_words_and_its_actions(held):
    run, child, _ = held
    data = accepted(run, child, RED)
    assert data["criteria"] == [
        {"code": "red_3", "text": "No permanence option secured by 3 rd Review", "details": ""},
        {
            "code": "red_9",
            "text": "Statutory visits not undertaken within the required timescales.",
            "details": "Last visit was in October.",
        },
    ]
    assert data["actions"] == ["response_2_weeks", "review_within_3_months"]
    assert (data["rag_status"], data["worker_qualified"], data["excellent_practice"]) == ("red", "qualified", False)
    assert data["red_criteria"] == ["red_3", "red_9"] and data["details_red_9"] == "  Last visit was in October.  "
    assert (data["previous_rag"], data["previous_progress"], data["open_alert_id"]) == (None, None, None)


def test_an_amber_notification_gives_where_responsibility_lies(held):
    run, child, _ = held
    data = accepted(run, child, AMBER)
    assert data["criteria"] == [  # in the appendix's order, whatever order they were sent in
        {"code": "amber_1", "text": "No Permanence Option at 2 nd Review", "details": ""},
        {
            "code": "amber_4",
            "text": "Key recommendations of the care plan have not been progressed and "
            "responsibility for action lies with:",
            "details": "Court directions awaited.",
            "responsibility": ["legal_services"],
        },
    ]
    assert data["actions"] == ["written_update_3_months"]
    assert data["worker_qualified"] == "unqualified"


def test_a_green_notification_with_excellent_practice(held):
    run, child, _ = held
    data = accepted(run, child, GREEN)
    assert data["criteria"] == [
        {
            "code": "green_7",
            "text": "Review of arrangements paper work has been consistently "
            "presented to reviews and updated on PROTOCOL",
            "details": "",
        }
    ]
    assert data["actions"] == ["passed_on", "review_in_timescale"]
    assert (data["excellent_practice"], data["excellent_practice_details"]) == (
        True,
        "Outstanding direct work with Alex.",
    )


def test_what_the_form_derives_cannot_be_posted(held):
    run, child, _ = held
    for name, value in (("criteria", []), ("actions", ["passed_on"]), ("previous_rag", "red"), ("open_alert_id", 7)):
        assert run.refused(child, SPEC, **RED, **{name: value}) == {name: "unknown field"}


def test_the_previous_notification_and_the_open_alert_are_read_from_the_case(held):
    run, child, _ = held
    other = run.child(name="Bo Other", case_number="43235")
    some_instance = run.instances_of(child)[0]
    with writing():
        db.session.add_all(
            [
                RagNotification(child_id=child, review_date=date(2023, 8, 1), status=RagStatus.GREEN),
                RagNotification(
                    child_id=child, review_date=date(2023, 11, 1), status=RagStatus.AMBER, progress="limited"
                ),
                # not before this review:
                RagNotification(child_id=child, review_date=date(2024, 2, 1), status=RagStatus.RED),
                RagNotification(child_id=other, review_date=date(2024, 1, 20), status=RagStatus.RED),
                ManagementAlert(
                    child_id=child, instance_id=some_instance, status=AlertStatus.RESOLVED, raised_on=date(2023, 12, 1)
                ),
            ]
        )
    data = accepted(run, child, RED)
    assert (data["previous_rag"], data["previous_progress"], data["open_alert_id"]) == ("amber", "limited", None)

    with writing():
        alert = ManagementAlert(
            child_id=child, instance_id=run.instances_of(child)[1], status=AlertStatus.OPEN, raised_on=date(2024, 1, 15)
        )
        db.session.add(alert)
    assert accepted(run, child, RED)["open_alert_id"] == alert.id


def test_the_page_shows_the_header_statuses_criteria_and_their_details_boxes(held):
    run, child, app = held
    client = app.test_client()
    sign_in(client, "iro1")
    task = run.task(child, SPEC)
    page = client.get(f"/tasks/{task.id}").text
    for fact in (
        "Alex North",
        "Sam North",
        "Tia Manager",
        "North East",
        "Ira One",
        "1 February 2024",
        "4120389A",
        "Qualified SW",
        "Unqualified caseholder",
        "Immediate action is required",
        "Recognition of Excellent Practice",
        'name="amber_responsibility"',
        "A partner agency",
    ):
        assert fact in page, fact
    # each status reveals its own criteria and actions (GOV.UK conditional reveal)
    assert page.count('data-aria-controls="conditional-rag_status') == 3
    for n, status in enumerate(CRITERIA, start=1):
        suffix = "" if n == 1 else f"-{n}"
        reveal = page.split(f'id="conditional-rag_status{suffix}"', 1)[1]
        reveal = reveal.split('<div class="govuk-radios__item">', 1)[0]
        assert f'name="{status}_criteria"' in reveal and f'name="{status}_actions"' in reveal
        assert all(f'name="{other}_criteria"' not in reveal for other in CRITERIA if other != status)
    for criteria in CRITERIA.values():
        for code in criteria:
            assert f'value="{code}"' in page and f'name="details_{code}"' in page
    assert "No permanence option secured by 3 rd Review" in page
    assert "Young Person is not happy in placement \u2013 although" in page
    for status in ACTIONS:
        assert f'name="{status}_actions"' in page

    answers = {k: v for k, v in RED.items() if k != "red_criteria"} | {"amber_criteria": "amber_2"}
    response = submit(client, task.id, page, answers)
    assert response.status_code == 400
    assert "Untick the Amber criteria: this notification is Red" in response.text
    assert "Tick at least one Red criterion" in response.text
    assert run.task(child, SPEC).status == TaskStatus.OPEN
