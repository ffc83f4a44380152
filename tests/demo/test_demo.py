"""The demo council: Coventry's IRO caseloads of July 2012, people in every role, and its
looked-after work at realistic stages, all run by the shipped diagrams on a replayed
clock; loaded only where it belongs.

The full load takes a minute or so, so the tests that read the loaded council share one
load (a module-scoped database of its own), made as `make run` makes it."""

import csv
import io
import re
import shutil
from collections import Counter, defaultdict
from contextlib import redirect_stdout
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from service import create_app
from service.casework import alerts, codes, participation
from service.db import db
from service.demo import alerts as demo_alerts
from service.demo import child_views as demo_child_views
from service.demo import council as demo
from service.demo import feedback as demo_feedback
from service.demo import processes as demo_processes
from service.demo import protection as demo_protection
from service.diagrams import deployments
from service.diagrams import instance_migration as migration
from service.diagrams.diff import ValueChange
from service.errors import ServiceError
from service.models import (
    AlertEntry,
    AlertStatus,
    CaseNote,
    Child,
    ChildEvent,
    ChildViews,
    ChildViewsFile,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    CpEpisode,
    CpEpisodeStatus,
    CpPlan,
    FeedbackResponse,
    HumanTask,
    LookedAfterEpisode,
    ManagementAlert,
    OutboxMessage,
    PublicLink,
    RagNotification,
    RagStatus,
    Review,
    ReviewStatus,
    TaskStatus,
    Team,
    User,
    UserRole,
)
from service.people import accounts as people
from service.people import roles
from service.reports import feedback_summary, minutes_backlog, review_figures
from service.voices import links
from service.workflow import clock
from service.workflow import working_days as calendar
from tests.support.app import RequestClient
from tests.support.pages import token

SITE = "http://127.0.0.1:5000"

WAITING = (ReviewStatus.DUE, ReviewStatus.BOOKED, ReviewStatus.ADJOURNED)
POST_REVIEW = {
    "grade_care_plan",
    "send_decisions",
    "circulate_decisions",
    "complete_record",
    "distribute_record",
    "starred_done",
}
# the follow-ups the RAG notification's "Action required" options start (bpmn/rag_notification.bpmn); the
# history rules' meet_case_holders and ask_about_alert come only after a second Red or Amber
ACTION_FOLLOW_UPS = {"sw_response", "tm_response", "review_progress", "written_update", "judge_update"}


