"""The case page's actions end to end through the pages: recording that a child became or ceased
to be looked after, bringing the next review forward, and the episode and reviews the page shows."""

from datetime import date

import pytest
from sqlalchemy import select

from service.casework import children as cases
from service.db import db, writing
from service.models import (
    Child,
    ChildEvent,
    HumanTask,
    LookedAfterEpisode,
    ProcessInstance,
    Review,
    ReviewStatus,
    TaskStatus,
)
from service.people.accounts import user_by_username
from service.workflow import instances
from tests.support.pages import NO_DATE, post_form

BECAME = {"date": ["5", "4", "2027"], "legal_status": "V4", "placement_type": "foster", "placement_regulated": "yes"}
CEASED = {"date": ["9", "4", "2027"], "reason": "returned_home"}
BRING_FORWARD = {"date": ["20", "4", "2027"], "reason": "The school has asked for the plan to be looked at again."}


@pytest.fixture
def new_child(town):
    """A child of team NE, with social worker sw.north, not looked after."""
    return cases.create_child(
        {
            "case_number": "5550001B",
            "name": "Cal West",
            "dob": "2015-06-01",
            "gender": "M",
            "team": "NE",
            "social_worker": "sw.north",
        },
        actor="test",
    ).id


def events(child_id, kind):
    return db.session.scalars(select(ChildEvent).where(ChildEvent.child_id == child_id, ChildEvent.type == kind)).all()


def waiting_review(child_id) -> int:
    """A process of the child that waits for the review to be brought forward, as the review cycle will."""
    return instances.start_instance("waits_for_review_date", {}, actor="test", child_id=str(child_id)).instance_id


def open_tasks(instance_id):
    return db.session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.OPEN)
    ).all()


def assert_refused(response, messages):
    assert response.status_code == 400 and "There is a problem" in response.text
    assert "<title>Error: " in response.text
    for message in messages:
        assert message in response.text


# --- became looked after ----------------------------------------------------------------------------------


def test_the_review_and_qa_manager_records_that_a_child_became_looked_after(client, auth, new_child):
    auth.sign_in("rqam")
    assert "Record that the child became looked after" in client.get(f"/children/{new_child}").text
    url = f"/children/{new_child}/looked-after"
    assert "V4 is a series of short breaks" in client.get(url).text
    response = post_form(client, url, BECAME)
    assert response.status_code == 302 and response.location == f"/children/{new_child}"
    [event] = events(new_child, "became_looked_after")
    assert event.date == date(2027, 4, 5) and event.reported_by == "rqam"
    assert event.fields == {"legal_status": "V4", "placement_type": "foster", "placement_regulated": True}
    child = db.session.get(Child, new_child)
    assert child.looked_after and child.looked_after_since == date(2027, 4, 5) and child.legal_status == "V4"
    page = client.get(f"/children/{new_child}").text
    assert "The Review and QA Manager has been asked to allocate an IRO" in page and "Short breaks (V4)" in page
    assert "Record that the child became looked after" not in page


@pytest.mark.parametrize(
    "answers, messages",
    [
        (
            {"date": NO_DATE},
            [
                "Enter when the child became looked after",
                "Choose the legal status",
                "Select the kind of placement",
                "Select whether the placement is regulated",
            ],
        ),
        ({**BECAME, "date": ["1", "1", "2099"]}, ["When did the child become looked after? cannot be in the future"]),
        ({**BECAME, "date": ["31", "2", "2027"]}, ["When did the child become looked after? must be a real date"]),
        ({**BECAME, "legal_status": "Z9"}, ["Legal status must be one of C1, C2"]),
        ({**BECAME, "placement_type": "hotel"}, ["Placement must be one of foster, residential"]),
    ],
)
def test_a_looked_after_form_with_problems_says_what_and_records_nothing(client, auth, new_child, answers, messages):
    auth.sign_in("rqam")
    assert_refused(post_form(client, f"/children/{new_child}/looked-after", answers), messages)
    assert events(new_child, "became_looked_after") == []
    assert not db.session.get(Child, new_child).looked_after


@pytest.mark.parametrize("username", ["sw.north", "tm.ne", "iro1", "ad"])
def test_only_the_review_and_qa_manager_records_that_a_child_became_looked_after(client, auth, new_child, username):
    auth.sign_in(username)
    url = f"/children/{new_child}/looked-after"
    assert client.get(url).status_code == 404
    assert post_form(client, url, BECAME, page_url="/tasks").status_code == 404
    assert "became looked after" not in client.get(f"/children/{new_child}").text
    assert events(new_child, "became_looked_after") == []


