"""Every route and API endpoint, for every role: the status each may get, and that a
guessed id leaks nothing. A route the table does not know fails the test, so a new
route cannot arrive without its access rule."""

import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from service.casework import alerts
from service.db import db, writing
from service.demo import child_views as demo_child_views
from service.models import (
    Child,
    ChildViewsFile,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    CpEpisode,
    CpEpisodeStatus,
    HumanTask,
    IroCover,
    LinkPurpose,
    ManagementAlert,
    OutboxMessage,
    Review,
    ReviewStatus,
)
from service.people import tokens
from service.people.accounts import identity, user_by_username
from service.tasks import cover
from service.tasks import task_page as tasks
from service.voices import child_views, feedback, iro_contact, limits, links, own_page
from service.workflow import clock, instances
from tests.support import council
from tests.support.app import RequestClient

pytestmark = pytest.mark.slow  # every route for every role: minutes, left out by `make test-fast`

# who sees Alex North (team NE, area North, IRO iro1, social worker sw.north) and her task
SEES_NORTH = {
    "iro1",
    "sw.north",
    "tm.ne",
    "ism.north",
    "hos.north",
    "rqam",
    "hos.safeguarding",
    "ad",
    "director",
    "ceo",
}
SERVICE_WIDE = {"rqam", "hos.safeguarding", "ad", "director", "ceo"}
OWN_PAGE = {"iro1", "sw.north", "tm.ne", "rqam"}  # who prepares Alex North's own page (docs/domain.md V3)
EVERYONE = set(council.STAFF)
NOT_NORTH = EVERYONE - SEES_NORTH


# the process owner's pages, for the owner (everyone else gets 404), with significant_change.bpmn version 1
PROCESS_OWNER_ROUTES = {
    ("/processes", "GET"): 200,
    ("/processes/upload", "POST"): 400,  # no file
    ("/processes/<file_name>", "GET"): 200,
    ("/processes/<file_name>/edit", "GET"): 200,
    ("/processes/<file_name>/validate", "POST"): 400,  # no diagram
    ("/processes/<file_name>/deploy", "POST"): 400,  # no diagram
    ("/processes/<file_name>/migrate", "POST"): 302,  # nothing to migrate: back to the process page
    ("/processes/<file_name>/versions/<int:number>", "GET"): 200,
    ("/processes/<file_name>/versions/<int:number>/download", "GET"): 200,
    ("/processes/<file_name>/versions/<int:number>/rollback", "POST"): 302,  # refused: it is the newest
    ("/instances/<int:instance_id>/migrate", "POST"): 302,  # refused: it runs on the newest already
}