@pytest.fixture(scope="module")
def loaded(sqlite_template, tmp_path_factory):
    """The demo loaded once into a database of its own, as `make run` loads it; its summary and
    everything the load printed."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    shutil.copy(sqlite_template, path)
    app = create_app(
        {
            "TESTING": True,
            "IRO_MODE": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SCHEDULER_IN_PROCESS": False,
        }
    )
    app.test_client_class = RequestClient
    with redirect_stdout(io.StringIO()) as printed:
        summary = demo.load_if_empty(app, SITE)
    with app.app_context():
        yield summary, printed.getvalue()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def council(loaded):
    """The summary of the loaded council."""
    return loaded[0]


@pytest.fixture(scope="module")
def window(council):
    """(go-live, today): the days the demo replayed."""
    today = calendar.london_date(clock.now())
    return demo.go_live_for(today), today


def open_tasks(*where):
    return db.session.scalars(select(HumanTask).where(HumanTask.status == TaskStatus.OPEN, *where)).all()


def entrants(go_live):
    """The episodes of the looked-after children who came into care since go-live (not from a CP plan)."""
    return db.session.scalars(
        select(LookedAfterEpisode).where(
            LookedAfterEpisode.started_on >= go_live,
            LookedAfterEpisode.ceased_on.is_(None),
            LookedAfterEpisode.child_id.not_in(
                select(CpPlan.child_id).where(CpPlan.became_looked_after_on.is_not(None))
            ),
        )
    ).all()


def notices(subject_start):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject.startswith(subject_start))).all()


@pytest.mark.slow  # the demo council takes minutes to load
def test_the_demo_council_has_the_july_2012_caseloads_and_people_in_every_role(council):
    assert (council.users, council.iros) == (83, 13)
    # the window's child protection work: two children on plans became looked after, seven plans ended
    # and fifteen began
    assert (council.looked_after, council.short_breaks, council.cp_plans) == (668 + demo_protection.CP_TO_LAC, 64, 483)
    cp_to_lac = select(CpPlan.child_id).where(CpPlan.became_looked_after_on.is_not(None))
    assert council.seconds > 0 and f"loaded in {council.seconds:.0f} s" in str(council)
    with open(demo.DATA / "iro_caseloads_july_2012.csv", newline="") as f:
        for row in csv.DictReader(f):
            iro = people.user_by_username(row["iro"].lower())
            reviewing = db.session.scalar(
                select(func.count()).where(Child.iro_id == iro.id, Child.looked_after, Child.id.not_in(cp_to_lac))
            )
            chairing = db.session.scalar(  # the plans taken on at go-live, ended since or not
                select(func.count())
                .select_from(CpPlan)
                .join(Child, Child.id == CpPlan.child_id)
                .where(CpPlan.chair_id == iro.id, ~Child.case_number.like("5______%"))
            )
            assert (iro.fte, reviewing, chairing) == (
                float(row["fte"]),
                int(row["lac_children"] or 0),
                int(row["cp_children"] or 0),
            ), row["iro"]
    short_breaks = Counter(
        db.session.scalars(
            select(Team.code)
            .join(Child, Child.team_id == Team.id)
            .where(Child.looked_after, Child.legal_status == codes.SHORT_BREAKS)
        )
    )
    assert short_breaks.most_common(1)[0] == ("CDT", 56)
    caseloads = Counter(db.session.scalars(select(Child.social_worker_id)))
    assert (
        len(caseloads) == 43 and min(caseloads.values()) >= 15 and max(caseloads.values()) <= 31
    )  # 29 or 30, and the window's new child protection work
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

    for username, _ in demo.sign_ins():  # every role and scope
        assert people.sign_in(username, "demo", "127.0.0.1") is not None, username
    # and every other user: scrypt takes 0.1 s a check, so each distinct hash is checked once
    assert all(db.session.scalars(select(User.active)))
    assert all(check_password_hash(h, "demo") for h in set(db.session.scalars(select(User.password_hash))))


@pytest.mark.slow  # the demo council takes minutes to load
def test_the_clock_ends_at_real_time(council):
    assert 0 <= clock.offset_seconds() < 1
    assert abs((clock.now() - clock.real_now()).total_seconds()) < 60


@pytest.mark.slow  # the demo council takes minutes to load
def test_the_load_prints_a_line_a_week_what_it_loaded_and_who_to_sign_in_as(loaded, window):
    summary, printed = loaded
    go_live, today = window
    lines = printed.splitlines()
    assert lines[0] == (
        f"Loading the demo council: replaying the service from go-live, {go_live:%-d %B %Y}, to today, a day at a time"
    )
    weeks = (today - go_live).days // 7 + 1
    progress = [
        re.fullmatch(r"  week (\d+) of (\d+), to (.+): ([\d,]+) children, ([\d,]+) tasks done", line)
        for line in lines[1 : weeks + 1]
    ]
    assert all(progress), lines[1 : weeks + 1]
    assert [(int(p[1]), int(p[2])) for p in progress] == [(week, weeks) for week in range(1, weeks + 1)]
    assert [p[3] for p in progress] == [
        f"{day:%-d %B %Y}" for day in [go_live + timedelta(days=7 * week - 1) for week in range(1, weeks)] + [today]
    ]
    done = [int(p[5].replace(",", "")) for p in progress]
    assert done == sorted(done) and done[0] > 0 and done[-1] == summary.completed_tasks
    assert int(progress[-1][4].replace(",", "")) == db.session.scalar(select(func.count(Child.id)))
    # then the summary, as it always was, and where to sign in as whom
    summary_lines = str(summary).splitlines()
    assert lines[weeks + 1 : weeks + 1 + len(summary_lines)] == summary_lines
    guide = lines[weeks + 1 + len(summary_lines) :]
    assert guide[0] == f"Sign in at {SITE}/sign-in, password demo, as:"
    usernames = dict(line.strip().split(": ") for line in guide[1:])
    assert set(usernames) == set(roles.ALL)
    assert (usernames[roles.IRO], usernames[roles.SOCIAL_WORKER]) == ("iro01 to iro13", "sw01 to sw43")
    assert usernames[roles.TEAM_MANAGER].split(", ") == [
        f"tm.{code}" for code in ("lac", "15plus", "uas", "cdt", "ne", "nw", "south", "ras")
    ]
    # the page it names signs in anyone it lists, with the password it gives
    path = guide[0].split()[3].removeprefix(SITE).rstrip(",")
    for role, who in usernames.items():
        client = current_app.test_client()
        signed_in = client.post(
            path,
            data={
                "username": who.split()[0].rstrip(","),
                "password": "demo",
                "csrf_token": token(client.get(path).text),
            },
        )
        assert signed_in.location == "/tasks", role


@pytest.mark.slow  # the demo council takes minutes to load
def test_every_looked_after_child_has_an_episode_with_the_iro_the_diagram_named(council, window):
    go_live, _ = window
    looked_after = db.session.scalars(select(Child).where(Child.looked_after)).all()
    episodes = {
        e.child_id: e
        for e in db.session.scalars(select(LookedAfterEpisode).where(LookedAfterEpisode.ceased_on.is_(None)))
    }
    assert len(episodes) == len(looked_after) == 668 + demo_protection.CP_TO_LAC
    for child in looked_after:
        episode = episodes[child.id]
        assert child.iro_id is not None and episode.iro_id == child.iro_id, child.id
        assert episode.started_on == child.looked_after_since, child.id
    assert open_tasks(HumanTask.spec_name == "allocate") == []
    # children who came into care in the window: named within 5 WD, but for the two planned late ones
    came = entrants(go_live)
    assert len(came) == demo.ENTRANTS and sum(e.short_breaks for e in came) == demo.SHORT_BREAK_ENTRANTS
    assert all(e.allocated_on is not None for e in came)
    assert [e.allocation_met for e in came].count(False) == len(demo.LATE_ALLOCATIONS_WD)
    assert len(notices("Overdue: no IRO allocated")) == len(demo.LATE_ALLOCATIONS_WD)
    # the others were taken on at go-live with their IRO and next review: no allocation
    taken_on = [e for e in episodes.values() if e.started_on < go_live]
    assert len(taken_on) == 668 - demo.ENTRANTS
    assert {(e.allocation_due, e.allocated_on, e.allocation_met) for e in taken_on} == {(None, None, None)}


@pytest.mark.slow  # the demo council takes minutes to load
def test_every_looked_after_child_has_a_current_review_and_the_work_is_at_every_stage(council, window):
    go_live, today = window
    waiting = Counter(
        db.session.scalars(
            select(Review.child_id)
            .join(Child, Child.id == Review.child_id)
            .where(Child.looked_after, Review.status.in_(WAITING))
        )
    )
    assert len(waiting) == 668 + demo_protection.CP_TO_LAC and set(waiting.values()) == {1}
    # children taken on at go-live: some had their next review in the window, the others have it booked
    # after today, within its due date; their reviews carry on the numbering they came with
    reviews = defaultdict(list)
    for review in db.session.scalars(
        select(Review)
        .join(LookedAfterEpisode, LookedAfterEpisode.child_id == Review.child_id)
        .where(LookedAfterEpisode.started_on < go_live, LookedAfterEpisode.ceased_on.is_(None))
        .order_by(Review.id)
    ):
        reviews[review.child_id].append(review)
    assert len(reviews) == 668 - demo.ENTRANTS
    reviewed = [child for child, theirs in reviews.items() if theirs[0].status == ReviewStatus.HELD]
    assert demo.REVIEWED_IN_WINDOW - 10 <= len(reviewed) <= demo.REVIEWED_IN_WINDOW + 10  # and a few early reviews
    assert max(theirs[0].number for theirs in reviews.values()) > 5
    for child, theirs in reviews.items():
        first = theirs[0]
        assert first.due_date > go_live, child
        if first.due_date > today and not first.brought_forward:  # booked at go-live, for a day before it is due
            assert first.status == ReviewStatus.BOOKED and today < first.booked_date <= first.due_date, child
            assert first.late_reason is None and first.late_signed_off_on is None, child
    assert {theirs[0].booked_date for theirs in reviews.values()} - {None} <= {
        go_live + timedelta(days=n) for n in range(1, 7 * 52)
    }

    open_now = open_tasks()
    specs = Counter(t.spec_name for t in open_now)
    assert {"book_review", "record_contact", "review_report", "hold_review", "consider_change"} <= set(specs)
    assert len(POST_REVIEW & set(specs)) >= 3, specs
    now = clock.now()
    overdue = [t for t in open_now if t.due_at is not None and t.due_at < now]
    assert 0 < len(overdue) < 0.03 * len(open_now)
    assert {t.spec_name for t in overdue} <= {
        "write_draft",  # the minutes backlog: drafts and approvals stuck (test_minutes_stand_at_every_stage...)
        "approve_minutes",
        "consider_change",
        "review_report",
        "hold_review",
        "send_decisions",
        "circulate_decisions",
        "complete_record",
        "distribute_record",
        "book_review",
        "grade_care_plan",
        "sign_off_late_review",
        "respond",  # the alert overdue at stage 2
        "starred_done",
        *ACTION_FOLLOW_UPS,
    }  # a few days late
    assert all(t.assignee for t in open_now)
    completed_by = set(
        db.session.scalars(
            select(HumanTask.completed_by).where(
                HumanTask.status == TaskStatus.COMPLETED, HumanTask.spec_name.not_in(demo_alerts.SPECS)
            )
        )
    )
    # Team Managers respond to RAG notifications
    assert "rqam" in completed_by and {name[:2] for name in completed_by} == {"rq", "ir", "sw", "tm", "bs", "mi"}


@pytest.mark.slow  # the demo council takes minutes to load
def test_held_reviews_give_figures_like_the_reports(council, window):
    go_live, today = window
    figures = review_figures.report(go_live, today, today)
    overall = figures.overall
    assert council.reviews_held == overall.reviews.held >= 60
    assert overall.reviews.held - overall.reviews.on_time > 0  # some late
    assert 85 <= overall.reviews.percent <= 97  # the report: 92% (5.1)
    assert 85 <= overall.participation.percent <= 97  # the report: 90% (4.4)
    assert overall.short_breaks.held >= 1
    for deadline in overall.deadlines:  # mostly met, a few missed
        assert deadline.met > 0 and deadline.percent >= 80, deadline
    assert sum(deadline.missed for deadline in overall.deadlines) > 0
    assert {row.label for row in figures.by_team} == {"15+", "CDT", "LAC", "UAS", "NE", "NW", "RAS", "South"}
    assert len(figures.by_iro) == 12  # every IRO who reviews looked-after children (iro13 chairs CP only)

    held = db.session.execute(
        select(Review, Child.dob).join(Child, Child.id == Review.child_id).where(Review.status == ReviewStatus.HELD)
    ).all()
    for review, dob in held:
        assert participation.code_problem(review.participation_code, dob, review.held_on) is None
        assert review.held_on <= today and review.iro_id is not None and review.attendees and review.decisions
    codes = Counter(review.participation_code for review, _ in held)
    assert len(codes) >= 5 and codes["PN0"] > 0
    reviews = [review for review, _ in held]
    assert sum(r.number >= 2 for r in reviews) > 0  # some children have had two reviews since go-live
    assert sum(r.report_missing for r in reviews) > 0 and sum(r.late_signed_off_on is not None for r in reviews) > 0
    every = db.session.scalars(select(Review)).all()
    assert sum((r.adjournments or 0) > 0 for r in every) > 0
    assert sum(r.brought_forward is True for r in every) > 0  # early reviews convened after a significant change
    starred = [d for r in reviews for d in r.decisions if d.get("starred")]
    assert starred and {d["category"] for d in starred} <= {"care_plan_action", "accessing_resources", "poor_practice"}
    assert 0 < sum("done_on" in d for d in starred) < len(starred)
    rag = Counter(
        db.session.scalars(
            select(OutboxMessage.subject).where(
                OutboxMessage.subject.startswith("Care plan graded"),
                OutboxMessage.recipient_role == roles.SOCIAL_WORKER,
            )
        )
    )
    assert {subject.split()[3] for subject in rag} == {"Red", "Amber", "Green"}


@pytest.mark.slow  # the demo council takes minutes to load
def test_held_reviews_are_graded_and_their_rag_follow_ups_done_mostly_on_time(council, window):
    _, today = window
    held = {r.id: r for r in db.session.scalars(select(Review).where(Review.status == ReviewStatus.HELD))}
    rags = db.session.scalars(select(RagNotification)).all()
    # one notification for each held review, given on it, but for the last few the IRO has yet to grade
    graded = {rag.review_id: rag for rag in rags}
    assert len(graded) == len(rags) and set(graded) <= set(held)
    assert all(
        rag.review_date == held[rag.review_id].held_on and rag.instance_id == held[rag.review_id].instance_id
        for rag in rags
    )
    waiting = open_tasks(HumanTask.spec_name == "grade_care_plan")
    assert {r.instance_id for r in held.values() if r.id not in graded} == {t.instance_id for t in waiting}
    assert len(waiting) <= 10 and all(held[r].held_on > today - timedelta(days=14) for r in held if r not in graded)
    share = {status: 100 * n / len(rags) for status, n in Counter(rag.status for rag in rags).items()}
    assert (
        52 <= share[RagStatus.GREEN] <= 68 and 22 <= share[RagStatus.AMBER] <= 37 and 6 <= share[RagStatus.RED] <= 16
    )  # the report: 59, 29 and 11 per cent (3.4.9)
    assert all(rag.criteria and rag.actions and rag.case_number and rag.worker_id and rag.iro_id for rag in rags)

    # each follow-up the actions start was done in the replay, by the person the diagram gave it to
    follow_ups = db.session.scalars(
        select(HumanTask).where(HumanTask.spec_name.in_(ACTION_FOLLOW_UPS | {"meet_case_holders", "ask_about_alert"}))
    ).all()
    done = [t for t in follow_ups if t.status == TaskStatus.COMPLETED]
    assert {t.spec_name for t in done} >= ACTION_FOLLOW_UPS
    assert all(t.completed_by == t.assignee for t in done)
    assert {t.assignee[:2] for t in done if t.spec_name == "tm_response"} == {"tm"}
    # mostly on time: a few late, after the overdue notice to the IRO and the ISM
    responses = [t for t in done if t.spec_name in ("sw_response", "tm_response")]
    late = [t for t in responses if calendar.london_date(t.completed_at) > calendar.london_date(t.due_at)]
    assert len(responses) >= 30 and 0 < len(late) <= 0.2 * len(responses)
    assert len(notices("Overdue: no response from the")) >= 2 * len(late)  # the IRO's and the ISM's
    assert len(notices("Response from the")) == len(responses)
    # the IRO finds progress mostly adequate; no follow-up started an alert (the demo's six are demo_alerts')
    progress = Counter(rag.progress for rag in rags if rag.progress)
    assert progress["adequate"] > progress["limited"]
    assert db.session.scalar(select(func.count(ManagementAlert.id))) == len(demo_alerts.ALERTS)
    # today the follow-ups of recent grades stand open, none more than a few working days overdue
    now = clock.now()
    still_open = [t for t in follow_ups if t.status == TaskStatus.OPEN]
    assert {t.spec_name for t in still_open} >= {"written_update"}
    assert all(calendar.working_days_between(t.due_at, now) <= demo.FOLLOW_UP_LATE_WD for t in still_open)


@pytest.mark.slow  # the demo council takes minutes to load
def test_a_few_children_leave_care_and_one_without_a_review_is_flagged(council, window):
    go_live, _ = window
    ceased = db.session.scalars(select(LookedAfterEpisode).where(LookedAfterEpisode.ceased_on.is_not(None))).all()
    assert sorted(e.reviewed_before_ceasing for e in ceased) == [False, True, True, True]
    assert all(e.started_on >= go_live for e in ceased)
    assert len(notices("A child ceased to be looked after without a review")) == 1
    assert open_tasks(HumanTask.child_id.in_([str(e.child_id) for e in ceased])) == []
    assert (
        db.session.scalar(
            select(func.count()).select_from(Child).where(Child.looked_after.is_(False), Child.cp_plan.is_(False))
        )
        == 4 + 7 + 6  # and the plans ended, and the new children of no plan (yet)
    )


@pytest.mark.slow  # the demo council takes minutes to load
def test_significant_changes_reach_the_named_iro_at_every_stage(council, window):
    go_live, _ = window
    changes = db.session.scalars(select(ChildEvent).where(ChildEvent.type == "significant_change")).all()
    assert len(changes) == demo.SIGNIFICANT_CHANGES
    named_on = {e.child_id: e.allocated_on or go_live for e in db.session.scalars(select(LookedAfterEpisode))}
    assert all(named_on[c.child_id] <= c.date for c in changes)  # taken on at go-live, or allocated
    decisions = db.session.scalars(select(HumanTask).where(HumanTask.spec_name == "consider_change")).all()
    status = Counter(t.status for t in decisions)
    assert status[TaskStatus.COMPLETED] > 0 and status[TaskStatus.OPEN] > 0
    iros = set(db.session.scalars(select(User.username).where(User.username.like("iro%"))))
    assert {t.assignee for t in decisions} <= iros
    assert {t.completed_by for t in decisions if t.status == TaskStatus.COMPLETED} <= iros
    now = clock.now()
    still_open = [t for t in decisions if t.status == TaskStatus.OPEN]
    assert any(t.due_at < now for t in still_open) and any(t.due_at > now for t in still_open)
    assert notices("Reminder: a significant change") and notices("Overdue: an IRO has not yet considered")

    # protocol 3.6.3: one care-plan change endorsed by a review and made, two waiting for their review
    proposed = [c for c in changes if c.fields.get("care_plan_change")]
    assert len(proposed) == len(demo.CARE_PLAN_CHANGES)
    made = db.session.scalars(select(HumanTask).where(HumanTask.spec_name == "change_care_plan")).all()
    assert sorted(t.status.value for t in made) == ["completed", "open", "open"]
    [done] = [t for t in made if t.status == TaskStatus.COMPLETED]
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Review)
            .where(Review.child_id == int(done.child_id), Review.endorses_care_plan_changes.is_(True))
        )
        == 1
    )


@pytest.mark.slow  # the demo council takes minutes to load
def test_management_alerts_stand_at_every_stage_through_the_diagram(council, window):
    go_live, today = window
    raised = {a.summary: a for a in db.session.scalars(select(ManagementAlert))}
    assert len(raised) == len(demo_alerts.ALERTS) == 6  # the report: 12 in a year (3.5.1)
    assert (council.alerts_open, council.alerts_closed) == (4, 2) and "4 open, 2 closed" in str(council)
    found = {alert.key: raised[alert.summary] for alert in demo_alerts.ALERTS}
    assert all(go_live < a.raised_on <= today and a.raised_by.startswith("iro") for a in found.values())
    assert len({a.child_id for a in found.values()}) == 6 and len({a.raised_on for a in found.values()}) == 6
    steps = {key: [(e.stage, e.step) for e in alerts.history(alert)] for key, alert in found.items()}
    assert all(steps.values())  # every alert has its history
    outcomes = {
        key: [(e.stage, e.details["outcome"]) for e in alerts.history(alert) if e.step == "outcome"]
        for key, alert in found.items()
    }

    def state(key):
        a = found[key]
        return a.status, a.start_stage, a.stage, a.stage_role

    def tasks_of(key):
        return {
            (t.spec_name, t.status)
            for t in db.session.scalars(select(HumanTask).where(HumanTask.instance_id == found[key].instance_id))
        }

    # resolved at stage 1, by the Team Manager's response
    assert state("visits") == (AlertStatus.RESOLVED, 1, 1, roles.TEAM_MANAGER) and found["visits"].closed_on
    assert outcomes["visits"] == [(1, "resolved")]
    # resolved at stage 2, the Team Manager's response not enough; raised about the last review
    assert state("recommendations") == (AlertStatus.RESOLVED, 1, 2, roles.ISM)
    assert outcomes["recommendations"] == [(1, "next_stage"), (2, "resolved")]
    assert found["recommendations"].review_id is not None
    # serious: straight to stage 3, escalated to stage 4; the meeting set (after today), the IRO's statement
    # given, the minutes waiting for the meeting
    placement = found["placement"]
    assert placement.serious and state("placement") == (AlertStatus.OPEN, 3, 4, roles.ASSISTANT_DIRECTOR)
    assert (4, "meeting_set") in steps["placement"] and (4, "statement") in steps["placement"]
    assert (4, "minutes") not in steps["placement"]
    [meeting] = [e.details for e in alerts.history(placement) if e.step == "meeting_set"]
    assert meeting["meeting_date"] >= today.isoformat() and meeting["on_time"]
    assert meeting["minute_taker"] in dict(people.holders(roles.MINUTE_TAKER))
    [minutes] = open_tasks(HumanTask.instance_id == placement.instance_id)
    assert (minutes.spec_name, minutes.assignee) == ("record_minutes", meeting["minute_taker"])
    # open at stage 1: the Team Manager's response due in two working days, in their "Alerts for me"
    pathway = found["pathway_plan"]
    assert state("pathway_plan") == (AlertStatus.OPEN, 1, 1, roles.TEAM_MANAGER)
    assert calendar.working_days_between(today, pathway.stage_due_on) == 2
    [respond] = open_tasks(HumanTask.instance_id == pathway.instance_id)
    manager = people.identity(people.user_by_username(respond.assignee).id)
    [mine] = [a for a in alerts.for_me(manager) if a.alert.id == pathway.id]
    assert (mine.working_days_left, mine.task_id) == (2, respond.id)
    # overdue at stage 2: the ISM has not responded; the IRO and the Review and QA Manager were told
    late = found["family_finding"]
    assert state("family_finding") == (AlertStatus.OPEN, 1, 2, roles.ISM) and late.stage_due_on < today
    assert steps["family_finding"][-1] == (2, "overdue")
    assert len(notices("Overdue: no response to the management alert at stage 2")) == 1
    [respond] = open_tasks(HumanTask.instance_id == late.instance_id)
    assert respond.spec_name == "respond" and respond.due_at < clock.now()
    # the Head of Service did not respond at stage 3, the timescale ran out and the IRO decided to refer
    # to CAFCASS: the Head of Safeguarding has confirmed the consultation, the Head of Service not yet
    assert state("proceedings") == (AlertStatus.OPEN, 1, 3, roles.HEAD_OF_SERVICE)
    assert outcomes["proceedings"] == [(1, "next_stage"), (2, "next_stage"), (3, "cafcass")]
    assert (3, "overdue") in steps["proceedings"] and steps["proceedings"][-1] == (3, "consultation")
    assert {
        ("respond", TaskStatus.CANCELLED),
        ("timescale_reached", TaskStatus.COMPLETED),
        ("consult_safeguarding", TaskStatus.COMPLETED),
        ("consult_head_of_service", TaskStatus.OPEN),
    } <= tasks_of("proceedings")

    # each step done by the person the diagram gave it to, and the case notes say what happened
    done = db.session.execute(
        select(HumanTask.spec_name, HumanTask.assignee, HumanTask.completed_by).where(
            HumanTask.status == TaskStatus.COMPLETED, HumanTask.instance_id.in_([a.instance_id for a in found.values()])
        )
    ).all()
    assert all(by == assignee for spec, assignee, by in done if assignee)
    assert {by[:3] for _, _, by in done} >= {"iro", "tm.", "ism", "hos", "ad", "saf"}
    notes = Counter(
        text.split(" at stage")[0]
        for text in db.session.scalars(select(CaseNote.text).where(CaseNote.text.startswith("IRO management alert")))
    )
    assert notes == {"IRO management alert raised": 6, "IRO management alert resolved": 2}
    assert db.session.scalar(select(func.count(AlertEntry.id))) == sum(map(len, steps.values()))


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
    assert set(demo.CHANGE_DETAILS) == set(codes.SIGNIFICANT_CHANGES)


@pytest.mark.slow  # the demo council takes minutes to load
def test_the_owner_has_revised_the_alert_and_the_running_alerts_can_move_to_it(council):
    rows = deployments.versions(demo_processes.FILE, people.identity(people.user_by_username("owner").id))
    newest, first = rows[0], rows[-1]
    assert [row.version.number for row in rows] == [2, 1]
    assert (newest.version.author, newest.version.comment) == ("owner", demo_processes.COMMENT)
    assert (newest.running, first.running) == (0, council.alerts_open)  # the replay's alerts run on version 1
    changed = deployments.diff_with_previous(demo_processes.FILE, 2).changed
    assert [(c.element.id, c.what, c.values) for c in changed] == [
        ("named_values", (), (ValueChange("reminder_before_wd", "2", "3"),))
    ]
    alert = db.session.scalars(select(ManagementAlert).where(ManagementAlert.status == AlertStatus.OPEN)).first()
    plan = migration.plan(alert.instance_id)
    assert plan.safe and plan.target_numbers[0] == 2, plan.reasons


def cp_children_of():
    """The children of the window's new child protection work: case numbers from 5 million."""
    return db.session.scalars(select(Child).where(Child.case_number.like("5______%")).order_by(Child.id)).all()