def test_a_child_already_looked_after_is_not_recorded_again(client, auth, town):
    auth.sign_in("rqam")
    response = post_form(
        client, f"/children/{town.north_child}/looked-after", BECAME, page_url=f"/children/{town.north_child}"
    )
    assert response.status_code == 302 and response.location == f"/children/{town.north_child}"
    assert "Alex North is already looked after. Nothing was recorded." in client.get(response.location).text
    assert len(events(town.north_child, "became_looked_after")) == 1  # the council's own
    assert db.session.get(Child, town.north_child).looked_after_since == date(2027, 1, 4)


# --- ceased to be looked after ----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["sw.north", "rqam"])
def test_the_social_worker_or_the_manager_records_that_a_child_ceased_to_be_looked_after(client, auth, town, username):
    auth.sign_in(username)
    assert "Record that the child ceased to be looked after" in client.get(f"/children/{town.north_child}").text
    response = post_form(client, f"/children/{town.north_child}/ceased", CEASED)
    assert response.status_code == 302 and response.location == f"/children/{town.north_child}"
    [event] = events(town.north_child, "ceased_looked_after")
    assert event.date == date(2027, 4, 9) and event.fields == {"reason": "returned_home"}
    assert not db.session.get(Child, town.north_child).looked_after
    page = client.get(f"/children/{town.north_child}").text
    assert "The child is recorded as no longer looked after." in page
    assert "Record that the child ceased to be looked after" not in page


@pytest.mark.parametrize(
    "answers, messages",
    [
        (
            {"date": NO_DATE},
            ["Enter when the child stopped being looked after", "Select why the child stopped being looked after"],
        ),
        (
            {**CEASED, "date": ["1", "1", "2099"]},
            ["When did the child stop being looked after? cannot be in the future"],
        ),
        ({**CEASED, "reason": "ran_away"}, ["Why did the child stop being looked after? must be one of returned_home"]),
    ],
)
def test_a_ceased_form_with_problems_says_what_and_records_nothing(client, auth, town, answers, messages):
    auth.sign_in("sw.north")
    assert_refused(post_form(client, f"/children/{town.north_child}/ceased", answers), messages)
    assert events(town.north_child, "ceased_looked_after") == []
    assert db.session.get(Child, town.north_child).looked_after


@pytest.mark.parametrize("username", ["iro1", "tm.ne", "ad", "sw.south"])
def test_nobody_else_records_that_a_child_ceased_to_be_looked_after(client, auth, town, username):
    auth.sign_in(username)
    url = f"/children/{town.north_child}/ceased"
    assert client.get(url).status_code == 404
    assert post_form(client, url, CEASED, page_url="/tasks").status_code == 404
    assert events(town.north_child, "ceased_looked_after") == []


def test_a_child_not_looked_after_cannot_cease_to_be(client, auth, new_child):
    auth.sign_in("sw.north")
    response = post_form(client, f"/children/{new_child}/ceased", CEASED, page_url=f"/children/{new_child}")
    assert response.status_code == 302
    assert "Cal West is not looked after. Nothing was recorded." in client.get(response.location).text
    assert events(new_child, "ceased_looked_after") == []


# --- bringing the next review forward ---------------------------------------------------------------------


def test_the_iro_brings_the_next_review_forward(client, auth, town):
    instance_id = waiting_review(town.north_child)
    auth.sign_in("iro1")
    assert "Bring the next review forward" in client.get(f"/children/{town.north_child}").text
    response = post_form(client, f"/children/{town.north_child}/bring-review-forward", BRING_FORWARD)
    assert response.status_code == 302 and response.location == f"/children/{town.north_child}"
    assert "The next review is brought forward to 20 April 2027." in client.get(response.location).text
    [task] = open_tasks(instance_id)
    assert task.title == "Hold the review"
    state = db.session.get(ProcessInstance, instance_id).state
    assert "2027-04-20" in state and "The school has asked for the plan to be looked at again." in state


