"""The summary of parents' feedback after conferences (docs/domain.md V2), as the seed's appendix 4:
for conferences held in a period, of one team or all, initial or review conferences or both, each
question's answers counted, with the percentage of those who answered that question.

Anonymous: a selection of fewer than five answers shows no figures and no comments, and neither
does a team with fewer than five in the breakdown by team (with one more team hidden if only one
would be, so that no team's figures can be worked out from the total). Comments are listed by
the month of their conference, in alphabetical order within it: never by when they were sent.
Percentages are rounded to one decimal place, halves up, so a question's may not add up to 100.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from service.db import db
from service.models import FeedbackResponse, Team
from service.voices.feedback import QUESTIONS, Question

from .review_figures import check_period

FEWEST = 5  # a selection or a team with fewer answers shows no figures
SUPPRESSED = "Fewer than 5 answers: figures are not shown, so that nobody can be identified"
KINDS = {"": "All conferences", "initial": "Initial conferences", "review": "Review conferences"}
# the seed's headline sentences: (question, the answers counted, what they say)
HEADLINES = (
    ("chair_before", {"yes"}, "found it helpful to talk to the Chair before the meeting"),
    ("understands_change", {"quite_well", "completely"}, "understood quite well or completely what needs to change"),
    ("plan_helps", {"quite_helpful", "very_helpful"}, "found the plan quite or very helpful"),
    ("information_shared", {"no"}, "said no professional talked to them before about the information they would share"),
)


@dataclass(frozen=True)
class AnswerCount:
    words: str
    count: int
    percent: Decimal  # of those who answered the question


@dataclass(frozen=True)
class QuestionFigures:
    question: Question
    answered: int
    answers: list[AnswerCount]


@dataclass(frozen=True)
class TeamRow:
    team: str
    responses: int | None  # None: fewer than FEWEST, or hidden so that a smaller team cannot be worked out
    headlines: list[Decimal | None] = field(default_factory=list)  # HEADLINES' percentages


@dataclass(frozen=True)
class Summary:
    start: date
    end: date
    responses: int
    shown: bool  # FEWEST or more answers: the figures may be shown
    questions: list[QuestionFigures]
    headlines: list[str]
    comments: list[tuple[date, str]]  # (first of the month, comment)
    teams: list[TeamRow]


def percent(count: int, of: int) -> Decimal:
    """`count` as a percentage of `of`, one decimal place, halves rounded up."""
    return (Decimal(count) * 100 / Decimal(of)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def summary(start: date, end: date, *, team: str | None = None, kind: str | None = None) -> Summary:
    """The figures of the answers about conferences held from `start` to `end` (dates included);
    `team` a team's code, `kind` "initial" (initial, pre-birth and transfer-in) or "review"."""
    check_period(start, end)
    query = (
        select(FeedbackResponse, Team.name)
        .outerjoin(Team, Team.id == FeedbackResponse.team_id)
        .where(FeedbackResponse.held_on >= start, FeedbackResponse.held_on <= end)
    )
    if team:
        query = query.where(Team.code == team)
    if kind == "review":
        query = query.where(FeedbackResponse.conference_kind == "review")
    elif kind == "initial":
        query = query.where(FeedbackResponse.conference_kind != "review")
    found = db.session.execute(query).all()
    rows = [row for row, _ in found]
    shown = len(rows) >= FEWEST
    return Summary(
        start,
        end,
        len(rows),
        shown,
        [_question(q, rows) for q in QUESTIONS] if shown else [],
        _headlines(rows) if shown else [],
        _comments(rows) if shown else [],
        _teams(found) if shown and not team else [],
    )


def _question(question: Question, rows) -> QuestionFigures:
    counts = Counter(getattr(row, question.key) for row in rows)
    answered = sum(n for key, n in counts.items() if key is not None)
    return QuestionFigures(
        question,
        answered,
        [AnswerCount(words, counts[key], percent(counts[key], answered)) for key, words in question.scale.items()]
        if answered
        else [],
    )


def _counted(rows, key: str, answers: set) -> tuple[int, int]:
    """(how many gave one of `answers` to question `key`, how many answered it)."""
    given = [getattr(row, key) for row in rows if getattr(row, key) is not None]
    return sum(1 for value in given if value in answers), len(given)


def _headlines(rows) -> list[str]:
    sentences = []
    for key, answers, saying in HEADLINES:
        count, answered = _counted(rows, key, answers)
        if answered and key == "information_shared":
            sentences.append(f"{percent(count, answered)}% {saying} ({count} of {answered})")
        elif answered:
            sentences.append(f"{count} of {answered} {saying}")
    return sentences


def _comments(rows) -> list[tuple[date, str]]:
    return sorted((row.held_on.replace(day=1), row.comment) for row in rows if row.comment)


def _teams(found) -> list[TeamRow]:
    by_team: dict[str, list] = {}
    for row, name in found:
        by_team.setdefault(name or "No team", []).append(row)
    shown = {name for name, rows in by_team.items() if len(rows) >= FEWEST}
    hidden = [name for name in by_team if name not in shown]
    if len(hidden) == 1 and shown:  # the total less the others would give it away: hide the next smallest too
        shown.discard(min(shown, key=lambda name: (len(by_team[name]), name)))
    return [
        TeamRow(name, len(rows), [_share(rows, key, answers) for key, answers, _ in HEADLINES])
        if name in shown
        else TeamRow(name, None)
        for name, rows in sorted(by_team.items())
    ]


def _share(rows, key: str, answers: set) -> Decimal | None:
    count, answered = _counted(rows, key, answers)
    return percent(count, answered) if answered else None
