"""The administrator's commands (`flask --app run.py ...`): each takes effect on the next
request, is audited as `cli:<OS user>`, and refuses an unknown person, role or token
changing nothing."""

import getpass
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from service.db import db
from service.models import AuditEvent, User
from service.people import accounts as people
from service.people import roles
from service.workflow import clock
from tests.support import council
from tests.support.app import RequestClient
from tests.support.pages import client_for, sign_in, signed_out
from tests.support.paths import ROOT

NEW = "a kettle on the windowsill"
ACTOR = f"cli:{getpass.getuser()}"


@pytest.fixture
def town(app):
    app.test_client_class = RequestClient
    council.staff()


def flask(app, *args, input=None):
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    db.session.rollback()  # see what the command committed
    return result


def audited(action):
    return [(e.actor, e.details) for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_set_password_ends_every_session_and_the_new_password_signs_in(app, town):
    office = client_for(app, "iro1")
    result = flask(app, "set-password", "iro1", input=f"{NEW}\n{NEW}\n")  # asked twice, hidden
    assert result.exit_code == 0, result.output
    assert "iro1 has a new password; 1 session(s) ended" in result.output and NEW not in result.output
    assert signed_out(office)
    assert sign_in(app.test_client(), "iro1").status_code == 200  # the old password no longer
    assert sign_in(app.test_client(), "iro1", password=NEW).location == "/tasks"
    assert audited("password_set") == [(ACTOR, {"username": "iro1", "sessions_ended": 1})]


@pytest.mark.parametrize(
    "password, message",
    [("short", "at least 12 characters"), ("Qwerty123456", "one of the most commonly used passwords")],
)
def test_set_password_refuses_a_password_the_policy_does_not_allow_changing_nothing(app, town, password, message):
    office, before = client_for(app, "iro1"), audit_count()
    result = flask(app, "set-password", "iro1", "--password-stdin", input=password + "\n")
    assert result.exit_code == 1 and message in result.output
    assert office.get("/tasks").status_code == 200 and audit_count() == before
    assert people.sign_in("iro1", council.PASSWORD, "10.0.0.1") is not None


@pytest.mark.parametrize(
    "command",
    [
        ["set-password", "nobody", "--password-stdin"],
        ["deactivate", "nobody"],
        ["reactivate", "nobody"],
        ["sign-out-everywhere", "nobody"],
        ["remove-role", "nobody", "IRO"],
        ["revoke-token", "nobody"],
        ["set-qualified", "nobody", "yes"],
    ],
)
def test_an_unknown_person_or_token_is_a_clear_error_that_changes_nothing(app, town, command):
    before = audit_count()
    result = flask(app, *command, input=NEW + "\n")
    assert result.exit_code == 1 and "nobody" in result.output and "Traceback" not in result.output
    assert audit_count() == before


def test_removing_a_role_takes_effect_on_the_next_request(app, town):
    owner = client_for(app, "owner")
    assert owner.get("/processes").status_code == 200
    result = flask(app, "remove-role", "owner", roles.PROCESS_OWNER)
    assert result.exit_code == 0, result.output
    assert signed_out(owner)
    again = client_for(app, "owner")
    assert again.get("/processes").status_code == 404  # as the access matrix has it for anyone else
    assert audited("role_removed") == [(ACTOR, {"username": "owner", "role": roles.PROCESS_OWNER})]
    refused = flask(app, "remove-role", "owner", roles.PROCESS_OWNER)
    assert refused.exit_code == 1 and "owner does not hold the role 'Process Owner'" in refused.output
    assert flask(app, "remove-role", "owner", "Wizard").exit_code == 2  # not a role: click lists the roles


def test_a_deactivated_person_s_open_session_gets_the_sign_in_page_and_reactivating_lets_them_back(app, town):
    office = client_for(app, "iro1")
    result = flask(app, "deactivate", "iro1")
    assert result.exit_code == 0 and "iro1 is deactivated" in result.output
    assert signed_out(office)
    assert sign_in(app.test_client(), "iro1").status_code == 200  # "Enter a correct username and password"
    assert flask(app, "reactivate", "iro1").exit_code == 0
    assert client_for(app, "iro1").get("/tasks").status_code == 200
    assert [a for a, _ in audited("user_deactivated") + audited("user_reactivated")] == [ACTOR, ACTOR]


def test_sign_out_everywhere_ends_every_session_of_the_person(app, town):
    office, home, colleague = client_for(app, "iro1"), client_for(app, "iro1"), client_for(app, "iro2")
    result = flask(app, "sign-out-everywhere", "iro1")
    assert result.exit_code == 0 and "2 session(s) of iro1 ended" in result.output
    assert signed_out(office) and signed_out(home) and colleague.get("/tasks").status_code == 200


def api_status(app, token):
    return app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code


def test_tokens_expire_list_without_the_token_and_revoked_ones_are_refused_on_the_next_call(app, town, monkeypatch):
    expiring = flask(app, "create-token", "Case system", "--expires-in-days", "1").output.strip()
    lasting = flask(app, "create-token", "Finance").output.strip()
    assert api_status(app, expiring) == 200 and api_status(app, lasting) == 200
    listed = flask(app, "list-tokens").output
    assert "Case system\tcreated " in listed and "\texpires 20" in listed and "Finance" in listed
    assert "\texpires never\trevoked no" in listed
    assert expiring not in listed and lasting not in listed

    result = flask(app, "revoke-token", "Finance")
    assert result.exit_code == 0 and "the token of Finance is revoked" in result.output
    assert api_status(app, lasting) == 401
    assert "revoked 20" in flask(app, "list-tokens").output
    again = flask(app, "revoke-token", "Finance")
    assert again.exit_code == 1 and "was revoked already" in again.output

    day_later = clock.real_now() + timedelta(days=1, seconds=1)
    monkeypatch.setattr(clock, "real_now", lambda: day_later)
    assert api_status(app, expiring) == 401
    assert [d["client"] for _, d in audited("token_created")] == ["Case system", "Finance"]
    assert audited("token_revoked") == [(ACTOR, {"client": "Finance"})]


def test_create_user_holds_to_the_policy(app, town):
    result = flask(
        app,
        "create-user",
        "jsmith",
        "--name",
        "Jo Smith",
        "--email",
        "jo@council.example",
        "--password-stdin",
        input="password\n",
    )
    assert result.exit_code == 1 and "at least 12 characters" in result.output
    assert db.session.scalar(select(User).where(User.username == "jsmith")) is None
    made = flask(
        app, "create-user", "jsmith", "--name", "Jo Smith", "--email", "jo@council.example", input=f"{NEW}\n{NEW}\n"
    )
    assert made.exit_code == 0, made.output
    assert audited("user_created") == [(ACTOR, {"username": "jsmith"})]


@pytest.mark.server
def test_set_password_from_a_real_shell_reads_standard_input(app, town, database_url):
    """As an administrator runs it on the server: a process of its own, the password piped in."""
    env = {
        **os.environ,
        "IRO_MODE": "test",
        "DATABASE_URL": database_url,
        "IRO_SCHEDULER_IN_PROCESS": "0",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "flask", "--app", "run.py", "set-password", "iro2", "--password-stdin"]
    ran = subprocess.run(command, cwd=ROOT, env=env, input=NEW + "\n", capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert people.sign_in("iro2", NEW, "10.0.0.1") is not None


def test_set_qualified_records_whether_a_social_worker_is_qualified(app, town):
    def qualified():
        return people.user_by_username("sw.north").qualified_social_worker

    assert qualified() is None
    result = flask(app, "set-qualified", "sw.north", "no")
    assert result.exit_code == 0, result.output
    assert "sw.north is recorded as an unqualified case holder" in result.output and qualified() is False
    assert flask(app, "set-qualified", "sw.north", "YES").exit_code == 0 and qualified() is True
    assert flask(app, "set-qualified", "sw.north", "unknown").exit_code == 0 and qualified() is None
    user_id = people.user_by_username("sw.north").id
    assert [details for _, details in audited("qualified_social_worker")] == [
        {"user_id": user_id, "qualified": False},
        {"user_id": user_id, "qualified": True},
        {"user_id": user_id, "qualified": None},
    ]
    before = audit_count()
    assert flask(app, "set-qualified", "sw.north", "maybe").exit_code == 2 and audit_count() == before
    assert qualified() is None
