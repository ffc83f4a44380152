"""Parents' feedback after a conference (docs/domain.md V2): a parent's link takes one answer, then
says it has been used; staff type a paper form; the answers keep nobody's name or link; and only
the conference's chair and minute taker, the Business Support Manager and the Review and QA Manager
gather it."""

import pytest
from sqlalchemy import select

from service.db import db
from service.models import AuditEvent, FeedbackResponse, LinkPurpose, PublicLink
from service.voices import links
from tests.support.app import RequestClient
from tests.support.feedback import PARENT, held_conference, link_for_parent
from tests.support.pages import client_for, text, token

TOKEN = "test-feedback-token-for-pat-north-0001"
CHILD_TOKEN = "test-child-page-token-for-ann-north-01"
ANSWERS = {"relationship": "mother", "chair_before": "yes", "understands_change": "quite_well", "comment": "Kind chair"}


@pytest.fixture
def held(app_factory):
    app = app_factory()
    app.test_client_class = RequestClient
    with app.app_context():
        run, child, conference_id = held_conference(app)
        yield app, run, child, conference_id


def _open(app, conference_id):
    """A parent's phone that has opened their new link."""
    link_for_parent(conference_id, TOKEN)
    phone = app.test_client()
    assert phone.get(f"/l/{TOKEN}").location == "/p/feedback"
    return phone


def _send(phone, answers):
    page = phone.get("/p/feedback").text
    return phone.post("/p/feedback", data={**answers, "csrf_token": token(page)})


def test_a_parent_answers_once_then_the_link_says_it_has_been_used(held):
    app, _run, _child, conference_id = held
    phone = _open(app, conference_id)
    page = text(phone.get("/p/feedback").text)
    assert "This is about the child protection meeting on 28 January 2022" in page
    assert "What is your relationship to the Child?" in page and "Send my answers" in page
    assert "Were you given the opportunity to have your say about the plan?" in page
    assert "Pat North" not in page and "Ann North" not in page  # no name of anyone

    sent = _send(phone, ANSWERS)
    assert sent.status_code == 200 and "Your answers have been sent" in text(sent.text)
    [row] = db.session.scalars(select(FeedbackResponse)).all()
    assert (row.channel, row.held_on.isoformat(), row.conference_kind) == ("online", "2022-01-28", "initial")
    assert (row.relationship, row.chair_before, row.understands_change, row.plan_helps) == (
        "mother",
        "yes",
        "quite_well",
        None,
    )
    assert row.comment == "Kind chair" and row.team_id is not None

    assert phone.get("/p/feedback").status_code == 404  # the browser forgot the link
    again = phone.get(f"/l/{TOKEN}")
    assert again.status_code == 410 and "This link has been used" in again.text
    assert len(db.session.scalars(select(FeedbackResponse)).all()) == 1


def test_nothing_answered_or_an_answer_off_the_scale_changes_nothing(held):
    app, _run, _child, conference_id = held
    phone = _open(app, conference_id)
    empty = _send(phone, {})
    assert empty.status_code == 400 and "Answer at least one question" in empty.text
    wrong = _send(phone, {"relationship": "aunt"})
    assert wrong.status_code == 400 and "Not a valid choice" in wrong.text
    too_long = _send(phone, {"comment": "x" * 2001})
    assert too_long.status_code == 400 and "2000 characters or fewer" in too_long.text
    assert db.session.scalars(select(FeedbackResponse)).all() == []
    assert db.session.scalar(select(PublicLink.used_at)) is None


def test_an_answer_keeps_no_link_no_name_and_no_time_and_the_audit_no_answers(held):
    app, _run, _child, conference_id = held
    columns = set(FeedbackResponse.__table__.columns.keys())
    assert not {"link_id", "for_person", "name", "person", "sent_at", "created_at", "child_id"} & columns
    _send(_open(app, conference_id), ANSWERS)
    [audit] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "feedback_sent")).all()
    assert "mother" not in str(audit.details) and "Kind chair" not in str(audit.details)


def test_a_link_ends_28_days_after_the_conference(held):
    app, run, _child, conference_id = held
    link_for_parent(conference_id, TOKEN)
    run.on("2022-02-25", hour=23)
    assert app.test_client().get(f"/l/{TOKEN}").status_code == 302
    run.on("2022-02-26")
    ended = app.test_client().get(f"/l/{TOKEN}")
    assert ended.status_code == 410 and "This link has ended" in ended.text


