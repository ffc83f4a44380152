"""The server-rendered pages through the Flask test client, signed in as the test council's staff."""

import re
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import update

from service.db import db, writing
from service.models import AuditEvent, HumanTask, TaskStatus
from service.people.accounts import identity, user_by_username
from service.tasks import task_page as tasks
from service.tasks import worklist
from service.workflow import timers
from tests.support import council
from tests.support.app import START, RequestClient, ready
from tests.support.pages import NO_DATE, VALID, post_form, sign_in, submit
from tests.support.paths import ROOT

STATIC = ROOT / "service" / "static"
CONFLICT = "Someone else has already completed this task, or it changed since you opened it. Nothing was saved."


def who(username):
    return identity(user_by_username(username).id)


def the_task(username):
    [row] = worklist.my_tasks(who(username)).rows
    return row.task_id


# --- signing in -------------------------------------------------------------------------------------------


def test_pages_need_signing_in_and_send_you_back_afterwards(client, auth, town):
    response = client.get("/tasks/unassigned?page=1")
    assert response.status_code == 302 and response.location == "/sign-in?next=/tasks/unassigned?page%3D1"
    response = auth.sign_in("iro1", query="?next=/tasks/unassigned")
    assert response.status_code == 302 and response.location == "/tasks/unassigned"
    page = client.get("/tasks").text
    assert "Ira One" in page and "My tasks (0)" in page and "Sign out" in page
    assert client.get("/").location == "/tasks"
    assert db.session.query(AuditEvent).filter_by(actor="iro1", action="signed_in").count() == 1


@pytest.mark.parametrize(
    "elsewhere", ["//evil.example/x", "/%5Cevil.example", "/%09/evil.example", "https://evil.example"]
)
def test_next_must_be_a_page_of_this_site(client, auth, town, elsewhere):
    assert auth.sign_in("iro1", query=f"?next={elsewhere}").location == "/tasks"


def test_a_wrong_password_shows_the_error_summary_and_is_audited_without_the_password(client, auth, town):
    response = auth.sign_in("iro1", password="guess")
    assert response.status_code == 200 and "<title>Error: Sign in" in response.text
    assert "govuk-error-summary" in response.text and "Enter a correct username and password" in response.text
    [failure] = db.session.query(AuditEvent).filter_by(actor="iro1", action="sign_in_failed").all()
    assert "guess" not in str(failure.details)
    assert client.get("/tasks").status_code == 302


def test_sign_in_pauses_after_five_failures_even_with_the_right_password(client, auth, town):
    for _ in range(5):
        assert auth.sign_in("iro1", password="guess").status_code == 200
    response = auth.sign_in("iro1")
    assert response.status_code == 429
    assert "Too many failed attempts. Wait 15 minutes and try again." in response.text
    assert client.get("/tasks").status_code == 302


def test_signing_out_ends_the_session(client, auth, town):
    auth.sign_in("iro1")
    response = auth.sign_out()
    assert response.status_code == 302 and response.location == "/sign-in"
    assert "You have signed out" in client.get("/sign-in").text
    assert client.get("/tasks").status_code == 302


def test_the_session_ends_after_30_minutes_without_a_request(client, auth, town, monkeypatch):
    auth.sign_in("iro1")
    minutes_later = 0
    signed_at = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at(self) + minutes_later * 60)
    minutes_later = 29
    assert client.get("/tasks").status_code == 200  # which signs the cookie again
    minutes_later = 58
    assert client.get("/tasks").status_code == 200
    minutes_later = 89
    response = client.get("/tasks")
    assert response.status_code == 302 and response.location == "/sign-in?next=/tasks"


def test_a_session_taken_to_another_browser_is_dropped(client, auth, town):
    auth.sign_in("iro1")
    assert client.get("/tasks").status_code == 200
    assert client.get("/tasks", headers={"User-Agent": "somebody else"}).status_code == 302
    assert client.get("/tasks").status_code == 302


# --- security ---------------------------------------------------------------------------------------------


def test_a_form_without_its_csrf_token_is_refused(client, auth, town):
    auth.sign_in("iro1")
    response = client.post("/notifications/read")
    assert response.status_code == 400 and "Sorry, there is a problem with the service" in response.text


def test_pages_carry_the_security_headers_and_no_inline_script(client, auth, town):
    assert client.get("/sign-in").headers["Content-Security-Policy"]
    auth.sign_in("iro1")
    for url in (
        "/sign-in",
        "/tasks",
        "/tasks/unassigned",
        "/notifications",
        f"/children/{town.north_child}",
        "/no-such-page",
    ):
        response = client.get(url, follow_redirects=True)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in response.headers
        assert re.findall(r"<script[^>]*>", response.text) == ['<script type="module" src="/static/app.js">'], url
        assert " style=" not in response.text, url
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert "Strict-Transport-Security" in client.get("/sign-in", base_url="https://localhost").headers