@pytest.mark.parametrize(
    "answers, messages",
    [
        ({"date": NO_DATE}, ["Enter when the review should be held", "Enter why the review is needed earlier"]),
        ({**BRING_FORWARD, "date": ["9", "4", "2027"]}, ["The new date must be today or in the future"]),
        ({**BRING_FORWARD, "reason": "   "}, ["Enter why the review is needed earlier"]),
        ({**BRING_FORWARD, "reason": "x" * 2001}, ["Use 2000 characters or fewer"]),
    ],
)
def test_a_bring_forward_form_with_problems_says_what_and_sends_nothing(client, auth, town, answers, messages):
    instance_id = waiting_review(town.north_child)
    auth.sign_in("iro1")
    assert_refused(post_form(client, f"/children/{town.north_child}/bring-review-forward", answers), messages)
    assert open_tasks(instance_id) == []


def test_a_review_cannot_be_brought_forward_to_before_the_child_became_looked_after(client, auth, town):
    """Record_event refuses future dates, so this guards a start date set some other way."""
    instance_id = waiting_review(town.north_child)
    with writing():
        db.session.get(Child, town.north_child).looked_after_since = date(2027, 5, 3)
    auth.sign_in("iro1")
    response = post_form(client, f"/children/{town.north_child}/bring-review-forward", BRING_FORWARD)
    assert_refused(response, ["The new date must be on or after 3 May 2027, when the child became looked after"])
    assert open_tasks(instance_id) == []


def test_without_a_review_waiting_nothing_is_brought_forward(client, auth, town):
    auth.sign_in("iro1")
    response = post_form(client, f"/children/{town.north_child}/bring-review-forward", BRING_FORWARD)
    assert_refused(response, ["There is no review waiting to be held for this child"])


@pytest.mark.parametrize("username", ["sw.north", "rqam", "tm.ne", "iro2"])
def test_only_the_childs_iro_brings_the_review_forward(client, auth, town, username):
    instance_id = waiting_review(town.north_child)
    auth.sign_in(username)
    url = f"/children/{town.north_child}/bring-review-forward"
    assert client.get(url).status_code == 404
    assert post_form(client, url, BRING_FORWARD, page_url="/tasks").status_code == 404
    assert open_tasks(instance_id) == []


# --- the case page ----------------------------------------------------------------------------------------


def test_the_case_page_shows_the_episode_and_the_reviews_newest_first(client, auth, town):
    child = town.north_child
    episode_instance, first, second = (waiting_review(child) for _ in range(3))  # each row belongs to an instance
    with writing():
        db.session.add(
            LookedAfterEpisode(
                child_id=child,
                instance_id=episode_instance,
                started_on=date(2027, 1, 4),
                legal_status="C2",
                short_breaks=False,
                allocation_due=date(2027, 1, 11),
                allocated_on=date(2027, 1, 13),
                allocation_met=False,
                iro_id=user_by_username("iro1").id,
            )
        )
        db.session.add(
            Review(
                child_id=child,
                instance_id=first,
                number=1,
                status=ReviewStatus.HELD,
                due_date=date(2027, 2, 1),
                booked_date=date(2027, 1, 29),
                held_on=date(2027, 1, 29),
                on_time=True,
                participation_code="PN1",
                decisions_to_managers_due=date(2027, 2, 3),
                decisions_to_managers_met=True,
                decisions_due=date(2027, 2, 5),
                decisions_met=False,
                record_due=date(2027, 2, 19),
                distribution_due=date(2027, 2, 26),
            )
        )
        db.session.add(
            Review(
                child_id=child,
                instance_id=second,
                number=2,
                status=ReviewStatus.BOOKED,
                due_date=date(2027, 4, 29),
                booked_date=date(2027, 4, 27),
            )
        )
    auth.sign_in("tm.ne")
    page = client.get(f"/children/{child}").text
    episode = page[page.index("Looked-after episode") : page.index('<h2 class="govuk-heading-m">Reviews')]
    for text in ("4 January 2027", "C2: Full care order", "11 January 2027", "13 January 2027 (deadline missed)"):
        assert text in episode
    reviews = page[page.index('<h2 class="govuk-heading-m">Reviews') : page.index("Open tasks")]
    assert reviews.index("27 April 2027") < reviews.index("29 January 2027")
    for text in (
        "Booked",
        "Held",
        "PN1",
        "Yes",
        "Decisions sent to the allocated worker and managers: met",
        "Decisions and recommendations recorded: missed",
        "Full record of the review: due 19 February 2027",
        "Record distributed to those who attended: due 26 February 2027",
    ):
        assert text in reviews


