"""Public links (docs/domain.md V1): a link opens its one page and nothing else; it ends when
used, withdrawn or out of time, and says which; guessing is slowed; the token never reaches the
database, the log or a message's record once sent."""

import io
import logging
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import select

from service.db import db
from service.models import AuditEvent, LinkPurpose, LinkSending, OutboxMessage, OutboxStatus, PublicLink
from service.voices import feedback, handover, limits, links
from service.workflow import clock, outbox
from tests.support import council
from tests.support.app import RequestClient
from tests.support.browser import serving
from tests.support.feedback import PARENT, held_conference
from tests.support.pages import client_for, post_form


def feedback_link(child_id, days=28, person="Pat North (mother)"):
    return links.create(
        LinkPurpose.CONFERENCE_FEEDBACK,
        child_id=child_id,
        for_person=person,
        actor="iro1",
        expires_at=clock.now() + timedelta(days=days),
    )


def child_page_link(child_id):
    return links.create(LinkPurpose.CHILD_PAGE, child_id=child_id, for_person="the child", actor="iro1")


def test_a_link_opens_its_one_page_and_leaves_the_address_bar(app):
    _, _, conference_id = held_conference(app)
    new = feedback.make_link(conference_id, PARENT, actor="iro1")
    client = app.test_client()
    response = client.get(f"/l/{new.token}")
    assert response.status_code == 302 and response.location == "/p/feedback"
    assert "What is your relationship to the Child?" in client.get("/p/feedback").text
    assert client.get("/p/my-page").status_code == 404  # the other kind of public page
    assert db.session.get(PublicLink, new.link.id).opened_at is not None


def test_only_the_tokens_hash_is_kept(client, town):
    new = feedback_link(town.north_child)
    stored = db.session.get(PublicLink, new.link.id)
    assert new.token not in stored.token_hash and len(new.token) >= 32
    audit = db.session.scalars(select(AuditEvent.details)).all()
    assert all(new.token not in str(details) for details in audit)


def test_an_unknown_or_malformed_link_says_it_does_not_work(client, town):
    for token in ("not-a-link", "x" * 200, "bad%20token"):
        response = client.get(f"/l/{token}")
        assert response.status_code == 404
        assert "This link does not work" in response.text


@pytest.mark.postgres
def test_a_withdrawn_link_says_so_and_closes_the_page_already_open(client, town):
    new = feedback_link(town.north_child)
    client.get(f"/l/{new.token}")
    links.withdraw(new.link.id, actor="iro1", visible=db.true())
    response = client.get("/p/feedback")
    assert response.status_code == 410 and "This link has been withdrawn" in response.text
    assert "This link has been withdrawn" in client.get(f"/l/{new.token}").text


def test_a_link_ends_when_its_time_runs_out(client, town):
    new = feedback_link(town.north_child, days=3)
    assert client.get(f"/l/{new.token}").status_code == 302
    clock.move_to(clock.now() + timedelta(days=4), "test")
    response = client.get("/p/feedback")
    assert response.status_code == 410 and "This link has ended" in response.text
    assert client.get(f"/l/{new.token}").status_code == 410


def test_a_new_link_for_the_same_person_and_occasion_withdraws_the_old(client, town):
    first = child_page_link(town.north_child)
    second = child_page_link(town.north_child)
    assert "withdrawn" in client.get(f"/l/{first.token}").text
    assert client.get(f"/l/{second.token}").status_code == 302
    other_person = feedback_link(town.north_child, person="Chris North (father)")
    assert links.state(db.session.get(PublicLink, other_person.link.id)) is links.LinkState.OPEN


@pytest.mark.postgres
def test_guessing_links_is_slowed_to_a_stop(client, town):
    for number in range(limits.LIMITS["bad_link"]):
        assert client.get(f"/l/guess-{number}").status_code == 404
    refused = client.get("/l/guess-again")
    assert refused.status_code == 429 and "Too many tries" in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    new = feedback_link(town.north_child)
    assert client.get(f"/l/{new.token}").status_code == 429  # even a good link waits: nothing is learned


