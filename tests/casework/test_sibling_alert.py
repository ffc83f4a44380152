"""One management alert for a sibling group (case study 4; docs/adr/0019, docs/domain.md C8), run
by the shipped diagram on the application clock, straight and with a restart between steps: one
instance answered once per stage, counted once in the register with its children, the printable
form listing them all, and each person seeing only the children they see."""

from datetime import date

import pytest
from sqlalchemy import func, select

from service.casework import alerts
from service.casework import children as cases
from service.db import db
from service.errors import InvalidData
from service.models import AlertStatus, HumanTask, InstanceChild, ManagementAlert, TaskStatus
from service.people import accounts as people
from service.reports import alert_register
from tests.support.alerts import CONCERNS, AlertLife
from tests.support.app import RequestClient
from tests.support.lifecycle import STRAIGHT_AND_RESTARTED
from tests.support.pages import client_for, text, token


@pytest.fixture(params=STRAIGHT_AND_RESTARTED)
def life(app_factory, request):
    app = app_factory()
    app.test_client_class = RequestClient
    with app.app_context():
        yield AlertLife(app, request.param, "2024-01-07")


def three_siblings(run) -> tuple[int, int, int]:
    """Amy and Ben North (social worker sw.north) and Cat North (sw.south), team NE, all looked
    after from Monday 8 January 2024 with iro1 as their IRO, recorded as one another's siblings."""
    run.on("2024-01-08")
    amy = run.looked_after_child("2024-01-08", name="Amy North", case_number="5000001A")
    ben = run.looked_after_child("2024-01-08", name="Ben North", case_number="5000002A")
    cat = run.looked_after_child("2024-01-08", name="Cat North", case_number="5000003A", worker="sw.south")
    cases.change_child(amy, {"siblings": [ben, cat]}, actor="test")
    cases.change_child(ben, {"siblings": [amy, cat]}, actor="test")
    run.step()
    return amy, ben, cat


def who(username):
    return people.identity(people.user_by_username(username).id)


def raise_for_group(run, lead, siblings) -> ManagementAlert:
    alerts.request(who("iro1"), lead, siblings=siblings)
    run.step()
    run.do(
        lead,
        "raise_alert",
        serious_or_urgent=False,
        summary_of_concerns=CONCERNS,
        actions_requested=[{"action": "Plan the placements together."}],
        resolve_by="2024-03-29",
    )
    return run.alert(lead)


def open_tasks_of(instance_id, spec) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(HumanTask)
        .where(HumanTask.instance_id == instance_id, HumanTask.spec_name == spec, HumanTask.status == TaskStatus.OPEN)
    )


def test_one_alert_for_three_siblings_is_answered_once_per_stage_and_counted_once_with_its_children(life):
    run = life
    amy, ben, cat = three_siblings(run)
    alert = raise_for_group(run, amy, [ben, cat])
    assert db.session.scalar(select(func.count()).select_from(ManagementAlert)) == 1
    assert sorted(
        db.session.scalars(select(InstanceChild.child_id).where(InstanceChild.instance_id == alert.instance_id))
    ) == sorted([str(amy), str(ben), str(cat)])
    assert [(c["name"], c["dob"], c["case_number"]) for c in alert.children] == [
        ("Amy North", "2012-03-04", "5000001A"),
        ("Ben North", "2012-03-04", "5000002A"),
        ("Cat North", "2012-03-04", "5000003A"),
    ]
    assert (alert.stage, alert.stage_role) == (1, "Team Manager")
    assert open_tasks_of(alert.instance_id, "respond") == 1  # one response for the three, not three
    assert run.task(amy, "respond").assignee == "tm.ne"  # the lead child's team routes it
    assert [(a.child_name, a.siblings) for a in alerts.for_me(who("tm.ne"))] == [("Amy North", 2)]

    run.on("2024-01-10")
    run.respond(amy)
    run.outcome(amy, "next_stage", "Not resolved.")
    alert = run.alert(amy)
    assert (alert.stage, alert.stage_role) == (2, "Integrated Service Manager")
    assert open_tasks_of(alert.instance_id, "respond") == 1
    run.respond(amy)
    run.outcome(amy, "resolved", "Placements planned together.")
    alert = run.alert(amy)
    assert alert.status == AlertStatus.RESOLVED
    assert [step for _, step in run.steps(amy)].count("response") == 2  # once at each stage

    register = alert_register.register(date(2024, 1, 1), date(2024, 1, 31))
    assert register.raised == 1 and [(row.child_name, row.children) for row in register.rows] == [("Amy North", 3)]
    csv_rows = alert_register.register_csv(date(2024, 1, 1), date(2024, 1, 31)).splitlines()
    assert len(csv_rows) == 2 and csv_rows[1].split(",")[5] == "3"  # the children column

    form = text(client_for(run.app, "rqam").get(f"/alerts/{alert.id}/form").text)
    for name in ("Amy North", "Ben North", "Cat North"):
        assert f"Name of Child: {name} DOB: 4 March 2012" in form