@pytest.mark.slow  # the demo council takes minutes to load
def test_child_protection_episodes_stand_at_every_stage_with_no_flood_of_overdue_notices(council, window):
    go_live, today = window
    statuses = Counter(db.session.scalars(select(CpEpisode.status)))
    assert {s.value for s in statuses} >= {"enquiry", "plan", "ended", "no_plan", "no_conference"}
    assert statuses[CpEpisodeStatus.NO_PLAN] == 2 and statuses[CpEpisodeStatus.NO_CONFERENCE] == 1
    new = cp_children_of()
    assert len(new) == 21  # 19 strategy discussions, one of them for three siblings
    recorded_only = db.session.scalars(
        select(ChildEvent).where(
            ChildEvent.type == "cp_strategy_discussion", ChildEvent.child_id.in_([c.id for c in new])
        )
    ).all()
    assert sum(1 for e in recorded_only if e.fields.get("s47") is False) == 2
    teams = db.session.scalars(
        select(Team.code).join(Child, Child.team_id == Team.id).where(Child.id.in_([c.id for c in new]))
    )
    assert set(teams) == {"NE", "NW", "South", "RAS"}
    initial = db.session.scalars(
        select(Conference).where(Conference.number == 0, Conference.status == ConferenceStatus.HELD)
    ).all()
    assert initial and all(c.on_time and c.held_on >= go_live for c in initial)
    assert {c.kind.value for c in initial} >= {"initial", "pre_birth", "transfer_in"}
    core = [c for c in initial if c.core_group_on]
    assert sum(1 for c in core if c.core_group_on > c.core_group_due) == 1 and len(core) >= 5
    # the plans taken on have their next review ahead, or held in the window: no overdue flood
    taken_on_late = notices("Overdue: review conference")
    assert len(taken_on_late) <= 2  # the one late review: its chair and the Review and QA Manager
    assert len(notices("Overdue: no minute taker named")) <= 10
    assert council.conferences_held == len(
        db.session.scalars(select(Conference).where(Conference.held_on >= go_live)).all()
    )