@pytest.mark.parametrize(
    "username, offered",
    [
        ("iro1", {"Report a significant change", "Bring the next review forward"}),
        ("sw.north", {"Report a significant change", "Record that the child ceased to be looked after"}),
        ("rqam", {"Report a significant change", "Record that the child ceased to be looked after"}),
        ("tm.ne", {"Report a significant change"}),
    ],
)
def test_the_case_page_offers_each_action_to_whom_may_use_it(client, auth, town, username, offered):
    auth.sign_in(username)
    page = client.get(f"/children/{town.north_child}").text
    actions = {
        "Report a significant change",
        "Bring the next review forward",
        "Record that the child ceased to be looked after",
        "Record that the child became looked after",
    }
    assert {action for action in actions if f">{action}</a>" in page} == offered


# --- child protection strategy discussion ------------------------------------------------------------------

STRATEGY = {"date": ["4", "1", "2027"], "s47": "no", "transfer_in": "no"}


@pytest.mark.parametrize("username", ["sw.north", "tm.ne", "rqam"])
def test_a_strategy_discussion_without_an_enquiry_is_recorded_and_starts_nothing(client, auth, new_child, username):
    auth.sign_in(username)
    assert "Record a child protection strategy discussion" in client.get(f"/children/{new_child}").text
    response = post_form(client, f"/children/{new_child}/strategy-discussion", STRATEGY)
    assert response.status_code == 302 and response.location == f"/children/{new_child}"
    [event] = events(new_child, "cp_strategy_discussion")
    assert event.fields == {"s47": False, "transfer_in": False} and event.instance_ids == []
    assert db.session.scalars(select(ProcessInstance).where(ProcessInstance.child_id == str(new_child))).all() == []
    assert "Child protection strategy discussion" in client.get(f"/children/{new_child}").text  # the timeline


def test_a_strategy_discussion_form_with_problems_says_what_and_records_nothing(client, auth, new_child):
    auth.sign_in("sw.north")
    response = post_form(client, f"/children/{new_child}/strategy-discussion", {"date": NO_DATE, "transfer_in": "no"})
    assert_refused(
        response, ["Enter when the strategy discussion was", "Select whether it started a section 47 enquiry"]
    )
    assert events(new_child, "cp_strategy_discussion") == []


@pytest.mark.parametrize("username", ["iro1", "ism.north", "sw.south"])
def test_only_the_social_worker_a_team_manager_or_the_manager_record_a_strategy_discussion(
    client, auth, new_child, username
):
    auth.sign_in(username)
    url = f"/children/{new_child}/strategy-discussion"
    assert client.get(url).status_code == 404
    assert post_form(client, url, STRATEGY, page_url="/tasks").status_code == 404
    assert events(new_child, "cp_strategy_discussion") == []


# --- whether the social worker is qualified ------------------------------------------------------------


@pytest.mark.parametrize("username", ["tm.ne", "rqam"])
def test_the_team_manager_or_the_manager_says_whether_the_social_worker_is_qualified(client, auth, town, username):
    auth.sign_in(username)
    assert "Say whether the social worker is qualified" in client.get(f"/children/{town.north_child}").text
    url = f"/children/{town.north_child}/social-worker-qualified"
    page = client.get(url).text
    assert "Is Sam North a qualified social worker?" in page and "recorded as not known yet" in page
    assert_refused(post_form(client, url, {}), ["Select whether the social worker is qualified"])
    assert user_by_username("sw.north").qualified_social_worker is None
    response = post_form(client, url, {"qualified": "no"})
    assert response.status_code == 302 and response.location == f"/children/{town.north_child}"
    db.session.rollback()
    assert user_by_username("sw.north").qualified_social_worker is False
    assert "recorded as an unqualified case holder" in client.get(url).text


@pytest.mark.parametrize("username", ["iro1", "sw.north", "tm.south", "ism.north", "ad"])
def test_nobody_else_says_whether_the_social_worker_is_qualified(client, auth, town, username):
    auth.sign_in(username)
    url = f"/children/{town.north_child}/social-worker-qualified"
    assert client.get(url).status_code == 404
    assert post_form(client, url, {"qualified": "yes"}, page_url="/tasks").status_code == 404
    assert user_by_username("sw.north").qualified_social_worker is None