def test_the_api_is_not_asked_for_a_csrf_token(client):
    response = client.post("/api/v1/clock", json={"now": (START + timedelta(days=1)).isoformat()})
    assert response.status_code != 400 and response.is_json  # refused, if at all, by the API's own rules


def test_the_static_files_are_served(client):
    with client.get("/static/app.js") as script:
        assert script.status_code == 200 and "initAll()" in script.text
    if not (STATIC / "govuk" / ".stamp").exists() or not (STATIC / "moj" / ".stamp").exists():
        pytest.skip("GOV.UK Frontend's and MOJ Frontend's files are copied by `make test` (npm ci)")
    for url in (
        "/static/govuk/govuk-frontend.min.css",
        "/static/govuk/govuk-frontend.min.js",
        "/static/moj/moj-frontend.min.css",
        "/static/moj/moj-frontend.min.js",
        "/static/moj/images/icon-toggle-plus-minus.svg",
    ):
        with client.get(url) as response:
            assert response.status_code == 200, url


@pytest.mark.parametrize("css_file", ["govuk/govuk-frontend.min.css", "moj/moj-frontend.min.css"])
def test_the_pages_are_set_in_arial_not_the_gov_uk_typeface(client, css_file):
    """GDS Transport is licensed for GOV.UK only: GOV.UK Frontend's CSS and MOJ Frontend's (built over
    the same settings) name Arial, and no font file is served."""
    if not (STATIC / css_file).parent.joinpath(".stamp").exists():
        pytest.skip("the front-end packages' files are built by `make test` (npm ci)")
    css = (STATIC / css_file).read_text()
    assert "font-family:arial,sans-serif" in css
    assert "GDS Transport" not in css and "@font-face" not in css
    assert client.get("/assets/fonts/bold-b542beb274-v2.woff2").status_code == 404


# --- worklists --------------------------------------------------------------------------------------------


def test_my_tasks_shows_the_significant_change_with_its_child_process_and_working_days_left(client, auth, app, town):
    council.report_change(town.north_child)  # Monday 12 April: due within 2 WD, by Wednesday 14 April
    auth.sign_in("iro1")
    page = client.get("/tasks").text
    assert "My tasks (1)" in page
    assert f'href="/children/{town.north_child}">Alex North</a>' in page and "4120389A" in page
    assert f'href="/tasks/{the_task("iro1")}">Consider the significant change</a>' in page
    assert "Significant change" in page and "14 April 2027" in page and "2 working days left" in page
    other = app.test_client()
    sign_in(other, "iro2")
    assert "You have no tasks" in other.get("/tasks").text


def test_overdue_tasks_come_first_in_red(client, auth, town):
    council.report_change(town.south_child)  # due Wednesday 14 April
    timers.move_clock(START + timedelta(days=3), actor="test")  # Thursday 15 April
    council.report_change(town.north_child, date="2027-04-15")  # due Monday 19 April
    with writing():
        db.session.execute(
            update(HumanTask).where(HumanTask.process_id == "significant_change").values(assignee="iro1")
        )
    auth.sign_in("iro1")
    page = client.get("/tasks").text
    assert page.index("Bo South") < page.index("Alex North")
    assert '<strong class="govuk-tag govuk-tag--red">Overdue by 1 working day</strong>' in page
    assert "2 working days left" in page
    overdue = client.get("/tasks?due=overdue").text
    assert "Bo South" in overdue and "Alex North" not in overdue


def test_filters_and_pages(client, auth, town):
    for n in range(30):
        council.report_change(town.north_child, date=f"2027-04-{n % 12 + 1:02d}")
    auth.sign_in("iro1")
    first = client.get("/tasks").text
    assert "My tasks (30)" in first and first.count("Consider the significant change</a>") == 25
    assert 'class="govuk-pagination' in first and 'href="/tasks?page=2"' in first
    assert client.get("/tasks?page=2").text.count("Consider the significant change</a>") == 5
    filtered = client.get("/tasks?team=NE&task_type=Consider+the+significant+change&page=2").text
    assert filtered[filtered.index("<table") :].count("Consider the significant change</a>") == 5
    assert 'href="/tasks?team=NE&amp;task_type=Consider+the+significant+change&amp;page=1"' in filtered
    # each filter chosen is listed with a link that removes it alone, back to the first page
    assert (
        '<a class="moj-filter__tag" href="/tasks?team=NE"><span class="govuk-visually-hidden">Remove this filter</span>'
        " Consider the significant change</a>" in filtered
    )
    assert '<a class="moj-filter__tag" href="/tasks?task_type=Consider+the+significant+change">' in filtered
    assert "No tasks match the filters" in client.get("/tasks?team=South").text