@pytest.mark.slow  # the demo council takes minutes to load
def test_review_conferences_in_the_window_are_on_time_but_one_and_a_few_end_the_plan(council, window):
    go_live, _today = window
    reviews = db.session.scalars(
        select(Conference).where(Conference.kind == ConferenceKind.REVIEW, Conference.status == ConferenceStatus.HELD)
    ).all()
    assert len(reviews) >= 55 and all(r.held_on >= go_live for r in reviews)
    assert [r.on_time for r in reviews].count(False) == 1
    assert sum(1 for r in reviews if r.decision == "end") == demo_protection.REVIEWS_ENDING
    ended = Counter(db.session.scalars(select(CpPlan.end_reason).where(CpPlan.ended_on.is_not(None))))
    assert ended["no_longer_at_risk"] == demo_protection.REVIEWS_ENDING + demo_protection.ENDED_BY_CASE
    # every other plan taken on has its next review conference booked or due after today
    waiting = db.session.scalars(
        select(Conference).where(Conference.status.in_([ConferenceStatus.DUE, ConferenceStatus.BOOKED]))
    ).all()
    assert all(c.due_date > go_live for c in waiting)


@pytest.mark.slow  # the demo council takes minutes to load
def test_a_sibling_group_an_unborn_child_and_two_children_cp_to_lac(council):
    groups = Counter(
        db.session.scalars(select(CpPlan.episode_id).where(CpPlan.child_id.in_([c.id for c in cp_children_of()])))
    )
    [(episode_id, three)] = [(e, n) for e, n in groups.items() if n > 1]
    assert three == 3
    assert (
        len(
            db.session.scalars(
                select(Conference).where(Conference.episode_id == episode_id, Conference.number == 0)
            ).all()
        )
        == 1
    )
    [born] = [c for c in cp_children_of() if c.expected_birth is not None]
    assert born.dob is not None and born.cp_plan
    [pre_birth] = db.session.scalars(select(Conference).where(Conference.kind == ConferenceKind.PRE_BIRTH)).all()
    assert pre_birth.held_on < born.dob + timedelta(days=10) and pre_birth.decision == "plan"
    cp_to_lac = db.session.scalars(select(CpPlan).where(CpPlan.became_looked_after_on.is_not(None))).all()
    assert len(cp_to_lac) == demo_protection.CP_TO_LAC
    for plan in cp_to_lac:
        child = db.session.get(Child, plan.child_id)
        assert child.looked_after and child.iro_id == plan.chair_id == child.cp_iro_id