def test_the_request_log_names_no_token(app, town):
    new = feedback_link(town.north_child)
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    werkzeug_log = logging.getLogger("werkzeug")
    werkzeug_log.addHandler(handler)
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.INFO)
    try:
        with serving(app) as address:

            class NoRedirect(urllib.request.HTTPRedirectHandler):
                def redirect_request(self, *args, **kwargs):
                    return None

            opener = urllib.request.build_opener(NoRedirect)
            with pytest.raises(urllib.error.HTTPError) as answered:
                opener.open(f"{address}/l/{new.token}")
            assert answered.value.code == 302
    finally:
        werkzeug_log.removeHandler(handler)
        werkzeug_log.setLevel(level)
    assert "/l/[link]" in captured.getvalue()
    assert new.token not in captured.getvalue()


@pytest.fixture
def mailed(app_factory, smtp):
    from tests.support.app import ready

    app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, TEXT_EMAIL_DOMAIN="sms.council.example")
    ready(app)
    with app.app_context():
        yield council.build()


@pytest.mark.postgres
def test_an_emailed_link_reaches_the_server_with_nothing_personal_and_is_not_kept(mailed, smtp):
    new = feedback_link(mailed.north_child)
    handover.hand_over(new, "email", "pat.north@example.org", actor="iro1")
    outbox.deliver_due("test")
    [message] = [m for m in smtp.received if m.to == ["pat.north@example.org"]]
    assert handover.url(new.token) in message.body
    for personal in ("Alex", "North", "4120389A"):
        assert personal not in message.body and personal not in message.subject
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "public_link"))
    assert row.status is OutboxStatus.SENT
    assert new.token not in row.body and "pat.north" not in row.recipient
    sending = db.session.scalar(select(LinkSending))
    assert (sending.channel, sending.to_hint, sending.sent_by) == ("email", "p***@example.org", "iro1")


def test_a_texted_link_goes_through_the_gateway(mailed, smtp):
    new = child_page_link(mailed.north_child)
    handover.hand_over(new, "text", "07700 900 123", actor="sw.north")
    outbox.deliver_due("test")
    [message] = [m for m in smtp.received if m.to == ["447700900123@sms.council.example"]]
    assert handover.url(new.token) in message.body and "Alex" not in message.body
    assert db.session.scalar(select(LinkSending.to_hint)) == "*** *** 123"


@pytest.mark.parametrize(
    ("channel", "address", "message"),
    [
        ("email", "not an address", "Enter an e-mail address in the correct format"),
        ("text", "01234 567890", "Enter a UK mobile number"),
        ("post", "", "Choose how to hand the link over"),
    ],
)
def test_a_wrong_address_is_named_and_sends_nothing(mailed, channel, address, message):
    with pytest.raises(Exception) as refused:
        handover.check_address(channel, address)
    assert message in str(refused.value)
    assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == "public_link")) is None


def test_without_a_gateway_texts_are_not_offered(town):
    assert "text" not in handover.channels()
    with pytest.raises(Exception, match="Text messages are not set up"):
        handover.check_address("text", "07700 900123")


def test_a_link_is_withdrawn_only_by_someone_who_sees_the_child(app, town):
    app.test_client_class = RequestClient  # each request in its own context, as in production
    new = feedback_link(town.north_child)
    withdraw = f"/links/{new.link.id}/withdraw"
    south_iro = client_for(app, "iro2")  # Bo South's IRO
    assert post_form(south_iro, withdraw, {}, page_url=f"/children/{town.south_child}").status_code == 404
    assert links.state(db.session.get(PublicLink, new.link.id)) is links.LinkState.OPEN
    north_iro = client_for(app, "iro1")
    case_page = f"/children/{town.north_child}"
    response = post_form(north_iro, withdraw, {"back": case_page}, page_url=case_page)
    assert response.status_code == 302 and response.location == case_page
    assert links.state(db.session.get(PublicLink, new.link.id)) is links.LinkState.WITHDRAWN