def test_an_unassigned_task_is_picked_up_and_given_back(client, auth, town):
    council.report_change(town.north_child)
    task_id = the_task("iro1")
    worklist.release(who("iro1"), task_id)
    auth.sign_in("iro2")
    page = client.get("/tasks/unassigned").text
    assert "Unassigned (1)" in page and "Pick up" in page
    response = post_form(client, f"/tasks/{task_id}/claim", {}, page_url="/tasks/unassigned")
    assert response.status_code == 302 and response.location == f"/tasks/{task_id}"
    page = client.get(f"/tasks/{task_id}").text
    assert "You have picked up this task" in page and "Give back" in page
    assert worklist.my_tasks(who("iro2")).total == 1
    response = post_form(client, f"/tasks/{task_id}/release", {}, page_url=f"/tasks/{task_id}")
    assert response.status_code == 302 and response.location == "/tasks"
    assert worklist.my_tasks(who("iro2")).total == 0 and worklist.unassigned(who("iro2")).total == 1


# --- access -----------------------------------------------------------------------------------------------


def test_another_iros_task_and_another_teams_child_look_like_nothing_at_all(client, auth, town):
    council.report_change(town.south_child)
    south_task = the_task("iro2")
    auth.sign_in("iro1")
    for url in (f"/tasks/{south_task}", f"/children/{town.south_child}", "/tasks/99999", "/children/99999"):
        response = client.get(url)
        assert response.status_code == 404 and "Page not found" in response.text, url
        assert "Bo South" not in response.text and "43235" not in response.text
    assert post_form(client, f"/tasks/{south_task}", VALID, page_url="/tasks").status_code == 404
    assert worklist.my_tasks(who("iro2")).total == 1


# --- the task page ----------------------------------------------------------------------------------------


def test_the_task_page_shows_the_child_the_deadline_and_where_the_step_sits(client, auth, town):
    council.report_change(town.north_child)
    auth.sign_in("iro1")
    page = client.get(f"/tasks/{the_task('iro1')}").text
    for text in (
        "Alex North",
        "4120389A",
        "4 March 2012",
        "North East",
        "Looked after",
        "Ira One",
        "Sam North",
        "14 April 2027",
        "2 working days left",
        "Where this step sits",
        'aria-current="step"',
        "Does this change need an early review?",
        "Save and come back later",
        "Give back",
    ):
        assert text in page, text


def test_an_invalid_answer_shows_the_error_summary(client, auth, town):
    council.report_change(town.north_child)
    auth.sign_in("iro1")
    task_id = the_task("iro1")
    response = submit(client, task_id, client.get(f"/tasks/{task_id}").text, {"early_review_date": NO_DATE})
    assert response.status_code == 400 and "<title>Error: " in response.text
    assert 'href="#decision">Select whether this change needs an early review' in response.text
    assert worklist.my_tasks(who("iro1")).total == 1


def test_a_draft_is_saved_and_shown_again(client, auth, town):
    council.report_change(town.north_child)
    auth.sign_in("iro1")
    url = f"/tasks/{the_task('iro1')}"
    response = post_form(
        client,
        url,
        {
            "action": "draft",
            "decision": "convene_early_review",
            "early_review_date": ["03", "05", "2027"],
            "reason": "Half written",
        },
    )
    assert response.status_code == 302 and response.location == url
    page = client.get(url).text
    assert "Your answers have been saved" in page
    assert 'value="convene_early_review" checked' in page and ">Half written</textarea>" in page
    assert re.findall(r'name="early_review_date" type="text" value="(\d+)"', page) == ["03", "05", "2027"]
    assert worklist.my_tasks(who("iro1")).total == 1


def test_submitting_completes_the_task_and_puts_it_on_the_childs_timeline(client, auth, town):
    council.report_change(town.north_child)
    auth.sign_in("iro1")
    task_id = the_task("iro1")
    response = submit(client, task_id, client.get(f"/tasks/{task_id}").text)
    assert response.status_code == 302 and response.location == "/tasks"
    page = client.get("/tasks").text
    assert "Task completed" in page and "You have no tasks" in page
    timeline = client.get(f"/children/{town.north_child}").text
    assert "Task completed: Consider the significant change" in timeline and "by Ira One" in timeline
    assert "Significant change: missing over 3 days" in timeline
    assert db.session.get(HumanTask, task_id).status == TaskStatus.COMPLETED