@pytest.mark.slow  # the demo council takes minutes to load
def test_minutes_stand_at_every_stage_with_a_backlog_in_the_seeds_proportion(council, window):
    go_live, today = window
    backlog = minutes_backlog.backlog(today)
    held = council.conferences_held
    # the seed: 220 sets outstanding for about 1,250 conferences a year, two months' worth
    months = (today - go_live).days / 30.44
    assert 0.25 * held / months * 2 <= council.minutes_outstanding <= 1.5 * held / months * 2
    assert sum(1 for _band, n in backlog.by_band if n) >= 3
    assert dict(backlog.by_band)[minutes_backlog.BANDS[-1][0]] >= 1  # over 60 working days
    assert minutes_backlog.NO_MINUTE_TAKER not in {name for name, *_ in backlog.by_minute_taker}
    steps = Counter(
        db.session.scalars(
            select(HumanTask.spec_name).where(HumanTask.process_id == "cp_minutes", HumanTask.status == TaskStatus.OPEN)
        )
    )
    assert {"write_draft", "approve_minutes"} <= set(steps)
    assert all(t.assignee for t in open_tasks(HumanTask.process_id.in_(["cp_minutes", "child_protection"])))
    assert f"{council.minutes_outstanding} sets of minutes outstanding" in str(council)


