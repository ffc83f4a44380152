"""The review lifecycle's task pages: what the IRO and the Review and QA Manager see and post."""

import re

import pytest

from forms.review import MAX_DECISIONS
from service.models import TaskStatus
from tests.support.app import RequestClient
from tests.support.lifecycle import Life
from tests.support.pages import sign_in, submit, token


@pytest.fixture
def life(app_factory):
    app = app_factory()
    app.test_client_class = RequestClient
    with app.app_context():
        run = Life(app, False, "2024-01-07")
        child = run.child(dob="2012-03-04")
        run.on("2024-01-08")
        run.looked_after(child, "2024-01-08")
        yield run, child, app.test_client()


def test_the_allocation_meeting_sees_iros_by_caseload_and_the_choice_takes_effect(life):
    run, child, client = life
    sign_in(client, "rqam")
    task = run.task(child, "allocate")
    page = client.get(f"/tasks/{task.id}").text
    assert re.findall(r'value="(iro\d)"', page) == ["iro1", "iro2"]
    assert "Ira One (0 children, 0 per FTE)" in page
    response = submit(client, task.id, page, {"iro": "iro2", "allocation_note": ""})
    assert response.status_code == 302
    assert run.episode(child).allocation_met is True
    assert run.task(child, "book_review").assignee == "iro2"


def test_the_review_form_takes_decision_rows_and_refuses_a_code_that_does_not_fit_the_age(life):
    run, child, client = life
    task, page = _the_review(run, child, client)
    assert "No management alerts have been raised since the last review." in page
    assert 'name="decisions-0-text"' in page and "Decision 1" in page and "Decision 2" not in page
    assert "Add another decision" in page and 'name="remove_row"' not in page
    answers = {
        "outcome": "held",
        "held_on": ["01", "02", "2024"],
        "attendees": "Alex\nSam North",
        "participation_code": "PN0",
        "decisions-0-text": "School place",
        "decisions-0-owner": "Sam North",
        "decisions-0-due": ["01", "03", "2024"],
        "decisions-0-starred": "y",
        "decisions-0-category": "accessing_resources",
    }
    refused = submit(client, task.id, page, answers)
    assert refused.status_code == 400
    assert "PN0 is only for a child under 4; the child was 11 on the review date" in refused.text
    assert (
        submit(client, task.id, token_page(client, task.id), {**answers, "participation_code": "PN1"}).status_code
        == 302
    )
    [held, _] = run.reviews(child)
    assert held.decisions == [
        {
            "text": "School place",
            "owner": "Sam North",
            "due": "2024-03-01",
            "starred": True,
            "category": "accessing_resources",
        }
    ]


def token_page(client, task_id):
    page = client.get(f"/tasks/{task_id}").text
    assert token(page)
    return page


def test_a_draft_of_the_review_keeps_its_decision_rows(life):
    run, child, client = life
    run.do(child, "allocate", iro="iro1")
    sign_in(client, "iro1")
    task = run.task(child, "book_review")
    page = client.get(f"/tasks/{task.id}").text
    run.do(child, "book_review", review_date="2024-02-01")
    run.do(child, "record_contact", contact_date="2024-01-08", contact_method="visit")
    run.do(child, "review_report", report_summary="Fine.")
    task = run.task(child, "hold_review")
    page = client.get(f"/tasks/{task.id}").text
    draft = {
        "outcome": "held",
        "attendees": "Alex",
        **_rows(*[f"Step {n}" for n in range(1, 11)]),
        "action": "draft",
        "csrf_token": token(page),
    }
    assert client.post(f"/tasks/{task.id}", data=draft).status_code == 302
    again = client.get(f"/tasks/{task.id}").text
    assert _texts(again) == [f"Step {n}" for n in range(1, 11)] + [""]  # all ten, then a blank row
    assert 'value="2024"' in again and "Decision 11" in again


def test_a_missing_report_is_put_before_the_iro_grading_the_care_plan(life):
    run, child, client = life
    run.do(child, "allocate", iro="iro1")
    run.do(child, "book_review", review_date="2024-02-01")
    run.do(child, "record_contact", contact_date="2024-01-08", contact_method="visit")
    run.on("2024-02-01", hour=15)  # no report by the meeting day
    run.do(
        child,
        "hold_review",
        outcome="held",
        held_on="2024-02-01",
        attendees="Alex",
        participation_code="PN1",
        decisions=[{"text": "Chase the report", "owner": "Team Manager", "due": "2024-02-08"}],
    )
    sign_in(client, "iro1")
    page = client.get(f"/tasks/{run.task(child, 'grade_care_plan').id}").text
    assert "The social worker&#39;s report for this review was missing" in page


