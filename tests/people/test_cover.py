"""The cover page: the IROs' managers mark an IRO away with a covering IRO, end it early and move
the away IRO's open tasks in one step; both IROs see it on their worklists, and the child's page
says who covers."""

from datetime import date

import pytest
from sqlalchemy import select

from service.db import db
from service.models import AuditEvent, HumanTask, IroCover, TaskStatus
from service.people import accounts, roles
from service.tasks.cover import set_cover
from tests.support import council
from tests.support.app import RequestClient
from tests.support.pages import NO_DATE, client_for, post_form, text
from tests.web.test_my_children import do, who

# the clock stands at Monday 12 April 2027
AWAY = {"away": "iro1", "covering": "iro2", "from_date": ["12", "4", "2027"], "to_date": ["16", "4", "2027"]}
MANAGERS = {"rqam", "hos.safeguarding"}


@pytest.fixture(autouse=True)
def pages(app):
    """Each request in an app context of its own, as in production (as tests/web/conftest.py does)."""
    app.test_client_class = RequestClient


def covers():
    return db.session.scalars(select(IroCover).where(IroCover.ended_at.is_(None))).all()


def task_of(child_id, spec_name):
    db.session.rollback()
    return db.session.scalars(
        select(HumanTask).where(
            HumanTask.child_id == str(child_id), HumanTask.spec_name == spec_name, HumanTask.status == TaskStatus.OPEN
        )
    ).one()


@pytest.mark.parametrize("username", sorted(council.STAFF))
def test_only_the_iros_managers_set_cover(app, town, username):
    set_cover(who("rqam"), "iro1", "iro2", date(2027, 4, 12), date(2027, 4, 16))
    [cover] = covers()
    client = client_for(app, username)
    manager = username in MANAGERS
    assert client.get("/people/cover").status_code == (200 if manager else 404)
    assert ('href="/people/cover"' in client.get("/tasks").text) == manager
    if not manager:  # with a valid token, from a page they may see
        later = AWAY | {"from_date": ["19", "4", "2027"], "to_date": ["23", "4", "2027"]}
        assert post_form(client, "/people/cover", later, page_url="/tasks").status_code == 404
        for action in ("end", "move-tasks"):
            assert post_form(client, f"/people/cover/{cover.id}/{action}", {}, page_url="/tasks").status_code == 404
        assert [c.id for c in covers()] == [cover.id]


def test_signed_out_the_page_asks_to_sign_in(client, town):
    assert client.get("/people/cover").status_code == 302


def test_cover_set_shows_on_both_worklists_and_the_childs_page_until_ended(app, town):
    manager = client_for(app, "rqam")
    response = post_form(manager, "/people/cover", AWAY)
    assert response.status_code == 302
    page = text(manager.get("/people/cover").text)
    assert "Ira One away Covered by Ira Two From 12 April 2027 To 16 April 2027" in page
    assert "Ira Two covers your work from 12 April 2027 to 16 April 2027." in text(
        client_for(app, "iro1").get("/tasks").text
    )
    assert "You are covering for Ira One until 16 April 2027." in text(client_for(app, "iro2").get("/tasks").text)
    child_page = text(manager.get(f"/children/{town.north_child}").text)
    assert "Cover Ira Two covers for Ira One until 16 April 2027" in child_page
    assert "covers for" not in text(manager.get(f"/children/{town.south_child}").text)  # iro2's own child
    [audited] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "iro_cover_set")).all()
    assert audited.actor == "rqam"

    covering = client_for(app, "iro2")
    assert "Ira Two covers for Ira One" in text(covering.get(f"/children/{town.north_child}").text)  # theirs to work on

    [cover] = covers()
    assert post_form(manager, f"/people/cover/{cover.id}/end", {}, page_url="/people/cover").status_code == 302
    assert covering.get(f"/children/{town.north_child}").status_code == 404
    assert "No IRO is away now or later." in text(manager.get("/people/cover").text)
    assert "covers your work" not in text(client_for(app, "iro1").get("/tasks").text)
    assert "covers for" not in text(manager.get(f"/children/{town.north_child}").text)