@pytest.mark.slow  # the demo council takes minutes to load
def test_one_management_alert_concerns_a_sibling_group_and_is_counted_once(council):
    [group] = [a for a in db.session.scalars(select(ManagementAlert)) if a.children and len(a.children) > 1]
    assert len(group.children) == 3 and group.status == AlertStatus.RESOLVED
    lead = db.session.get(Child, group.child_id)
    assert len(lead.siblings) == 2 and all(db.session.get(Child, s).looked_after for s in lead.siblings)
    assert db.session.scalar(select(func.count(ManagementAlert.id))) == len(demo_alerts.ALERTS)


def test_a_few_children_have_their_own_page_and_sent_their_views(council, loaded):
    sent = db.session.scalars(select(ChildViews)).all()
    assert len(sent) == 3 and [v.share_with_social_worker for v in sent].count(False) == 1
    [drawing] = db.session.scalars(select(ChildViewsFile)).all()
    assert drawing.content.startswith(b"\x89PNG") and drawing.content_type == "image/png"
    browser = current_app.test_client()
    assert browser.get(f"/l/{demo_child_views.TRY_ME}").location == "/p/my-page"
    page = browser.get("/p/my-page").text
    assert "Your IRO is" in page and "You sent your views on" in page and "My plan" in page


@pytest.mark.slow  # the demo council takes minutes to load
def test_parents_feedback_has_the_seeds_figures_and_links_to_try(council, window):
    go_live, today = window
    figures = feedback_summary.summary(go_live, today)
    assert figures.responses == demo_feedback.ANSWERS == 96
    assert figures.headlines[:3] == [
        "91 of 96 found it helpful to talk to the Chair before the meeting",
        "93 of 96 understood quite well or completely what needs to change",
        "91 of 96 found the plan quite or very helpful",
    ]
    assert figures.headlines[3].startswith("21.9% said no professional")  # the seed's 22%
    channels = Counter(db.session.scalars(select(FeedbackResponse.channel)))
    assert channels["online"] > channels["paper"] > 0
    for try_me in demo_feedback.TRY_ME:
        assert links.state(links.find(try_me)) is links.LinkState.OPEN
    assert links.state(links.find(demo_feedback.USED)) is links.LinkState.USED
    used = db.session.scalar(select(func.count(PublicLink.id)).where(PublicLink.used_at.is_not(None)))
    assert used == channels["online"]