def test_the_allocation_suggests_the_cp_iro_then_a_siblings_iro_then_the_lightest_caseload_per_fte(life):
    run, child, client = life
    sign_in(client, "rqam")
    assert _offered(client, run.task(child, "allocate")) == ["iro1", "iro2"]  # no caseloads yet: by name

    run.do(child, "allocate", iro="iro1")  # iro1 now has one looked-after child, iro2 none
    second = run.child(name="Cy Second", case_number="5120389B")
    run.looked_after(second, "2024-01-08")
    assert _offered(client, run.task(second, "allocate")) == ["iro2", "iro1"]

    sibling = run.child(name="Di Sibling", case_number="6120389C", siblings=[child])
    run.looked_after(sibling, "2024-01-08")
    page = client.get(f"/tasks/{run.task(sibling, 'allocate').id}").text
    assert _offered(client, run.task(sibling, "allocate")) == ["iro1", "iro2"]
    assert "Ira One (siblings&#39; IRO; 1 children, 1 per FTE)" in page

    protected = run.child(name="Ed Plan", case_number="7120389D")
    run.event(protected, "cp_plan_started", "2024-01-08", category="neglect", iro="iro2")
    run.looked_after(protected, "2024-01-08")
    page = client.get(f"/tasks/{run.task(protected, 'allocate').id}").text
    assert _offered(client, run.task(protected, "allocate")) == ["iro2", "iro1"]
    assert "Ira Two (child protection IRO;" in page


def _offered(client, task):
    return re.findall(r'value="(iro\d)"', client.get(f"/tasks/{task.id}").text)


HELD = {"outcome": "held", "held_on": ["01", "02", "2024"], "attendees": "Alex", "participation_code": "PN1"}


def _the_review(run, child, client):
    """The IRO at the review task on the day of the review: (the task, its page)."""
    run.do(child, "allocate", iro="iro1")
    run.do(child, "book_review", review_date="2024-02-01")
    run.do(child, "record_contact", contact_date="2024-01-08", contact_method="visit")
    run.do(child, "review_report", report_summary="Fine.")
    run.on("2024-02-01", hour=15)
    sign_in(client, "iro1")
    task = run.task(child, "hold_review")
    return task, client.get(f"/tasks/{task.id}").text


def _rows(*texts) -> dict:
    """Decision rows as the page posts them, one per text."""
    rows = {}
    for i, text in enumerate(texts):
        rows |= {
            f"decisions-{i}-text": text,
            f"decisions-{i}-owner": "Sam North" if text else "",
            f"decisions-{i}-due": ["01", "03", "2024"] if text else ["", "", ""],
        }
    return rows


def _texts(page) -> list[str]:
    """The decision boxes the page shows, in order, with what is in them."""
    indices = re.findall(r'<input[^>]*name="decisions-(\d+)-text"[^>]*>', page)
    assert indices == [str(i) for i in range(len(indices))], "rows are numbered from 0 with no gaps"
    return [
        value[0] if (value := re.findall(r'value="([^"]*)"', box)) else ""
        for box in re.findall(r'<input[^>]*name="decisions-\d+-text"[^>]*>', page)
    ]


def _press(client, task_id, page, answers, **button):
    """Post the form as it was on `page` with one of its row buttons (add_row or remove_row)."""
    version = re.search(r'name="instance_version" value="(\d+)"', page).group(1)
    return client.post(
        f"/tasks/{task_id}", data={**answers, **button, "csrf_token": token(page), "instance_version": version}
    )


def test_add_another_decision_keeps_the_answers_shows_one_more_row_and_completes_nothing(life):
    run, child, client = life
    task, page = _the_review(run, child, client)
    assert _texts(page) == [""]
    answers = {"outcome": "held", "attendees": "Alex", **_rows("School place")}  # the blank row filled in
    added = _press(client, task.id, page, answers, add_row="decisions")
    assert added.status_code == 200
    assert _texts(added.text) == ["School place", ""] and "Decision 2" in added.text
    assert "Alex</textarea>" in added.text and 'value="held" checked' in added.text
    assert "There is a problem" not in added.text and "govuk-error-message" not in added.text
    assert re.findall(r'value="(\d+)" name="remove_row"', added.text) == ["0"]  # a Remove button on the filled row

    again = _press(client, task.id, added.text, {**answers, **_rows("School place", "")}, add_row="decisions")
    assert _texts(again.text) == ["School place", "", ""]  # one more blank row, even with one unused
    assert run.task_status(task.id) == TaskStatus.OPEN and run.reviews(child)[0].held_on is None


