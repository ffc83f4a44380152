"""The management alert's pages (docs/domain.md C and E): raising one from the child's page, "Alerts
for me", the alert's page and history, the printable form of case study 4, the CAFCASS letter,
the alert register and its CSV, and the child's timeline. Driven through the shipped diagram on
the application clock; people use the pages through the Flask test client."""

import csv
import html
import io
import re

import pytest
from sqlalchemy import select

from service.casework import alerts
from service.db import db
from service.models import AlertEntry, AlertStatus, HumanTask, ManagementAlert, TaskStatus
from service.people.accounts import identity, user_by_username
from tests.support.app import RequestClient
from tests.support.lifecycle import Life
from tests.support.pages import client_for, submit, text, ticked, token

SUMMARY = "The care plan has drifted: no homefinding referral since March."
ACTIONS = ["Confirm the sibling placement planning", "Refer to homefinding for long-term placements"]


@pytest.fixture
def life(app_factory):
    """Alex North (team NE, IRO iro1) looked after from Monday 8 January 2024."""
    app = app_factory()
    app.test_client_class = RequestClient
    with app.app_context():
        run = Life(app, False, "2024-01-07")
        child = run.allocated()
        yield run, child, app


def who(username):
    return identity(user_by_username(username).id)


def raise_alert(run, child, serious=False, resolve_by="2024-02-20", iro="iro1"):
    """The IRO asks for an alert and completes its form (as the API would send it); the alert's id."""
    alerts.request(who(iro), child)
    db.session.rollback()
    run.do(
        child,
        "raise_alert",
        serious_or_urgent=serious,
        summary_of_concerns=SUMMARY,
        actions_requested=[{"action": action} for action in ACTIONS],
        resolve_by=resolve_by,
    )
    return db.session.scalar(
        select(ManagementAlert.id).where(ManagementAlert.child_id == child).order_by(ManagementAlert.id.desc()).limit(1)
    )


def the_alert(alert_id) -> ManagementAlert:
    db.session.rollback()
    return db.session.get(ManagementAlert, alert_id)


def steps(alert_id) -> list[tuple[int, str]]:
    return [
        (e.stage, e.step)
        for e in db.session.scalars(select(AlertEntry).where(AlertEntry.alert_id == alert_id).order_by(AlertEntry.id))
    ]


def test_an_iro_raises_an_alert_from_the_childs_page_and_the_team_manager_responds_from_alerts_for_me(life):
    run, child, app = life
    iro = client_for(app, "iro1")
    page = iro.get(f"/children/{child}").text
    assert "Raise a management alert" in page and "No management alerts have been raised for this child." in page
    raised = iro.post(f"/children/{child}/management-alert", data={"csrf_token": token(page)})
    assert raised.status_code == 302 and raised.location.startswith("/tasks/")
    task_id = int(raised.location.rsplit("/", 1)[1])
    form_page = iro.get(raised.location).text
    assert "Independent Review Officer Management Alert Form" in form_page
    assert "Tia Manager" in form_page and "Sam North" in form_page  # the line manager, the social worker
    assert 'name="actions_requested-7-action"' in form_page and "Action 8" in form_page

    refused = submit(iro, task_id, form_page, {"summary_of_concerns": SUMMARY, "resolve_by": ["20", "02", "2024"]})
    assert refused.status_code == 400 and "Enter at least one action you request" in refused.text
    answers = {
        "summary_of_concerns": SUMMARY,
        "actions_requested-0-action": ACTIONS[0],
        "actions_requested-1-action": ACTIONS[1],
        "resolve_by": ["20", "02", "2024"],
    }
    assert submit(iro, task_id, iro.get(raised.location).text, answers).status_code == 302
    [alert] = db.session.scalars(select(ManagementAlert)).all()
    assert (alert.stage, alert.stage_role, alert.raised_by) == (1, "Team Manager", "iro1")

    run.on("2024-01-10")  # two working days after it arrived: three of five left
    manager = client_for(app, "tm.ne")
    mine = manager.get("/alerts").text
    assert 'href="/alerts">' in mine or 'href="/alerts" aria-current="page">' in mine  # in the navigation
    assert "Alex North" in mine and "Stage 1: Team Manager" in mine and SUMMARY in mine
    assert "3 working days left" in mine and "15 January 2024" in mine
    respond = run.task(child, "respond")
    assert f'href="/tasks/{respond.id}"' in mine and f'href="/alerts/{alert.id}"' in mine

    page = manager.get(f"/tasks/{respond.id}").text
    assert SUMMARY in page and ACTIONS[1] in page and "Stage 1: Team Manager" in page
    assert "20 February 2024" in page  # the IRO's timescale
    response = submit(
        manager,
        respond.id,
        page,
        {
            "response": "We will refer to homefinding this week.",
            "actions_agreed-0-action": "Homefinding referral",
            "actions_agreed-0-by": ["19", "01", "2024"],
        },
    )
    assert response.status_code == 302
    mine = manager.get("/alerts").text  # at the stage until the IRO decides, with nothing left to do
    assert "Nothing for you to do now" in mine and f'href="/tasks/{respond.id}"' not in mine

    history = text(manager.get(f"/alerts/{alert.id}").text)
    assert "Stage 1: Team Manager" in history and "Written response" in history
    assert "by Tia Manager" in history and "We will refer to homefinding this week." in history
    assert "Homefinding referral, by 19 January 2024" in history and "Given within the time allowed." in history
    assert run.open_specs(child) == ["book_review", "record_outcome"]  # the IRO decides next