def test_the_chair_sends_a_link_by_email_sees_it_open_and_withdraws_it(held):
    app, _run, child, conference_id = held
    chair = client_for(app, "iro1")
    case = chair.get(f"/children/{child}").text
    assert f"/conferences/{conference_id}/feedback" in case
    page = chair.get(f"/conferences/{conference_id}/feedback").text
    assert "Pat North (Parent)" in page and "Dr Lee" not in page  # the GP did not attend, and is no parent
    assert "No link" in page
    form = {"p0-channel": "email", "p0-address": "pat@example.org", "csrf_token": token(page)}
    bad = chair.post(f"/conferences/{conference_id}/feedback/{PARENT}/link", data={**form, "p0-address": "pat"})
    assert bad.status_code == 400 and "Enter an e-mail address in the correct format" in bad.text
    assert "There is a problem" in bad.text and "<title>Error: " in bad.text
    assert db.session.scalars(select(PublicLink)).all() == []

    sent = chair.post(f"/conferences/{conference_id}/feedback/{PARENT}/link", data=form)
    assert sent.status_code == 302
    page = text(chair.get(f"/conferences/{conference_id}/feedback").text)
    assert "Open Sent by e-mail to p***@example.org on 28 January 2022" in page
    [link] = db.session.scalars(select(PublicLink)).all()
    assert link.for_person == "Pat North (Parent)" and link.conference_id == conference_id
    assert chair.post(f"/conferences/{conference_id}/feedback/1/link", data=form).status_code == 404  # Dr Lee

    withdrawn = chair.post(
        f"/links/{link.id}/withdraw",
        data={
            "back": f"/conferences/{conference_id}/feedback",
            "csrf_token": token(chair.get(f"/conferences/{conference_id}/feedback").text),
        },
    )
    assert withdrawn.location == f"/conferences/{conference_id}/feedback"
    assert "Withdrawn" in chair.get(f"/conferences/{conference_id}/feedback").text


def test_the_minute_taker_types_in_a_paper_form(held):
    app, _run, _child, conference_id = held
    minutes = client_for(app, "minutes")
    url = f"/conferences/{conference_id}/feedback/paper"
    form = minutes.get(url).text
    assert "Did it help to be in the meeting room before everyone else?" in form
    refused = minutes.post(url, data={"csrf_token": token(form)})
    assert refused.status_code == 400 and "Answer at least one question" in refused.text
    done = minutes.post(url, data={"plan_helps": "very_helpful", "had_say": "partly", "csrf_token": token(form)})
    assert done.location == f"/conferences/{conference_id}/feedback"
    [row] = db.session.scalars(select(FeedbackResponse)).all()
    assert (row.channel, row.plan_helps, row.had_say, row.relationship) == ("paper", "very_helpful", "partly", None)


@pytest.mark.parametrize(
    ("username", "status"),
    [("iro1", 200), ("minutes", 200), ("bsm", 200), ("rqam", 200), ("iro2", 404), ("sw.north", 404), ("tm.ne", 404)],
)
def test_who_gathers_a_conferences_feedback(held, username, status):
    app, _run, _child, conference_id = held
    client = client_for(app, username)
    assert client.get(f"/conferences/{conference_id}/feedback").status_code == status
    assert client.get(f"/conferences/{conference_id}/feedback/paper").status_code == status


def test_a_conference_not_yet_held_has_no_links_or_paper_forms(held):
    app, _run, _child, conference_id = held
    review = conference_id + 1  # the review conference, due
    client = client_for(app, "rqam")
    page = text(client.get(f"/conferences/{review}/feedback").text)
    assert "Feedback opens once the conference is held" in page
    token_ = token(client.get(f"/conferences/{conference_id}/feedback").text)
    posted = client.post(f"/conferences/{review}/feedback/0/link", data={"p0-channel": "letter", "csrf_token": token_})
    assert posted.status_code == 404
    assert client.get(f"/conferences/{review}/feedback/paper").status_code == 404
    assert client.get("/conferences/999999/feedback").status_code == 404


def test_the_summary_names_nobody(held):
    app, _run, _child, conference_id = held
    _send(_open(app, conference_id), ANSWERS)
    minutes = client_for(app, "minutes")
    url = f"/conferences/{conference_id}/feedback/paper"
    for _ in range(5):
        minutes.post(
            url, data={"had_say": "yes", "comment": "Better than I feared", "csrf_token": token(minutes.get(url).text)}
        )
    page = text(client_for(app, "rqam").get("/reports/feedback?from=2022-01-01&to=2022-12-31").text)
    assert "6 answers" in page and "Kind chair" in page and "Conferences in January 2022" in page
    assert "Pat North" not in page and "Ann North" not in page and "5100001" not in page


def test_the_case_page_links_the_feedback_only_for_who_may_gather_it(held):
    app, _run, child, conference_id = held
    href = f"/conferences/{conference_id}/feedback"
    assert href in client_for(app, "rqam").get(f"/children/{child}").text
    assert href not in client_for(app, "sw.north").get(f"/children/{child}").text  # sees the child, gathers nothing


def test_a_childs_page_link_or_no_link_opens_no_feedback_page_and_no_staff_page(held):
    app, _run, child, conference_id = held
    links.create(LinkPurpose.CHILD_PAGE, child_id=child, for_person="the child", actor="sw.north", token=CHILD_TOKEN)
    link_for_parent(conference_id, TOKEN)
    for opened in (None, CHILD_TOKEN, TOKEN):
        browser = app.test_client()
        if opened:
            browser.get(f"/l/{opened}")
        if opened != TOKEN:
            assert browser.get("/p/feedback").status_code == 404
        for url in (f"/conferences/{conference_id}/feedback", "/reports/feedback"):
            assert browser.get(url).location.startswith("/sign-in")
        posted = browser.post(f"/conferences/{conference_id}/feedback/paper", data={"had_say": "yes"})
        assert posted.location.startswith("/sign-in") and db.session.scalars(select(FeedbackResponse)).all() == []