def expected(rule: str, method: str, username: str | None) -> int:
    """The status `username` (None: not signed in) gets for one route with the north child's ids."""
    if rule.startswith("/api/"):
        return 0  # the API is for systems with tokens, below
    if rule in ("/static/<path:filename>", "/assets/<path:filename>"):
        return 0
    if rule == "/l/<token>":
        return 302  # an open link opens its page for whoever holds it: nobody needs an account
    if rule.startswith("/p/"):
        return 404  # a public page needs its link's session, whoever is signed in (test_public_sessions)
    if rule == "/calendar/feed/<token>.ics":
        return 404  # only a feed's own secret opens it; this token is a public link's, not a feed's
    if rule == "/sign-in":
        return 302 if username and method == "GET" else 200  # a signed-in person goes to their tasks
    if username is None:
        return 302  # to the sign-in page
    if rule in ("/", "/sign-out", "/notifications/read", "/account/sign-out-everywhere"):
        return 302
    if rule.startswith("/people/cover"):
        if username not in {"rqam", "hos.safeguarding"}:
            return 404  # the Review and QA Manager and the Head of Safeguarding set cover
        if method == "GET":
            return 200
        return 400 if rule == "/people/cover" else 302  # an empty form is refused; ending, moving: back
    if rule == "/calendar":
        return 200  # the bookings of the children each person sees
    if rule in ("/account/calendar-feed", "/account/calendar-feed/off"):
        return 302  # everyone's own feed, back to their account
    if rule == "/search":
        return 200  # finds only the children this person sees (tests/web/test_search.py)
    if rule == "/my-children":
        return 200 if username in {"iro1", "iro2", "sw.north", "sw.south"} else 404  # a caseload of their own
    if rule == "/alerts/raised":
        return 200 if username in {"iro1", "iro2"} else 404  # an IRO's own alerts
    if rule == "/notifications/<int:message_id>/read":
        return 302 if username == "rqam" else 404  # the notice (rqam's) is marked read by its reader only
    if rule == "/account":
        return 200  # everyone's own account
    if rule == "/account/contact":
        return 302 if username in {"iro1", "iro2"} else 404  # an IRO's phone and photo for children; none given
    if rule == "/account/photo":
        return 200 if username == "iro1" else 404  # an IRO's own photo: iro1 gave one
    if rule == "/account/password":
        return 400  # an empty form
    if rule in ("/tasks", "/tasks/unassigned", "/notifications", "/alerts"):
        return 200  # "Alerts for me" is empty for whoever receives no alert
    if rule in (
        "/reports/reviews",
        "/reports/ssda903-reviews.csv",
        "/reports/alerts",
        "/reports/alerts.csv",
        "/reports/rag",
        "/reports/rag.csv",
        "/reports/child-protection",
        "/reports/caseloads",
        "/reports/participation",
    ):
        return 200 if username in SERVICE_WIDE else 404  # service-wide managers only
    if rule == "/reports/feedback":
        return 200 if username in SERVICE_WIDE | {"bsm"} else 404  # anonymous figures: also the minute takers' manager
    if rule.startswith("/conferences/<int:conference_id>/feedback"):
        # its chair (an IRO who sees the child), its minute taker, the Business Support Manager and the
        # Review and QA Manager; an empty form is refused
        return (200 if method == "GET" else 400) if username in {"iro1", "minutes", "bsm", "rqam"} else 404
    if rule == "/reports/minutes-backlog":
        return 200 if username in {"bsm", "rqam"} else 404  # the minute takers' manager and the Review and QA Manager
    if rule.startswith("/mail/undelivered"):
        # the Review and QA Manager's; the notice in the table is not undelivered, so sending it again is refused
        # with a message on the list, as is sending all again with nothing undelivered
        return (200 if method == "GET" else 302) if username == "rqam" else 404
    if rule.startswith("/processes") or rule == "/instances/<int:instance_id>/migrate":
        return PROCESS_OWNER_ROUTES[(rule, method)] if username == "owner" else 404
    if rule == "/instances/<int:instance_id>":
        return 200 if username == "owner" or username in SEES_NORTH else 404
    if username not in SEES_NORTH:
        return 404  # as for an id that does not exist
    return {
        ("/tasks/<int:task_id>", "GET"): 200,
        ("/tasks/<int:task_id>", "POST"): 400 if username == "iro1" else 404,  # an empty form; only iro1 may act
        ("/children/<int:child_id>", "GET"): 200,
        ("/children/<int:child_id>/significant-change", "GET"): 200,
        ("/children/<int:child_id>/significant-change", "POST"): 400,  # an empty form
        # only rqam records it, and is sent back to the case page: the north child is looked after already
        ("/children/<int:child_id>/looked-after", "GET"): 302 if username == "rqam" else 404,
        ("/children/<int:child_id>/looked-after", "POST"): 302 if username == "rqam" else 404,
        ("/children/<int:child_id>/ceased", "GET"): 200 if username in {"sw.north", "rqam"} else 404,
        ("/children/<int:child_id>/ceased", "POST"): 400 if username in {"sw.north", "rqam"} else 404,
        ("/children/<int:child_id>/bring-review-forward", "GET"): 200 if username == "iro1" else 404,
        ("/children/<int:child_id>/bring-review-forward", "POST"): 400 if username == "iro1" else 404,
        # the child's social worker, their Team Manager or the Review and QA Manager records a strategy discussion
        ("/children/<int:child_id>/strategy-discussion", "GET"): 200
        if username in {"sw.north", "tm.ne", "rqam"}
        else 404,
        ("/children/<int:child_id>/strategy-discussion", "POST"): 400
        if username in {"sw.north", "tm.ne", "rqam"}
        else 404,
        # the child's social worker, Team Manager or the Review and QA Manager; an empty list is saved
        ("/children/<int:child_id>/siblings", "GET"): 200 if username in {"sw.north", "tm.ne", "rqam"} else 404,
        ("/children/<int:child_id>/siblings", "POST"): 302 if username in {"sw.north", "tm.ne", "rqam"} else 404,
        # the social worker or the Review and QA Manager, sent back to the case page: Alex North is born
        ("/children/<int:child_id>/birth", "GET"): 302 if username in {"sw.north", "rqam"} else 404,
        ("/children/<int:child_id>/birth", "POST"): 302 if username in {"sw.north", "rqam"} else 404,
        # only an IRO who sees the child raises an alert, and is sent to its form
        ("/children/<int:child_id>/management-alert", "POST"): 302 if username == "iro1" else 404,
        # an alert is seen by whoever sees its child; it was not referred to CAFCASS, so there is no letter
        # whether her social worker is qualified: her team's Team Manager or the Review and QA Manager
        ("/children/<int:child_id>/social-worker-qualified", "GET"): 200 if username in {"tm.ne", "rqam"} else 404,
        ("/children/<int:child_id>/social-worker-qualified", "POST"): 400 if username in {"tm.ne", "rqam"} else 404,
        # a booking's calendar file: whoever sees the child; the conference is held, so no longer booked
        ("/reviews/<int:review_id>.ics", "GET"): 200,
        ("/conferences/<int:conference_id>.ics", "GET"): 404,
        # a public link of the child is withdrawn by whoever sees the child
        ("/links/<int:link_id>/withdraw", "POST"): 302,
        # the child's own page: their IRO, social worker, Team Manager and the Review and QA Manager
        ("/children/<int:child_id>/own-page", "GET"): 200 if username in OWN_PAGE else 404,
        ("/children/<int:child_id>/own-page", "POST"): 200 if username in OWN_PAGE else 404,  # no form named
        # the child's views: their IRO and the Review and QA Manager, and the social worker as the child agreed
        ("/children/<int:child_id>/views/<int:views_id>/files/<int:file_id>", "GET"): 200
        if username in {"iro1", "rqam", "sw.north"}
        else 404,
        # a conference's invitation letters: whoever sees a child it is about
        ("/conferences/<int:conference_id>/invitations", "GET"): 200,
        ("/alerts/<int:alert_id>", "GET"): 200,
        ("/alerts/<int:alert_id>/form", "GET"): 200,
        ("/alerts/<int:alert_id>/cafcass-letter", "GET"): 404,
        # refused with a message on the task page: it is iro1's already, and only iro1 can give it back
        ("/tasks/<int:task_id>/claim", "POST"): 302,
        ("/tasks/<int:task_id>/release", "POST"): 302,
        ("/tasks/<int:task_id>/reassign", "POST"): 302
        if username in {"tm.ne", "ism.north", "hos.north", *SERVICE_WIDE}
        else 404,
    }[(rule, method)]