def test_overdue_shows_in_red_in_alerts_for_me(life):
    run, child, app = life
    raise_alert(run, child)
    run.on("2024-01-16")  # due on the 15th
    page = client_for(app, "tm.ne").get("/alerts").text
    assert re.search(r'govuk-tag--red">Overdue by 1 working day<', page)


def test_managers_of_other_teams_and_areas_do_not_see_the_alert(life):
    run, child, app = life
    alert_id = raise_alert(run, child)
    respond = run.task(child, "respond")
    assert respond.assignee == "tm.ne"
    for username in ("tm.south", "ism.south", "hos.south"):
        client = client_for(app, username)
        mine = client.get("/alerts")
        assert mine.status_code == 200 and "Alex North" not in mine.text
        assert "There are no management alerts waiting for you." in mine.text
        for path in (f"/alerts/{alert_id}", f"/alerts/{alert_id}/form", f"/tasks/{respond.id}"):
            refused = client.get(path)
            assert refused.status_code == 404 and "Alex North" not in refused.text, (username, path)
    # a manager above the stage sees the alert's page, but it is not theirs to answer yet
    ism = client_for(app, "ism.north")
    assert "There are no management alerts waiting for you." in ism.get("/alerts").text
    assert ism.get(f"/alerts/{alert_id}").status_code == 200
    # "Alerts for me" is in the navigation of those who receive alerts only
    assert 'href="/alerts"' not in client_for(app, "iro1").get("/tasks").text
    assert client_for(app, "sw.north").get("/alerts").status_code == 200