def test_a_social_worker_of_one_sibling_sees_their_childs_part_only(life):
    run = life
    amy, ben, cat = three_siblings(run)
    alert = raise_for_group(run, amy, [ben, cat])
    worker = client_for(run.app, "sw.south")  # Cat's social worker only

    page = worker.get(f"/children/{cat}")
    assert page.status_code == 200
    assert f'href="/alerts/{alert.id}"' in page.text  # the group's alert shows on each sibling's page
    for other in ("Amy North", "Ben North", "5000001A", "5000002A"):
        assert other not in page.text
    alert_page = worker.get(f"/alerts/{alert.id}")
    assert alert_page.status_code == 200 and "Cat North" in alert_page.text
    for other in ("Amy North", "Ben North", "5000001A", "5000002A", f"/children/{amy}", f"/children/{ben}"):
        assert other not in alert_page.text
    form = worker.get(f"/alerts/{alert.id}/form")
    assert form.status_code == 200 and "Amy North" not in form.text and "Cat North" in form.text
    assert worker.get(f"/children/{amy}").status_code == 404

    ben_page = client_for(run.app, "sw.north").get(f"/children/{ben}").text  # sees Amy and Ben, not Cat
    assert f'href="/alerts/{alert.id}"' in ben_page and "Amy North" in ben_page and "Cat North" not in ben_page
    assert "with 1 sibling" in text(ben_page)  # the alert's process, with the sibling this worker sees

    for nobody in ("iro2", "tm.south"):  # sees none of the three
        assert client_for(run.app, nobody).get(f"/alerts/{alert.id}").status_code == 404


def test_one_sibling_ceasing_to_be_looked_after_does_not_cancel_the_groups_alert(life):
    run = life
    amy, ben, cat = three_siblings(run)
    alert = raise_for_group(run, amy, [ben, cat])
    run.event(ben, "ceased_looked_after", "2024-01-08", reason="returned_home")
    run.event(amy, "ceased_looked_after", "2024-01-08", reason="returned_home")  # the lead child too
    alert = run.alert(amy)
    assert alert.status == AlertStatus.OPEN
    assert open_tasks_of(alert.instance_id, "respond") == 1


def test_only_looked_after_siblings_the_iro_sees_join_the_alert(life):
    run = life
    amy, ben, cat = three_siblings(run)
    stranger = run.looked_after_child("2024-01-08", name="Dan South", case_number="5000004A")
    run.event(cat, "ceased_looked_after", "2024-01-08", reason="returned_home")
    for refused in ([cat], [stranger]):
        with pytest.raises(InvalidData) as raised:
            alerts.request(who("iro1"), amy, siblings=refused)
        assert raised.value.errors == {"siblings": "choose only looked-after siblings of the child"}
    assert db.session.scalar(select(func.count()).select_from(ManagementAlert)) == 0


def test_the_iro_ticks_the_siblings_on_the_childs_page(life):
    run = life
    amy, ben, cat = three_siblings(run)
    iro = client_for(run.app, "iro1")
    page = iro.get(f"/children/{amy}").text
    assert f'name="siblings" type="checkbox" value="{ben}"' in page
    assert f'name="siblings" type="checkbox" value="{cat}"' in page
    response = iro.post(
        f"/children/{amy}/management-alert", data={"siblings": [str(ben), str(cat)], "csrf_token": token(page)}
    )
    assert response.status_code == 302 and response.location.startswith("/tasks/")
    form = iro.get(response.location).text
    assert "Ben North, born 4 March 2012" in form and "Cat North, born 4 March 2012" in form
    task = run.task(amy, "raise_alert")
    assert sorted(
        db.session.scalars(select(InstanceChild.child_id).where(InstanceChild.instance_id == task.instance_id))
    ) == sorted([str(amy), str(ben), str(cat)])
