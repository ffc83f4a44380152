"""The demo council's parents' feedback after conferences (docs/domain.md V2), in the proportions of
the seed's appendix 4: 96 answers a year (16 mothers, 12 fathers and 2 grandmothers among those who
said who they were; 91 found meeting the chair beforehand helpful; 93 understood quite well or
completely what needs to change; 91 found the plan quite or very helpful; 22% said nobody had shared
the information before the conference), with a dozen comments in plain words.

As the replay (service.demo.council) holds each conference, the chair prints the parent's link on a
letter and most parents answer through it (the first through the README's used link, USED);
at the end the minute takers type in paper forms up to the year's ANSWERS, and the parents of the
newest conferences, held in the last WAITING_DAYS, are left with open links of the demo's fixed
tokens (TRY_ME), for the README's links to try. Each question's answers are its COUNTS shuffled,
so the year's figures are the seed's. Every draw is from random.Random(SEED) and the generators of
each question: the rest of the demo is as it was before this part.
"""

import random
from datetime import date

from sqlalchemy import select

from service.db import db, end_read
from service.models import Conference, ConferenceStatus, User
from service.voices import feedback, handover, links

SEED = 96  # the seed's answers in a year
ANSWERS = 96
TRY_ME = ("demo-feedback-parent-try-me", "demo-feedback-parent-2", "demo-feedback-parent-3")
USED = "demo-feedback-parent-used"
HELD_SPECS = ("icpc_record", "rcpc_record")  # the tasks that record a conference held
ONLINE_SHARE = 0.9  # of the parents at a conference, those who answer through their link
WAITING_DAYS = 14  # the conferences of the last two weeks wait for answers: their links are to try
# each question's answers over the year, as the seed counted them (None: not answered)
COUNTS: dict[str, dict[str | None, int]] = {
    "relationship": {"mother": 16, "father": 12, "grandparent": 2, "other_carer": 4, "other": 2, None: 60},
    "information_shared": {"yes": 60, "no": 21, "partly": 15},
    "chair_before": {"yes": 91, "partly": 3, "no": 2},
    "room_before": {"yes": 70, "partly": 14, "no": 6, None: 6},
    "told_who": {"yes": 88, "partly": 5, "no": 3},
    "understood_why": {"yes": 85, "partly": 9, "no": 2},
    "said_all": {"yes": 72, "partly": 18, "no": 6},
    "understood_parts": {"yes": 80, "partly": 13, "no": 3},
    "understands_change": {"completely": 51, "quite_well": 42, "a_little": 2, "not_at_all": 1},
    "plan_helps": {"very_helpful": 47, "quite_helpful": 44, "a_little_helpful": 3, "not_helpful": 2},
    "had_say": {"yes": 84, "partly": 9, "no": 3},
}
COMMENTS = (
    "The chair explained everything and let me speak.",
    "It was scary with so many people but they were kind.",
    "I did not get the report until the day before.",
    "Meeting the chair first helped me feel calmer.",
    "I wish the meeting had been shorter.",
    "I understand now what I need to do for my children.",
    "Too many words I did not know.",
    "Thank you for listening to me.",
    "The room was too small for everyone.",
    "My support worker coming with me helped a lot.",
    "I felt judged by some people there.",
    "The plan is clear and I know who to call.",
)


class FeedbackReplay:
    """The answers, given as the replay holds each conference, then topped up at its end."""

    def __init__(self, today: date):
        self.today = today
        self.rng = random.Random(SEED)
        self.decks = {key: _deck(key, counts) for key, counts in COUNTS.items()}
        self.comments = _deck("comment", {**{comment: 1 for comment in COMMENTS}, None: ANSWERS - len(COMMENTS)})
        self.given = 0

    def _next(self) -> dict:
        n, self.given = self.given, self.given + 1
        return {key: deck[n] for key, deck in self.decks.items()} | {"comment": self.comments[n]}

    def after(self, spec: str, instance_id: int, day: date) -> None:
        """A conference just held: most parents answer through their link that week (the demo, that day),
        except at the last conferences, whose parents have the links to try."""
        if spec not in HELD_SPECS or (self.today - day).days < WAITING_DAYS or self.given >= ANSWERS:
            return
        conference = _held(instance_id)[-1]
        if self.rng.random() < ONLINE_SHARE:
            new = _hand_over(conference, USED if self.given == 0 else None)
            feedback.submit_online(new.link.id, self._next())

    def finish(self) -> None:
        """The paper forms typed in, up to the year's ANSWERS; the newest parents' links left open."""
        held = _held()
        for n in range(ANSWERS - self.given):
            conference = held[n % len(held)]
            feedback.enter_paper(conference.id, self._next(), actor=_username(conference.minute_taker_id) or "minutes")
        for token, conference in zip(TRY_ME, reversed(held), strict=False):
            _hand_over(conference, token)


def _hand_over(conference: Conference, token: str | None) -> links.NewLink:
    """The chair makes the parent's link and prints it on a letter."""
    chair = _username(conference.chair_id) or "iro1"
    parent = feedback.attendees_for_feedback(conference)[0].index
    new = feedback.make_link(conference.id, parent, actor=chair, token=token)
    handover.hand_over(new, "letter", None, actor=chair)
    return new


def _username(user_id: int | None) -> str | None:
    found = db.session.scalar(select(User.username).where(User.id == user_id)) if user_id else None
    end_read()
    return found


def _deck(key: str, counts: dict) -> list:
    """The year's answers to one question, shuffled with a generator of its own."""
    deck = [value for value, n in counts.items() for _ in range(n)]
    random.Random(f"{SEED}:{key}").shuffle(deck)
    return deck


def _held(instance_id: int | None = None) -> list[Conference]:
    """The held conferences (of one instance) with a parent or carer recorded as attending, oldest first."""
    query = select(Conference).where(Conference.status == ConferenceStatus.HELD)
    if instance_id is not None:
        query = query.where(Conference.instance_id == instance_id)
    found = db.session.scalars(query.order_by(Conference.held_on, Conference.id)).all()
    end_read()
    return [c for c in found if feedback.attendees_for_feedback(c)]