def test_removing_a_decision_keeps_the_others_in_order(life):
    run, child, client = life
    task, page = _the_review(run, child, client)
    answers = {**HELD, **_rows("First", "Second", "Third", "")}
    removed = _press(client, task.id, page, answers, remove_row="1")
    assert removed.status_code == 200 and "There is a problem" not in removed.text
    assert _texts(removed.text) == ["First", "Third", ""]
    assert _texts(_press(client, task.id, page, answers, remove_row="x").text) == ["First", "Second", "Third", ""]
    assert submit(client, task.id, removed.text, {**HELD, **_rows("First", "Third", "")}).status_code == 302
    [held, _] = run.reviews(child)
    assert [d["text"] for d in held.decisions] == ["First", "Third"]


def test_a_long_review_records_every_decision_and_a_post_over_the_cap_is_refused(life):
    run, child, client = life
    task, page = _the_review(run, child, client)
    too_many = [f"Decision text {n}" for n in range(MAX_DECISIONS + 1)]
    refused = submit(client, task.id, page, {**HELD, **_rows(*too_many)})
    assert refused.status_code == 400 and f"Enter {MAX_DECISIONS} decisions or fewer" in refused.text
    assert "Add another decision" not in refused.text  # no room for more
    assert (
        run.refused(
            child,
            "hold_review",
            outcome="held",
            held_on="2024-02-01",
            attendees="Alex",
            participation_code="PN1",
            decisions=[{"text": text, "owner": "Sam", "due": "2024-03-01"} for text in too_many],
        )["decisions"]
        == f"Enter {MAX_DECISIONS} decisions or fewer"
    )

    twelve = [f"Step {n}" for n in range(1, 13)]
    assert submit(client, task.id, token_page(client, task.id), {**HELD, **_rows(*twelve, "")}).status_code == 302
    [held, _] = run.reviews(child)
    assert [d["text"] for d in held.decisions] == twelve


def test_the_api_records_a_review_with_more_decisions_than_the_page_used_to_show(life):
    run, child, client = life
    _the_review(run, child, client)
    decisions = [{"text": f"Step {n}", "owner": "Sam North", "due": "2024-03-01"} for n in range(1, 13)]
    run.do(
        child,
        "hold_review",
        outcome="held",
        held_on="2024-02-01",
        attendees="Alex",
        participation_code="PN1",
        decisions=decisions,
    )
    [held, _] = run.reviews(child)
    assert [d["text"] for d in held.decisions] == [d["text"] for d in decisions]


def test_held_and_adjourned_each_reveal_their_own_questions_and_the_server_still_checks_them(life):
    run, child, client = life
    task, page = _the_review(run, child, client)
    assert 'data-module="govuk-radios"' in page
    held = page.split('id="conditional-outcome"', 1)[1].split('id="conditional-outcome-2"', 1)[0]
    adjourned = page.split('id="conditional-outcome-2"', 1)[1]
    assert 'data-aria-controls="conditional-outcome"' in page and 'data-aria-controls="conditional-outcome-2"' in page
    assert all(f'name="{name}' in held for name in ("held_on", "attendees", "participation_code", "decisions-0-text"))
    assert 'name="adjourn_reason"' not in held and 'name="new_date"' not in held
    assert 'name="adjourn_reason"' in adjourned and 'name="new_date"' in adjourned and 'name="held_on' not in adjourned

    refused = submit(client, task.id, page, {"outcome": "adjourned", "attendees": "Alex"})
    assert refused.status_code == 400
    assert "Say why the review was adjourned" in refused.text and "Enter the new date of the review" in refused.text
    refused = submit(client, task.id, page, {**HELD})
    assert refused.status_code == 400 and "Enter at least one decision" in refused.text
    assert run.task_status(task.id) == TaskStatus.OPEN and run.reviews(child)[0].held_on is None