def test_the_printable_form_of_a_serious_alert_ticks_stages_1_to_3_and_records_the_resolution(life):
    run, child, app = life
    alert_id = raise_alert(run, child, serious=True)
    client = client_for(app, "hos.north")
    badge = '<span class="moj-badge moj-badge--red">Serious or urgent</span>'
    assert badge in client.get(f"/alerts/{alert_id}").text and badge in client.get("/alerts").text
    page = client.get(f"/alerts/{alert_id}/form").text
    words = text(page)
    assert "Independent Review Officer Management Alert Form" in words and "STAGES 1 – 6" in words
    assert "Date of Alert: 8 January 2024" in words
    assert "From: Independent Reviewing Officer, Ira One" in words
    assert "To: Team Manager, Integrated Service Manager, Head of Service" in words
    assert ticked(page, "The stages the alert has reached") == ["Stage 1:", "Stage 2:", "Stage 3:"]
    assert "At each stage a formal response is expected within 5 working days" in words
    assert "Name of Child: Alex North" in words and "DOB: 4 March 2012" in words
    assert "Social Worker: Sam North" in words and "Team: North East" in words
    assert "SW/ Line Manager: Tia Manager" in words
    assert SUMMARY in words
    assert re.search(
        r'govuk-list--number">\s*<li>Confirm the sibling placement planning</li>\s*'
        r"<li>Refer to homefinding for long-term placements</li>",
        page,
    )
    assert "govuk-!-display-none-print" in page  # no navigation on paper

    run.on("2024-01-11")
    run.do(child, "respond", response="Placements team allocated.", actions_agreed=[])
    run.do(child, "record_outcome", outcome="resolved", outcome_notes="Homefinding under way.")
    page = client.get(f"/alerts/{alert_id}/form").text
    words = text(page)
    assert "Response by Head of Service (Hal North) Date: 11 January 2024" in words
    assert "Placements team allocated." in words
    assert "Resolution of Alert (recorded by IRO) Date: 11 January 2024" in words
    assert "Resolved at stage 3 (Head of Service)" in words and "Homefinding under way." in words
    assert ticked(page, "If not resolved progress to:") == []
    assert client.get(f"/alerts/{alert_id}/cafcass-letter").status_code == 404


def test_the_form_ticks_the_stages_an_alert_progressed_to(life):
    run, child, app = life
    alert_id = raise_alert(run, child)
    run.do(child, "respond", response="Not yet.", actions_agreed=[])
    run.do(child, "record_outcome", outcome="next_stage", outcome_notes="No plan.")
    page = client_for(app, "rqam").get(f"/alerts/{alert_id}/form").text
    assert ticked(page, "The stages the alert has reached") == ["Stage 1:", "Stage 2:"]
    assert ticked(page, "If not resolved progress to:") == ["Stage 2"]
    words = text(page)
    assert "Recorded by the IRO: Not resolved: go to the next stage. Date: 8 January 2024" in words


def test_a_response_to_an_alert_that_has_moved_on_says_so_and_changes_nothing(life):
    run, child, app = life
    alert_id = raise_alert(run, child, resolve_by="2024-01-10")
    respond = run.task(child, "respond")
    manager = client_for(app, "tm.ne")
    stale = manager.get(f"/tasks/{respond.id}").text  # opened while the stage was theirs

    run.on("2024-01-11")  # the IRO's timescale ran out: the stage's task is withdrawn
    assert run.task_status(respond.id).value == "cancelled"
    run.do(child, "timescale_reached", outcome="next_stage", outcome_notes="No response.", new_resolve_by="2024-02-20")
    assert the_alert(alert_id).stage == 2
    before = steps(alert_id)

    late = submit(manager, respond.id, stale, {"response": "Sorry, here it is.", "actions_agreed-0-action": ""})
    moved = alerts.moved_on(db.session.get(HumanTask, respond.id))
    assert "stage 2 (Integrated Service Manager)" in moved
    assert late.status_code == 409 and html.escape(moved, quote=True) in late.text
    assert steps(alert_id) == before and the_alert(alert_id).stage == 2
    assert "Sorry, here it is." not in client_for(app, "rqam").get(f"/alerts/{alert_id}").text
    assert html.escape(moved, quote=True) in manager.get(f"/tasks/{respond.id}").text  # on the page too
    assert "Alex North" in client_for(app, "ism.north").get("/alerts").text


def test_the_case_notes_and_the_alerts_show_on_the_childs_page(life):
    run, child, app = life
    alert_id = raise_alert(run, child)
    run.on("2024-01-09")
    run.do(child, "respond", response="Done.", actions_agreed=[])
    run.do(child, "record_outcome", outcome="resolved", outcome_notes="Resolved.")
    page = client_for(app, "sw.north").get(f"/children/{child}").text
    assert "IRO management alert raised at stage 1 (Team Manager), to be resolved by 2024-02-20." in page
    assert "IRO management alert resolved at stage 1 (Team Manager) on 2024-01-09." in page
    assert "Case note" in page and "Ira One" in page
    assert f'href="/alerts/{alert_id}">Raised 8 January 2024 at stage 1: resolved at stage 1 (Team Manager)' in page
    assert "Raise a management alert" not in page  # a social worker does not raise one