@pytest.fixture
def town(app, monkeypatch):
    app.config["WTF_CSRF_ENABLED"] = False  # access, not CSRF, is what this table checks
    monkeypatch.setattr(limits, "LIMITS", {"bad_link": 10_000, "post": 10_000})  # nor rate limits
    app.test_client_class = RequestClient
    return council.build()


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.rule, method


def fill(rule, ids: dict) -> str:
    """The rule's path with the ids given (and a process file, version and attendee for the routes that take them)."""
    ids = {"file_name": "significant_change.bpmn", "number": 1, "person": 0, **ids}
    return re.sub(r"<(?:[^>:]*:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule)


@pytest.fixture
def north(town) -> dict:
    """The north child's ids for every kind of route: a task, an alert, a conference held, her own
    page's link and views, a notice."""
    council.report_change(town.north_child)
    task_id = _north_task()
    instance_id = db.session.get(HumanTask, task_id).instance_id
    return {
        "child_id": town.north_child,
        "task_id": task_id,
        "alert_id": _north_alert(town.north_child),
        "instance_id": instance_id,
        "message_id": db.session.scalar(select(OutboxMessage.id).limit(1)),
        "conference_id": _north_conference(town.north_child, instance_id),
        **_north_public(town.north_child, instance_id),
    }


def test_every_page_for_every_role(app, town, north):
    task_id = north["task_id"]
    table = {}
    for username in [None, *sorted(EVERYONE)]:
        for rule, method in routes(app):
            want = expected(rule, method, username)
            if not want:
                continue
            _give_back_to_iro1(task_id)  # a reassignment in the table must not change the next row
            _cover_again(north["cover_id"])  # nor a cover ended
            client = app.test_client()
            if username:
                client.post("/sign-in", data={"username": username, "password": council.PASSWORD})
            data = {"assignee": "iro2"} if rule.endswith("reassign") else {}
            url = fill(rule, north)
            response = client.get(url) if method == "GET" else client.post(url, data=data)
            table[(username, method, rule)] = (response.status_code, want)
            if response.status_code == 404:
                assert "Alex North" not in response.text and "4120389A" not in response.text
    wrong = {key: got for key, got in table.items() if got[0] != got[1]}
    assert wrong == {}


def _cover_again(cover_id):
    with writing():
        db.session.execute(update(IroCover).where(IroCover.id == cover_id).values(ended_at=None))


def _give_back_to_iro1(task_id):
    with writing():
        db.session.execute(update(HumanTask).where(HumanTask.id == task_id).values(assignee="iro1"))


def _north_conference(child_id, instance_id):
    """A conference about the north child held yesterday, chaired by iro1 and minuted by `minutes`: the
    rows the child protection diagram writes, on an instance about her (tests/web/test_conference_pages.py
    drives the diagram itself)."""
    yesterday = clock.now().date() - timedelta(days=1)
    with writing():
        episode = CpEpisode(child_id=child_id, instance_id=instance_id, status=CpEpisodeStatus.ENQUIRY)
        db.session.add(episode)
        db.session.flush()
        conference = Conference(
            episode_id=episode.id,
            instance_id=instance_id,
            kind=ConferenceKind.INITIAL,
            number=0,
            status=ConferenceStatus.HELD,
            booked_date=yesterday,
            held_on=yesterday,
            venue="Civic Centre",
            invitees=[{"name": "Pat North", "who": "parent_carer"}],
            attendance=[{"name": "Pat North", "who": "parent_carer", "attended": True}],
            chair_id=user_by_username("iro1").id,
            minute_taker_id=user_by_username("minutes").id,
        )
        db.session.add(conference)
        db.session.flush()
        return conference.id


def _north_public(child_id, instance_id) -> dict:
    """Alex North's own page link, views she sent through it with a drawing (shared with her social
    worker), a link to withdraw, and iro1's photo: the ids the public and own-page routes take."""
    with writing():  # her next review, as the review cycle records it once her IRO is allocated
        due = clock.now().date() + timedelta(days=30)
        review = Review(
            child_id=child_id,
            instance_id=instance_id,
            number=1,
            due_date=due,
            booked_date=due,
            status=ReviewStatus.BOOKED,
        )
        db.session.add(review)
        db.session.flush()
        review_id = review.id
    child = db.session.get(Child, child_id)
    page_link = own_page.make_link(child, "carer", actor="iro1")
    drawing = demo_child_views.drawing_png(random.Random(1))
    views = child_views.send(page_link.link.id, {"going_well": "School", "share": "yes"}, child_views.Upload(drawing))
    iro_contact.set_photo(user_by_username("iro1").id, drawing, actor="iro1")
    other = links.create(LinkPurpose.CHILD_PAGE, child_id=child_id, for_person="their advocate", actor="iro1")
    file_id = db.session.scalar(select(ChildViewsFile.id).where(ChildViewsFile.views_id == views.id))
    first = clock.now().date() + timedelta(days=10)  # iro1 away later on: nobody's access changes today
    rqam = identity(user_by_username("rqam").id)
    cover_id = cover.set_cover(rqam, "iro1", "iro2", first, first + timedelta(days=7))
    return {
        "cover_id": cover_id,
        "token": page_link.token,
        "link_id": other.link.id,
        "views_id": views.id,
        "file_id": file_id,
        "review_id": review_id,
    }


def _north_task():
    return db.session.scalar(select(HumanTask.id).where(HumanTask.spec_name == "consider_change"))


def _north_alert(child_id):
    """A management alert for the north child, raised by iro1 through the alert's own form."""
    raise_task = db.session.get(HumanTask, alerts.request(identity(user_by_username("iro1").id), child_id))
    answers = tasks.checked_answers(
        raise_task,
        {"summary_of_concerns": "Drift.", "resolve_by": "2027-05-12", "actions_requested": [{"action": "A plan"}]},
    )
    db.session.rollback()
    instances.complete_task(raise_task.id, answers, actor="iro1")
    return db.session.scalar(select(ManagementAlert.id).where(ManagementAlert.child_id == child_id))


def test_the_api_wants_a_token_everywhere_but_health_and_its_document(app, town):
    token = tokens.create("matrix")
    client = app.test_client()
    for rule, method in routes(app):
        if not rule.startswith("/api/"):
            continue
        url = fill(rule, {"child_id": town.north_child, "task_id": 1, "alert_id": 1})
        bare = client.open(url, method=method, json={})
        if rule in ("/api/v1/health", "/api/v1/openapi.json"):
            assert bare.status_code == 200, rule
            continue
        assert bare.status_code == 401, (method, rule, bare.status_code)
        signed = client.open(url, method=method, json={}, headers={"Authorization": f"Bearer {token}"})
        assert signed.status_code not in (401, 500), (method, rule, signed.status_code)


def expected_with_link(rule: str, method: str, purpose: LinkPurpose) -> int:
    """The status a browser holding an open link (and no account) gets: its own page, nothing else."""
    if rule.startswith("/api/") or rule in ("/static/<path:filename>", "/assets/<path:filename>"):
        return 0
    if rule == "/l/<token>":
        return 302
    if rule == "/sign-in":
        return 200
    if rule == "/calendar/feed/<token>.ics":
        return 404  # a feed's own secret only
    if rule.startswith("/p/my-page"):
        if purpose is not LinkPurpose.CHILD_PAGE:
            return 404  # "This link does not work": the session's link is for another page
        return 400 if method == "POST" else 200  # an empty form: "Can your social worker see..." is needed
    if rule.startswith("/p/feedback"):
        if purpose is not LinkPurpose.CONFERENCE_FEEDBACK:
            return 404
        return 400 if method == "POST" else 200  # an empty form: "Answer at least one question"
    if rule.startswith("/p/"):
        raise AssertionError(f"{rule}: a public page this table does not know")
    return 302  # every staff page: to the sign-in page, as for a stranger


def test_a_link_opens_its_one_public_page_and_no_staff_page(app, town, north):
    wrong = {}
    feedback_token = feedback.make_link(north["conference_id"], 0, actor="iro1").token
    for purpose, token in ((LinkPurpose.CHILD_PAGE, north["token"]), (LinkPurpose.CONFERENCE_FEEDBACK, feedback_token)):
        for rule, method in routes(app):
            want = expected_with_link(rule, method, purpose)
            if not want:
                continue
            client = app.test_client()
            assert client.get(f"/l/{token}").status_code == 302
            url = fill(rule, {**north, "child_id": town.south_child})  # another child's pages too
            response = client.get(url) if method == "GET" else client.post(url, data={})
            if response.status_code != want:
                wrong[(purpose.value, method, rule)] = (response.status_code, want)
            if response.status_code == 302 and rule != "/l/<token>":
                assert response.location.startswith("/sign-in"), (method, rule)
            assert b"Bo South" not in response.data and b"43235" not in response.data
    assert wrong == {}
