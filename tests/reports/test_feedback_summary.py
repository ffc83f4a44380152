"""The summary of parents' feedback (docs/domain.md V2): its counts and percentages are those of the
stored answers, worked out here apart; a selection or a team with fewer than five answers shows no
figures; and no page says who answered."""

import random
from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from service.db import db, writing
from service.models import FeedbackResponse, Team
from service.voices import feedback
from tests.support.app import RequestClient
from tests.support.pages import client_for, text

PERIOD = "from=2027-01-01&to=2027-03-31"
SUPPRESSED = "Fewer than 5 answers: figures are not shown, so that nobody can be identified"


def _store(team_code: str, answers: list[dict], held_on=date(2027, 2, 10), kind="initial"):
    with writing():
        team = db.session.query(Team).filter_by(code=team_code).one()
        for given in answers:
            db.session.add(
                FeedbackResponse(held_on=held_on, conference_kind=kind, team_id=team.id, channel="online", **given)
            )


def _random_answers(n: int, seed: int) -> list[dict]:
    """`n` answers, each question skipped now and then."""
    rng = random.Random(seed)
    return [
        {q.key: rng.choice([None, *q.scale]) for q in feedback.QUESTIONS} | {"comment": rng.choice([None, "Fine"])}
        for _ in range(n)
    ]


def _expected_rows(answers: list[dict], key: str) -> list[str]:
    """Each answer's row of the question's table, as the page should show it, worked out apart."""
    question = next(q for q in feedback.QUESTIONS if q.key == key)
    counts = Counter(a[key] for a in answers if a[key] is not None)
    answered = sum(counts.values())
    rows = []
    for value, words in question.scale.items():
        share = (Decimal(100 * counts[value]) / answered).quantize(Decimal("0.1"), ROUND_HALF_UP)
        rows.append(f"{words} {counts[value]} {share}%")
    return rows


def test_each_questions_counts_and_percentages_are_those_of_the_stored_answers(app, town):
    answers = _random_answers(37, seed=17)
    _store("NE", answers)
    _store("South", _random_answers(3, seed=3), held_on=date(2026, 12, 31))  # before the period
    page = text(client_for(app, "rqam").get(f"/reports/feedback?{PERIOD}").text)
    assert "37 answers" in page
    for question in feedback.QUESTIONS:
        answered = sum(1 for a in answers if a[question.key] is not None)
        assert f"{question.text} ({answered} answered)" in page
        for row in _expected_rows(answers, question.key):
            assert row in page, (question.key, row)
    helped = sum(1 for a in answers if a["chair_before"] == "yes")
    asked = sum(1 for a in answers if a["chair_before"] is not None)
    assert f"{helped} of {asked} found it helpful to talk to the Chair before the meeting" in page


@pytest.mark.parametrize(("n", "shown"), [(4, False), (5, True)])
def test_a_selection_of_fewer_than_five_answers_shows_no_figures(app, town, n, shown):
    _store("NE", [{"chair_before": "yes", "comment": "Thank you"}] * n)
    page = text(client_for(app, "bsm").get(f"/reports/feedback?{PERIOD}&team=NE").text)
    assert (SUPPRESSED in page) is not shown
    assert ("found it helpful to talk to the Chair" in page) is shown
    assert ("Thank you" in page) is shown  # nor the comments
    assert (f"{n} answers" in page) is shown


def test_a_team_of_fewer_than_five_shows_no_figures_in_the_breakdown(app, town):
    _store("NE", [{"chair_before": "yes"}] * 6)
    _store("NW", [{"chair_before": "no"}] * 7)
    _store("South", [{"chair_before": "no"}] * 4)
    page = text(client_for(app, "rqam").get(f"/reports/feedback?{PERIOD}").text)
    by_team = page[page.index("By team") :]
    assert "North West 7 0.0%" in by_team
    assert "South Figures not shown" in by_team
    assert "North East Figures not shown" in by_team  # else South's would be the total less the others


def test_the_period_team_and_kind_choose_the_answers(app, town):
    _store("NE", [{"had_say": "yes"}] * 5, kind="review")
    _store("NE", [{"had_say": "no"}] * 6, kind="pre_birth")
    client = client_for(app, "rqam")
    assert "5 answers" in text(client.get(f"/reports/feedback?{PERIOD}&kind=review").text)
    assert "6 answers" in text(client.get(f"/reports/feedback?{PERIOD}&kind=initial").text)
    assert "11 answers" in text(client.get("/reports/feedback").text)  # the last 12 months to today, 12 April 2027
    assert SUPPRESSED in text(client.get(f"/reports/feedback?{PERIOD}&team=South").text)
    refused = client.get("/reports/feedback?from=2027-03-01&to=2027-02-01")
    assert refused.status_code == 400 and "The end date must be the same as or after the start date" in refused.text


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("rqam", 200),
        ("director", 200),
        ("bsm", 200),
        ("iro1", 404),
        ("minutes", 404),
        ("sw.north", 404),
        ("tm.ne", 404),
    ],
)
def test_who_sees_the_summary(app, town, username, status):
    assert client_for(app, username).get("/reports/feedback").status_code == status


def test_the_summary_is_linked_from_the_reports_and_the_business_support_managers_navigation(app, town):
    app.test_client_class = RequestClient  # a request context of its own for each of the three people
    assert 'href="/reports/feedback"' in client_for(app, "rqam").get("/reports/reviews").text
    assert 'href="/reports/feedback"' in client_for(app, "bsm").get("/tasks").text
    assert 'href="/reports/feedback"' not in client_for(app, "iro1").get("/tasks").text