def test_a_future_cover_is_announced_to_the_cover(app, town):
    post_form(
        client_for(app, "hos.safeguarding"),
        "/people/cover",
        AWAY | {"from_date": ["19", "4", "2027"], "to_date": ["23", "4", "2027"]},
    )
    covering = client_for(app, "iro2")
    assert "You will cover for Ira One from 19 April 2027 to 23 April 2027." in text(covering.get("/tasks").text)
    assert covering.get(f"/children/{town.north_child}").status_code == 404  # not yet


def test_the_away_iros_open_tasks_move_to_the_cover_in_one_step(app, town):
    do(town.north_child, "allocate", iro="iro1")  # iro1 now has the booking of Alex's first review
    manager = client_for(app, "rqam")
    post_form(manager, "/people/cover", AWAY)
    assert task_of(town.north_child, "book_review").assignee == "iro1"  # open tasks stay until moved
    page = text(manager.get("/people/cover").text)
    assert "Move 1 open task of Ira One to Ira Two" in page
    [cover] = covers()
    assert post_form(manager, f"/people/cover/{cover.id}/move-tasks", {}, page_url="/people/cover").status_code == 302
    moved = task_of(town.north_child, "book_review")
    assert moved.assignee == "iro2"
    [audited] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "task_reassigned")).all()
    assert (audited.actor, audited.human_task_id) == ("rqam", moved.id)
    assert "Move 1 open task" not in text(manager.get("/people/cover").text)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"from_date": ["17", "4", "2027"]}, "The last day away must be the same as or after the first day away"),
        ({"covering": "sw.north"}, "Choose an IRO to cover: sw.north is not an IRO"),
        ({"away": "tm.ne"}, "Choose an IRO who is away: tm.ne is not an IRO"),
        ({"covering": "iro1"}, "Choose an IRO other than the one who is away"),
        (
            {"to_date": ["9", "4", "2027"], "from_date": ["5", "4", "2027"]},
            "The last day away must be today or in the future",
        ),
        ({"to_date": NO_DATE}, "Enter the last day away"),
        ({"from_date": ["31", "2", "2027"]}, "First day away must be a real date"),
    ],
)
def test_bad_cover_is_refused_with_a_message_and_changes_nothing(app, town, changes, message):
    manager = client_for(app, "rqam")
    response = post_form(manager, "/people/cover", AWAY | changes)
    assert response.status_code == 400
    assert message in text(response.text)
    assert covers() == []


def test_cover_overlapping_or_by_someone_away_then_is_refused(app, town):
    manager = client_for(app, "rqam")
    post_form(manager, "/people/cover", AWAY)
    again = post_form(
        manager, "/people/cover", AWAY | {"from_date": ["16", "4", "2027"], "to_date": ["20", "4", "2027"]}
    )
    assert "Ira One already has cover on some of these days" in text(again.text)
    cover_away = post_form(manager, "/people/cover", AWAY | {"away": "iro2", "covering": "iro1"})
    assert cover_away.status_code == 400
    assert "Ira One is away themselves on some of these days" in text(cover_away.text)
    assert len(covers()) == 1


def test_an_iro_covering_someone_cannot_be_away_then(app, town):
    third = accounts.create_user("iro3", "Ivy Three", "iro3@council.example")
    accounts.grant(third, roles.IRO)
    manager = client_for(app, "rqam")
    post_form(manager, "/people/cover", AWAY)
    refused = post_form(manager, "/people/cover", AWAY | {"away": "iro2", "covering": "iro3"})
    assert refused.status_code == 400
    assert "Ira Two covers another IRO on some of these days" in text(refused.text)
    assert len(covers()) == 1
