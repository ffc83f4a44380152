""" "My children": an IRO's caseload (looked after and child protection) and a social worker's
allocated children, with what is due next, the last RAG grade and the open alerts."""

import re
from datetime import date

import pytest
from sqlalchemy import event, select

from service.casework import alerts, my_children
from service.casework import children as cases
from service.db import db, writing
from service.models import HumanTask, RagNotification, RagStatus, TaskStatus
from service.people.accounts import identity, user_by_username
from service.tasks import task_page as tasks
from service.workflow import instances
from tests.support import council
from tests.support.pages import text


def who(username):
    return identity(user_by_username(username).id)


def do(child_id, spec_name, **answers):
    """Complete the child's open task with answers its form accepts."""
    task = db.session.scalars(
        select(HumanTask).where(
            HumanTask.child_id == str(child_id), HumanTask.spec_name == spec_name, HumanTask.status == TaskStatus.OPEN
        )
    ).one()
    checked = tasks.checked_answers(task, answers)
    db.session.rollback()
    instances.complete_task(task.id, checked, actor=task.assignee)


def graded(child_id, review_date, status):
    with writing():
        db.session.add(RagNotification(child_id=child_id, review_date=date.fromisoformat(review_date), status=status))


@pytest.fixture
def caseload(town):
    """Alex North looked after with iro1, her first review due 1 February 2027, graded Red then Amber,
    with an open management alert; Cy West (sw.south's, not looked after) on a plan iro1 chairs, its
    next conference due 1 July 2027. Bo South is iro2's."""
    do(town.north_child, "allocate", iro="iro1")
    west = cases.create_child(
        {"case_number": "CCC000054405PER", "name": "Cy West", "dob": "2015-06-07", "gender": "M"}
        | {"team": "South", "social_worker": "sw.south"},
        actor="test",
    )
    cases.record_event(
        west.id,
        {"type": "cp_plan_started", "date": "2027-04-01", "category": "neglect", "iro": "iro1"},
        actor="test",
    )
    graded(town.north_child, "2027-02-01", RagStatus.RED)
    graded(town.north_child, "2027-03-01", RagStatus.AMBER)
    alerts.request(who("iro1"), town.north_child)
    do(
        town.north_child,
        "raise_alert",
        serious_or_urgent=False,
        summary_of_concerns="Statutory visits have not been undertaken.",
        actions_requested=[{"action": "Visit the child within five working days"}],
        resolve_by="2027-06-30",
    )
    return town


def rows(page):
    """The children's names in the table, in its order."""
    return re.findall(r'href="/children/\d+">([^<]+)</a>', page[page.index("<tbody") :]) if "<tbody" in page else []


@pytest.mark.postgres
def test_an_iros_caseload_shows_next_due_last_rag_and_open_alerts(client, auth, caseload):
    auth.sign_in("iro1")
    page = client.get("/my-children").text
    assert '<a class="govuk-service-navigation__link" href="/my-children" aria-current="page">' in page
    assert "2 children" in page and rows(page) == ["Alex North", "Cy West"]
    plain = text(page)
    assert "Review 1 February 2027" in plain and "Conference 1 July 2027" in plain
    assert "Amber" in plain and "Red" not in plain.split("Last RAG grade", 2)[2]  # the latest grade only
    alex = plain[plain.index("Alex North") : plain.index("Cy West")]
    assert "Looked after" in alex and alex.rstrip().endswith("1")  # one open alert
    cy = plain[plain.index("Cy West") :]
    assert "Child protection" in cy and "Looked after" not in cy and "Not graded" in cy


def test_sorted_and_filtered(client, auth, caseload):
    auth.sign_in("iro1")
    graded(caseload.north_child, "2027-04-01", RagStatus.GREEN)
    do(caseload.north_child, "book_review", review_date="2027-08-02", late_reason="stakeholder_unavailable")
    assert rows(client.get("/my-children").text) == ["Alex North", "Cy West"]
    assert rows(client.get("/my-children?sort=due").text) == ["Cy West", "Alex North"]  # July, then August
    by_rag = client.get("/my-children?sort=rag").text
    assert rows(by_rag) == ["Alex North", "Cy West"] and 'aria-sort="other"' in by_rag  # Green, then none
    assert 'href="/my-children?sort=name"' in by_rag
    assert rows(client.get("/my-children?kind=cp").text) == ["Cy West"]
    assert rows(client.get("/my-children?kind=looked_after").text) == ["Alex North"]
    assert rows(client.get("/my-children?rag=green").text) == ["Alex North"]
    nothing = client.get("/my-children?rag=amber")
    assert "No children match the filters" in nothing.text
    refused = client.get("/my-children?rag=purple")
    assert refused.status_code == 400 and "There is a problem" in refused.text


def test_a_social_worker_sees_their_allocated_children_and_a_manager_has_no_such_page(client, auth, caseload):
    auth.sign_in("sw.south")
    assert rows(client.get("/my-children").text) == ["Bo South", "Cy West"]
    auth.sign_out()
    auth.sign_in("tm.ne")
    assert client.get("/my-children").status_code == 404
    assert 'href="/my-children"' not in client.get("/tasks").text


def test_a_fixed_number_of_queries_whatever_the_caseload(app, caseload):
    def count_for(username):
        person, seen = who(username), []

        def counted(*args):
            seen.append(args)

        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            my_children.my_children(person)
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
        return len(seen)

    before = count_for("iro1")
    for n in range(5):
        child = council._child(f"5{n}00000", f"Extra Child {n}", "NE", "sw.north", "iro1")
        graded(child, "2027-03-01", RagStatus.GREEN)
    assert len(my_children.my_children(who("iro1"))) == 7
    assert count_for("iro1") == before