def test_raising_an_alert_for_a_child_not_looked_after_says_why_and_starts_nothing(life):
    run, child, app = life
    other = run.child(name="Cy Plan", case_number="5120389B")
    run.event(other, "cp_plan_started", "2024-01-08", category="neglect", iro="iro1")
    iro = client_for(app, "iro1")
    page = iro.get(f"/children/{other}").text
    assert "Raise a management alert" not in page
    refused = iro.post(f"/children/{other}/management-alert", data={"csrf_token": token(page)})
    assert refused.status_code == 302 and refused.location == f"/children/{other}"
    assert "Cy Plan is not looked after" in iro.get(refused.location).text
    assert run.open_specs(other) == ["name_minute_taker"]  # the plan taken on has its own work; no alert
    social_worker = client_for(app, "sw.north")
    page = social_worker.get(f"/children/{child}").text
    assert (
        social_worker.post(f"/children/{child}/management-alert", data={"csrf_token": token(page)}).status_code == 404
    )
    assert db.session.scalar(select(HumanTask.id).where(HumanTask.spec_name == "raise_alert")) is None


def test_every_task_of_a_meeting_stage_and_a_referral_shows_its_form_and_the_letter_goes_to_cafcass_legal(life):
    run, child, app = life
    alert_id = raise_alert(run, child)
    run.do(child, "respond", response="No.", actions_agreed=[])
    run.do(child, "record_outcome", outcome="escalate_early", escalate_to="4", outcome_notes="Serious drift.")
    assert the_alert(alert_id).stage == 4

    def page_of(spec, username):
        task = run.task(child, spec)
        response = client_for(app, username).get(f"/tasks/{task.id}")
        assert response.status_code == 200, spec
        return text(response.text)

    page = page_of("set_meeting", "ad")
    assert "Stage 4: Assistant Director" in page and "Minute taker" in page and "Mina Minutes" in page
    assert "Its full history" in page
    run.do(
        child,
        "set_meeting",
        meeting_date="2024-01-12",
        meeting_time="14:30",
        meeting_place="Room 2",
        invited="Tia Manager\nSam North",
        minute_taker="minutes",
    )
    assert "What would prevent the matter going to the next stage" in page_of("iro_statement", "iro1")
    run.do(child, "iro_statement", statement="A placement plan by the end of the month.")
    run.on("2024-01-12", hour=16)
    page = page_of("record_minutes", "minutes")  # the minute taker does not see the child, but the alert's summary
    assert "12 January 2024 at 14:30, Room 2" in page and "A placement plan by the end of the month." in page
    assert "Its full history" not in page
    run.do(child, "record_minutes", attended="Ada Director\nTia Manager", minutes="Agreed a plan.")
    assert "Outcome of the meeting" in page_of("meeting_outcome", "ad")
    run.do(
        child,
        "meeting_outcome",
        response="A plan by 31 January.",
        actions_agreed=[{"action": "Placement plan", "by": "2024-01-31"}],
    )
    page = page_of("record_outcome", "iro1")
    assert "A plan by 31 January." in page and "Refer to CAFCASS (section 118)" in page
    run.do(child, "record_outcome", outcome="cafcass", outcome_notes="Human rights at risk.")
    assert "I confirm the IRO consulted me" in page_of("consult_safeguarding", "hos.safeguarding")
    run.do(child, "consult_safeguarding", consulted_on="2024-01-12", advice="Refer.", confirmed=True)
    run.do(child, "consult_head_of_service", consulted_on="2024-01-12", advice="Agreed.", confirmed=True)
    assert "Case summary for CAFCASS Legal" in page_of("make_referral", "iro1")
    rqam = client_for(app, "rqam")
    assert rqam.get(f"/alerts/{alert_id}/cafcass-letter").status_code == 404
    assert "No referral to CAFCASS has been made for this alert" in rqam.get(f"/alerts/{alert_id}/cafcass-letter").text
    run.do(
        child,
        "make_referral",
        refer="yes",
        conditions=["no_other_adult"],
        exceptional_circumstances="Drift of a year.",
        case_summary="Seven siblings without a plan.",
    )
    assert the_alert(alert_id).status == AlertStatus.REFERRED

    alert_page = text(rqam.get(f"/alerts/{alert_id}").text)
    for shown in (
        "Stage 1: Team Manager",
        "Stage 4: Assistant Director",
        "Stage meeting set",
        "Minutes of the stage meeting",
        "Agreed a plan.",
        "Placement plan, by 31 January 2024",
        "Consultation before a CAFCASS referral",
        "Referral to CAFCASS",
        "Referred to CAFCASS on 12 January 2024",
        "Minutes taken by Mina Minutes",
    ):
        assert shown in alert_page, shown
    assert "The referral letter to CAFCASS Legal" in alert_page
    letter = rqam.get(f"/alerts/{alert_id}/cafcass-letter")
    assert letter.status_code == 200
    words = text(letter.text)
    assert "CAFCASS Legal 8th floor, Wyndham House South Quay Plaza 189 Marsh Wall London E14 9SH" in words
    assert "12 January 2024" in words and "Seven siblings without a plan." in words
    assert "Drift of a year." in words and "There is no other suitable adult able and willing" in words
    assert "The stages up to the Chief Executive were not exhausted" in words
    assert "A plan by 31 January." in words and "Ira One Independent Reviewing Officer" in words