def test_a_stale_form_saves_nothing_and_says_so(client, auth, town):
    council.report_change(town.north_child)
    auth.sign_in("iro1")
    task_id = the_task("iro1")
    page = client.get(f"/tasks/{task_id}").text
    tasks.submit(who("iro1"), task_id, {**VALID, "early_review_date": None, "reason": "First"})
    response = submit(client, task_id, page)
    assert response.status_code == 409 and CONFLICT in response.text
    assert "This task was completed by Ira One" in response.text


def test_a_manager_sees_the_task_read_only_and_reassigns_it_within_their_area(client, auth, town):
    council.report_change(town.north_child)
    council.report_change(town.south_child)
    north_task, south_task = the_task("iro1"), the_task("iro2")
    auth.sign_in("tm.ne")
    page = client.get(f"/tasks/{north_task}").text
    assert "This task is assigned to Ira One" in page and "Save and come back later" not in page
    assert '<option value="iro2">Ira Two</option>' in page
    response = post_form(client, f"/tasks/{north_task}/reassign", {"assignee": "iro2"}, page_url=f"/tasks/{north_task}")
    assert response.status_code == 302
    assert "The task is now with Ira Two" in client.get(f"/tasks/{north_task}").text
    assert worklist.my_tasks(who("iro2")).total == 2 and worklist.my_tasks(who("iro1")).total == 0
    assert client.get(f"/tasks/{south_task}").status_code == 404


def test_an_iro_is_not_offered_reassigning(client, auth, town):
    council.report_change(town.north_child)
    auth.sign_in("iro1")
    assert "Reassign" not in client.get(f"/tasks/{the_task('iro1')}").text


# --- notifications ----------------------------------------------------------------------------------------


def test_a_reminder_shows_as_an_unread_notification_until_marked_read(client, auth, town):
    council.report_change(town.north_child)  # the reminder is due 1 WD later, at the end of Tuesday 13 April
    timers.move_clock(START + timedelta(days=4), actor="test")
    auth.sign_in("iro1")
    page = client.get("/notifications").text
    assert "Notifications (1 unread)" in page and "New</strong>" in page
    assert "Reminder: a significant change needs your decision" in page
    response = post_form(client, "/notifications/read", {}, page_url="/notifications")
    assert response.status_code == 302
    page = client.get("/notifications").text
    assert "Notifications (0 unread)" in page and "New</strong>" not in page


@pytest.mark.parametrize("https", [False, True])
def test_the_session_cookie_is_httponly_and_secure_when_served_over_https(app_factory, https):
    served = app_factory(HTTPS=https)
    ready(served)
    served.test_client_class = RequestClient
    with served.app_context():
        council.build()
        cookie = sign_in(served.test_client(), "iro1").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) is https


# --- reporting a significant change ---------------------------------------------------------------


def test_a_social_worker_reports_a_significant_change_and_the_iro_gets_the_task(client, auth, town):
    auth.sign_in("sw.north")
    url = f"/children/{town.north_child}/significant-change"
    response = post_form(
        client,
        url,
        {
            "kind": "school_exclusion_over_5_days",
            "date": ["9", "4", "2027"],
            "details": "Excluded for six days after a fight.",
            "care_plan_change": "none",
            "care_plan_description": "",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/children/{town.north_child}")
    case_page = client.get(f"/children/{town.north_child}").text
    assert "The child&#39;s IRO has been asked to consider an early review" in case_page
    assert "Excluded for six days after a fight." in case_page
    [row] = worklist.my_tasks(who("iro1")).rows
    assert row.title == "Consider the significant change" and row.child_name == "Alex North"


@pytest.mark.parametrize(
    "answers, messages",
    [
        ({}, ["Choose the kind of change", "Enter when it happened", "Enter what happened"]),
        (
            {"kind": "complaint", "date": ["1", "1", "2099"], "details": "x", "care_plan_change": "none"},
            ["When did it happen? cannot be in the future"],
        ),
        (
            {
                "kind": "change_of_placement",
                "date": ["9", "4", "2027"],
                "details": "Moving to lodgings.",
                "care_plan_change": "regulated_to_unregulated_before_18",
                "care_plan_description": "",
            },
            ["Describe the proposed change to the care plan"],
        ),
    ],
)
def test_a_significant_change_form_with_problems_says_what_and_records_nothing(client, auth, town, answers, messages):
    auth.sign_in("sw.north")
    url = f"/children/{town.north_child}/significant-change"
    response = post_form(client, url, {"date": NO_DATE, **answers})
    assert response.status_code == 400 and "There is a problem" in response.text
    for message in messages:
        assert message in response.text
    assert worklist.my_tasks(who("iro1")).rows == []


def test_nobody_reports_a_change_for_a_child_they_do_not_see(client, auth, town):
    auth.sign_in("sw.south")
    assert client.get(f"/children/{town.north_child}/significant-change").status_code == 404
