"""The notifications page: each notice names its child and leads to what to do, shows GOV.UK dates and
lists, a page at a time, unread or all, marked read one by one or all at once, by its reader only."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from service.db import db, writing
from service.models import AuditEvent, HumanTask, OutboxMessage, TaskStatus
from service.workflow import clock, outbox, timers
from tests.support import council
from tests.support.app import START
from tests.support.pages import post_form, text, token

DECISIONS = "Decisions of the review held on 2026-12-03 (starred recommendations marked *)"
DECISION_LINES = (
    "* Refer to homefinding (Sam North, by 2027-01-05)\n"
    "- Book the dentist (Carer, by 2027-02-01)\n"
    "\n"
    "The next review is due by 2027-06-03."
)


def queue(username, subject, body="", child_id=None, instance_id=None, key=None):
    """A notice as a diagram's notify() leaves it in the outbox."""
    with writing():
        outbox.queue(
            db.session.connection(),
            [
                dict(
                    idempotency_key=key or f"test:{username}:{subject}",
                    recipient_username=username,
                    recipient=f"{username}@council.example",
                    subject=subject,
                    body=body,
                    child_id=None if child_id is None else str(child_id),
                    instance_id=instance_id,
                )
            ],
            clock.now(),
        )
    return db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1))


def notices(page: str) -> list[str]:
    """The notices' subjects on a page, in order."""
    return [
        text(h).strip().removeprefix("New ")
        for h in re.findall(r'<h2 class="govuk-heading-s[^>]*>(.*?)</h2>', page, re.S)
    ]


def test_a_reminder_names_the_child_and_leads_to_the_readers_task(client, auth, town):
    council.report_change(town.north_child)  # a reminder to the IRO 1 working day later
    timers.move_clock(START + timedelta(days=4), actor="test")
    [task] = db.session.scalars(
        select(HumanTask).where(HumanTask.assignee == "iro1", HumanTask.status == TaskStatus.OPEN)
    ).all()
    auth.sign_in("iro1")
    page = client.get("/notifications").text
    words = text(page)
    assert "Reminder: a significant change needs your decision" in words
    assert "About Alex North (case 4120389A)" in words
    assert f'Your task: <a class="govuk-link" href="/tasks/{task.id}">{task.title}</a>' in page


@pytest.mark.postgres
def test_iso_dates_read_as_govuk_dates_and_lines_of_items_as_a_list(client, auth, town):
    queue("sw.north", DECISIONS, DECISION_LINES, child_id=town.north_child)
    auth.sign_in("sw.north")
    page = client.get("/notifications").text
    words = text(page)
    assert "Decisions of the review held on 3 December 2026" in words and "2026-12-03" not in page
    assert "The next review is due by 3 June 2027." in words
    [listed] = re.findall(r'<ul class="govuk-list govuk-list--bullet">(.*?)</ul>', page, re.S)
    items = [text(item).strip() for item in re.findall(r"<li>(.*?)</li>", listed, re.S)]
    assert items == [
        "* Starred: Refer to homefinding (Sam North, by 5 January 2027)",
        "Book the dentist (Carer, by 1 February 2027)",
    ]
    # no task of theirs in it: the notice leads to the child's page, which the social worker sees
    assert f'href="/children/{town.north_child}"' in page and "About Alex North (case 4120389A)" in words


@pytest.mark.postgres
def test_a_reader_who_does_not_see_the_child_reads_initials_and_gets_no_link_to_the_child(client, auth, town):
    queue("minutes", "Reminder: circulate the decisions by 2027-01-05", "Record it from your tasks.", town.north_child)
    auth.sign_in("minutes")
    page = client.get("/notifications").text
    assert "About A.N. (case 4120389A)" in text(page) and "Alex North" not in page
    assert f"/children/{town.north_child}" not in page


def test_twenty_a_page_newest_first_with_govuk_pagination(client, auth, town):
    for n in range(1, 26):
        queue("iro1", f"Notice {n:02}", child_id=town.north_child)
    auth.sign_in("iro1")
    first = client.get("/notifications").text
    assert notices(first) == [f"Notice {n:02}" for n in range(25, 5, -1)]
    assert "25 notifications unread, page 1 of 2" in text(first)
    assert 'class="govuk-pagination' in first and 'href="/notifications?page=2"' in first
    second = client.get("/notifications?page=2").text
    assert notices(second) == [f"Notice {n:02}" for n in range(5, 0, -1)]
    assert notices(client.get("/notifications?page=99").text) == notices(second)  # past the end: the last page


def test_mark_one_read_and_the_unread_and_all_views(client, auth, town):
    older = queue("iro1", "Older notice", child_id=town.north_child)
    newer = queue("iro1", "Newer notice", child_id=town.north_child)
    auth.sign_in("iro1")
    page = client.get("/notifications").text
    assert "Notifications (2 unread)" in page and notices(page) == ["Newer notice", "Older notice"]
    marked = client.post(f"/notifications/{older}/read", data={"csrf_token": token(page), "show": "unread"})
    assert marked.status_code == 302 and marked.location == "/notifications?show=unread&page=1"
    page = client.get("/notifications").text
    assert "Notifications (1 unread)" in page and notices(page) == ["Newer notice"]
    everything = client.get("/notifications?show=all").text
    assert notices(everything) == ["Newer notice", "Older notice"]
    assert (
        f'action="/notifications/{newer}/read"' in everything
        and f'action="/notifications/{older}/read"' not in everything
    )
    audited = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "notification_read"))
    assert (audited.actor, audited.details) == ("iro1", {"message_id": older})


def test_mark_all_read_empties_the_unread_view(client, auth, town):
    for n in range(3):
        queue("iro1", f"Notice {n}", child_id=town.north_child)
    auth.sign_in("iro1")
    response = post_form(client, "/notifications/read", {}, page_url="/notifications")
    assert response.status_code == 302
    page = client.get("/notifications").text
    assert "Notifications (0 unread)" in page and "You have no unread notifications." in page
    assert len(notices(client.get("/notifications?show=all").text)) == 3


def test_another_persons_notice_cannot_be_marked_read(client, auth, town):
    theirs = queue("iro1", "For the IRO only", child_id=town.north_child)
    auth.sign_in("sw.north")
    page = client.get("/notifications").text
    assert "For the IRO only" not in page
    refused = client.post(f"/notifications/{theirs}/read", data={"csrf_token": token(page)})
    assert refused.status_code == 404
    db.session.rollback()
    assert db.session.get(OutboxMessage, theirs).read_at is None
    assert client.post(f"/notifications/{theirs}/read").status_code == 400  # and never without the page's token