def test_the_register_lists_alerts_with_the_stage_reached_outcome_and_days_and_its_csv_has_no_concerns(life):
    run, child, app = life
    south = run.child(name="Bo South", case_number="43235", team="South", worker="sw.south")
    run.looked_after(south, "2024-01-08")
    run.do(south, "allocate", iro="iro2")
    resolved = raise_alert(run, child, serious=True)
    open_one = raise_alert(run, south, iro="iro2")
    run.on("2024-01-12")
    run.do(child, "respond", response="Done.", actions_agreed=[])
    run.do(child, "record_outcome", outcome="resolved", outcome_notes="Resolved.")
    run.do(south, "respond", response="Not yet.", actions_agreed=[])
    run.do(south, "record_outcome", outcome="next_stage", outcome_notes="Go on.")

    rqam = client_for(app, "rqam")
    assert "Management alert register" in rqam.get("/reports/reviews").text
    page = rqam.get("/reports/alerts?from=2024-01-01&to=2024-01-31")
    assert page.status_code == 200
    words = text(page.text)
    assert "Management alerts raised 2" in words and "Resolved 1" in words and "Still open 1" in words
    assert "Referred to CAFCASS 0" in words
    assert "Mean time to resolve 4.0 calendar days (4.0 working days)" in words
    assert "Stage 2: Integrated Service Manager 1" in words and "Stage 3: Head of Service 1" in words
    assert (
        "Alex North (4120389A) 1 NE 8 January 2024 Ira One Stage 3 Stage 3: Head of Service Resolved "
        "12 January 2024 4 (4 working)"
    ) in words
    assert "Bo South (43235) 1 South 8 January 2024 Ira Two Stage 1 Stage 2: Integrated Service Manager Open" in words
    assert SUMMARY not in page.text  # the register lists; the concerns are on each alert's page

    csv_file = rqam.get("/reports/alerts.csv?from=2024-01-01&to=2024-01-31")
    assert csv_file.status_code == 200 and csv_file.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(csv_file.text)))
    assert [
        (
            r["alert_id"],
            r["case_number"],
            r["team"],
            r["children"],
            r["stage_reached"],
            r["status"],
            r["calendar_days_to_resolve"],
            r["working_days_to_resolve"],
        )
        for r in rows
    ] == [
        (str(resolved), "4120389A", "NE", "1", "3", "resolved", "4", "4"),
        (str(open_one), "43235", "South", "1", "2", "open", "", ""),
    ]
    assert SUMMARY not in csv_file.text and "Alex North" not in csv_file.text
    assert not any(action in csv_file.text for action in ACTIONS)

    assert (
        "No management alerts were raised in this period."
        in rqam.get("/reports/alerts?from=2023-01-01&to=2023-12-31").text
    )
    assert rqam.get("/reports/alerts?from=2024-02-01&to=2024-01-01").status_code == 400
    default = text(rqam.get("/reports/alerts").text)  # the 12 months to today
    assert "Alerts raised from 13 January 2023 to 12 January 2024." in default
    for username in ("iro1", "tm.ne", "hos.north"):
        assert client_for(app, username).get("/reports/alerts").status_code == 404
        assert client_for(app, username).get("/reports/alerts.csv").status_code == 404


