"""The demo council: Coventry's IRO caseloads of July 2012, people in every role, and
significant-change work at every stage; loaded only where it belongs."""
import csv
import re
from collections import Counter

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from service import cases, clock, demo, people, roles
from service.db import db
from service.errors import ServiceError
from service.models import Child, HumanTask, OutboxMessage, TaskStatus, Team, User, UserRole


def test_the_demo_council_has_the_july_2012_caseloads_and_work_at_every_stage(app):
    summary = demo.load()

    assert (summary.users, summary.iros) == (80, 13)
    assert (summary.looked_after, summary.short_breaks, summary.cp_plans) == (668, 64, 475)
    assert summary.completed_tasks == 40 and summary.open_tasks == 80
    with open(demo.DATA / "iro_caseloads_july_2012.csv", newline="") as f:
        for row in csv.DictReader(f):
            iro = people.user_by_username(row["iro"].lower())
            reviewing = db.session.scalar(select(func.count()).where(Child.iro_id == iro.id, Child.looked_after))
            chairing = db.session.scalar(select(func.count()).where(Child.cp_iro_id == iro.id, Child.cp_plan))
            assert (iro.fte, reviewing, chairing) == (float(row["fte"]), int(row["lac_children"] or 0),
                                                       int(row["cp_children"] or 0)), row["iro"]
    short_breaks = Counter(db.session.scalars(select(Team.code).join(Child, Child.team_id == Team.id)
                                              .where(Child.legal_status == cases.SHORT_BREAKS)))
    assert short_breaks.most_common(1)[0] == ("CDT", 56)
    caseloads = Counter(db.session.scalars(select(Child.social_worker_id)))
    assert len(caseloads) == 43 and min(caseloads.values()) >= 15 and max(caseloads.values()) <= 30
    case_numbers = db.session.scalars(select(Child.case_number)).all()
    for style in (r"\d{7}[A-Z]", r"CCC\d{9}PER", r"\d{5}"):
        assert any(re.fullmatch(style, number) for number in case_numbers), style

    held = db.session.execute(select(UserRole.role, UserRole.team_id, UserRole.service_area)).all()
    teams = db.session.scalars(select(Team)).all()
    assert {t.code for t in teams} == {"15+", "CDT", "LAC", "UAS", "NE", "NW", "RAS", "South"}
    assert {t.id for t in teams} == {team for role, team, _ in held if role == roles.TEAM_MANAGER}
    for role in (roles.ISM, roles.HEAD_OF_SERVICE):
        assert {t.service_area for t in teams} == {area for r, _, area in held if r == role}
    assert {role for role, *_ in held} == set(roles.ALL)

    open_tasks = db.session.scalars(select(HumanTask).where(HumanTask.status == TaskStatus.OPEN)).all()
    iros = set(db.session.scalars(select(User.username).where(User.username.like("iro%"))))
    assert {t.spec_name for t in open_tasks} == {"consider_change"} and {t.assignee for t in open_tasks} <= iros
    now = clock.now()
    assert sum(t.due_at < now for t in open_tasks) > 0 and sum(t.due_at > now for t in open_tasks) > 0
    subjects = Counter(db.session.scalars(select(OutboxMessage.subject)))
    assert any(s.startswith("Overdue") for s in subjects) and any(s.startswith("Reminder") for s in subjects)
    completed_by = db.session.scalars(select(HumanTask.completed_by).where(
        HumanTask.status == TaskStatus.COMPLETED)).all()
    assert set(completed_by) <= iros

    for username, _ in demo.sign_ins():  # every role and scope
        assert people.sign_in(username, "demo", "127.0.0.1") is not None, username
    # and every other user: scrypt takes 0.1 s a check, so each distinct hash is checked once
    assert all(db.session.scalars(select(User.active)))
    assert all(check_password_hash(h, "demo") for h in set(db.session.scalars(select(User.password_hash))))


def test_demo_data_loads_only_into_an_empty_database_outside_production(app):
    app.config["IRO_MODE"] = "production"
    with pytest.raises(ServiceError, match="only in demo or test mode"):
        demo.load()
    app.config["IRO_MODE"] = "test"
    people.create_user("someone", "Some One", "someone@council.example")
    db.session.commit()
    with pytest.raises(ServiceError, match="the database already has users"):
        demo.load()
    assert db.session.scalar(select(func.count(Child.id))) == 0


def test_every_kind_of_significant_change_has_a_demo_sentence():
    assert set(demo.CHANGE_DETAILS) == set(cases.SIGNIFICANT_CHANGES)
