"""An alert's page starts with where it waits now (who, what, by when), and an IRO's "Alerts I raised"
lists their own alerts only (docs/domain.md C). Driven through the shipped diagram on the
application clock, read through the pages as a browser would."""

import pytest

from tests.support.app import RequestClient
from tests.support.lifecycle import Life
from tests.support.pages import client_for, text
from tests.web.test_alert_pages import raise_alert, the_alert


@pytest.fixture
def life(app_factory):
    """Alex North (team NE, IRO iro1) looked after from Monday 8 January 2024."""
    app = app_factory()
    app.test_client_class = RequestClient
    with app.app_context():
        run = Life(app, False, "2024-01-07")
        child = run.allocated()
        yield run, child, app


def where_it_waits(app, username, alert_id) -> str:
    page = text(client_for(app, username).get(f"/alerts/{alert_id}").text)
    return page.split("Where it waits now", 1)[1].split("Child", 1)[0]


def test_at_stage_1_it_waits_for_the_team_manager_to_respond(life):
    run, child, app = life
    alert_id = raise_alert(run, child)  # raised on Monday 8 January 2024: 5 working days to respond
    run.on("2024-01-10")
    waits = where_it_waits(app, "iro1", alert_id)
    assert (
        "Waiting for the Team Manager (Tia Manager) to respond at stage 1 by 15 January 2024 (3 working days left)"
        in waits
    )
    assert "Current stage" not in waits


def test_past_its_due_date_it_says_how_overdue(life):
    run, child, app = life
    alert_id = raise_alert(run, child)
    run.on("2024-01-17")  # due on Monday 15th
    waits = where_it_waits(app, "tm.ne", alert_id)
    assert "to respond at stage 1 by 15 January 2024 (overdue by 2 working days)" in waits


def test_at_the_iros_decision_it_waits_for_the_iro(life):
    run, child, app = life
    alert_id = raise_alert(run, child)
    run.do(child, "respond", response="No.", actions_agreed=[])
    waits = where_it_waits(app, "tm.ne", alert_id)
    assert "Waiting for the IRO (Ira One) to make the IRO's decision on stage 1" in waits
    assert "Team Manager" not in waits


def test_at_the_cafcass_consultation_it_waits_for_both_heads_until_each_confirms(life):
    run, child, app = life
    alert_id = raise_alert(run, child)
    run.do(child, "respond", response="No.", actions_agreed=[])
    run.do(child, "record_outcome", outcome="escalate_early", escalate_to="3", outcome_notes="Drift.")
    run.do(child, "respond", response="No.", actions_agreed=[])
    run.do(child, "record_outcome", outcome="cafcass", outcome_notes="Human rights at risk.")
    waits = where_it_waits(app, "iro1", alert_id)
    assert "Waiting for the Head of Service (Hal North) to confirm the CAFCASS consultation by " in waits
    assert "Waiting for the Head of Safeguarding (Hana Safe) to confirm the CAFCASS consultation by " in waits
    assert "working days left)" in waits and "Stage 3" not in waits
    run.do(child, "consult_safeguarding", consulted_on="2024-01-08", advice="Refer.", confirmed=True)
    waits = where_it_waits(app, "iro1", alert_id)
    assert "Head of Service (Hal North) to confirm the CAFCASS consultation" in waits
    assert "Head of Safeguarding" not in waits


def test_a_closed_alert_says_how_it_ended_and_waits_for_nobody(life):
    run, child, app = life
    alert_id = raise_alert(run, child)
    run.do(child, "respond", response="Agreed.", actions_agreed=[])
    run.do(child, "record_outcome", outcome="resolved", outcome_notes="Done.")
    assert the_alert(alert_id).status.value == "resolved"
    page = text(client_for(app, "iro1").get(f"/alerts/{alert_id}").text)
    assert "Where it waits now" not in page and "Status Resolved" in page


@pytest.mark.postgres
def test_alerts_i_raised_lists_the_iros_own_alerts_open_first_and_nobody_elses(life):
    run, child, app = life
    closed = raise_alert(run, child)
    run.do(child, "respond", response="Agreed.", actions_agreed=[])
    run.do(child, "record_outcome", outcome="resolved", outcome_notes="Done.")
    run.on("2024-01-10")
    still_open = raise_alert(run, child)

    iro = client_for(app, "iro1")
    page = iro.get("/alerts/raised").text
    assert 'href="/alerts/raised"' in iro.get("/tasks").text  # in the IRO's navigation
    assert page.index(f'href="/alerts/{still_open}"') < page.index(f'href="/alerts/{closed}"')
    words = text(page)
    assert "Waiting for the Team Manager (Tia Manager) to respond at stage 1 by 17 January 2024" in words
    assert "Resolved on 8 January 2024, at stage 1 (Team Manager)" in words

    other = client_for(app, "iro2").get("/alerts/raised")  # another IRO raised none of them
    assert other.status_code == 200 and "You have not raised any management alerts." in other.text
    assert f"/alerts/{still_open}" not in other.text
    for username in ("tm.ne", "rqam", "sw.north"):  # only IROs raise alerts
        assert client_for(app, username).get("/alerts/raised").status_code == 404, username