def test_an_alert_raised_from_a_review_is_linked_to_it(life):
    run, child, app = life
    [review] = run.reviews(child)
    iro = client_for(app, "iro1")
    page = iro.get(f"/children/{child}?review={review.id}").text  # the review form links here so
    assert f'name="review_id" value="{review.id}"' in page
    raised = iro.post(
        f"/children/{child}/management-alert", data={"csrf_token": token(page), "review_id": str(review.id)}
    )
    run.do(
        child,
        "raise_alert",
        summary_of_concerns=SUMMARY,
        actions_requested=[{"action": ACTIONS[0]}],
        resolve_by="2024-02-20",
    )
    assert raised.status_code == 302 and the_alert(raise_id(child)).review_id == review.id
    refused = iro.post(
        f"/children/{child}/management-alert", data={"csrf_token": token(page), "review_id": str(review.id + 1000)}
    )
    assert refused.status_code == 302 and refused.location == f"/children/{child}"
    assert f"review {review.id + 1000} is not one of Alex North's reviews" in text(iro.get(refused.location).text)


def raise_id(child) -> int:
    return db.session.scalar(
        select(ManagementAlert.id).where(ManagementAlert.child_id == child).order_by(ManagementAlert.id.desc()).limit(1)
    )


def test_the_actions_agreed_are_added_one_at_a_time_as_a_reviews_decisions_are(life):
    run, child, app = life
    raise_alert(run, child)
    manager = client_for(app, "tm.ne")
    respond = run.task(child, "respond")
    page = manager.get(f"/tasks/{respond.id}").text
    assert 'name="actions_agreed-0-action"' in page and 'name="actions_agreed-1-action"' not in page  # one blank row
    assert re.search(r'name="add_row"[^>]*value="actions_agreed"|value="actions_agreed"[^>]*name="add_row"', page)
    version = re.search(r'name="instance_version" value="(\d+)"', page).group(1)
    first = {
        "response": "Working on it.",
        "actions_agreed-0-action": "Homefinding referral",
        "actions_agreed-0-by": ["19", "01", "2024"],
    }

    def press(on_page, answers, **button):
        return manager.post(
            f"/tasks/{respond.id}",
            data={**answers, **button, "csrf_token": token(on_page), "instance_version": version},
        )

    added = press(page, first, add_row="actions_agreed")
    assert added.status_code == 200 and "There is a problem" not in added.text
    assert 'value="Homefinding referral"' in added.text and 'name="actions_agreed-1-action"' in added.text
    assert "Working on it.</textarea>" in added.text
    second = {**first, "actions_agreed-1-action": "Family time review", "actions_agreed-1-by": ["26", "01", "2024"]}
    removed = press(added.text, second, remove_row="actions_agreed-0")
    assert 'value="Homefinding referral"' not in removed.text and 'value="Family time review"' in removed.text
    assert run.task(child, "respond").status == TaskStatus.OPEN  # the buttons save nothing

    answers = {
        "response": "Working on it.",
        "actions_agreed-0-action": "Family time review",
        "actions_agreed-0-by": ["26", "01", "2024"],
    }
    assert submit(manager, respond.id, removed.text, answers).status_code == 302
    history = text(manager.get(f"/alerts/{raise_id(child)}").text)
    assert "Family time review, by 26 January 2024" in history and "Homefinding referral" not in history
