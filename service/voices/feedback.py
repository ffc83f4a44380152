"""Parents' and family members' feedback after a child protection conference (docs/domain.md V2),
the seed's "Post-Conference Questionnaire for Parent/Guardian" (appendix 4): its 11 questions word
for word, each with the scale the seed's summaries count, and a comment.

Every question may be skipped, but an answer needs at least one of them or the comment. Each
parent or carer recorded as attending the held conference may answer once: online through their
own link, or staff type the paper form they filled in. The answer is stored apart from who gave
it: no link, no name, no time of answering, only the conference's date, kind and team for the
summaries; the audit says that a link was used or a paper form entered, never the answers.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import String, cast, select

from service.db import db, writing
from service.errors import InvalidData, NotFound
from service.models import (
    Child,
    Conference,
    ConferenceStatus,
    CpEpisode,
    FeedbackResponse,
    InstanceChild,
    LinkPurpose,
    LinkSending,
    PublicLink,
)
from service.workflow import audit, clock

from . import links

TITLE = "Post-Conference Questionnaire for Parent/Guardian"
RELATIONSHIPS = {
    "mother": "Mother",
    "father": "Father",
    "grandparent": "Grandparent",
    "other_carer": "Other carer",
    "other": "Other",
}
YES_NO_PARTLY = {"yes": "Yes", "no": "No", "partly": "Partly"}
UNDERSTANDING = {
    "not_at_all": "Not at all",
    "a_little": "A little",
    "quite_well": "Quite well",
    "completely": "Completely",
}
HELPFULNESS = {
    "not_helpful": "Not helpful",
    "a_little_helpful": "A little helpful",
    "quite_helpful": "Quite helpful",
    "very_helpful": "Very helpful",
}


@dataclass(frozen=True)
class Question:
    key: str  # its column in feedback_responses
    text: str  # the seed's words
    scale: dict  # answer key: the words shown


QUESTIONS = (
    Question("relationship", "What is your relationship to the Child?", RELATIONSHIPS),
    Question(
        "information_shared",
        "Did any other professional talk to you about the information they would be sharing in the meeting?",
        YES_NO_PARTLY,
    ),
    Question("chair_before", "Did it help to talk to the Chair before the meeting?", YES_NO_PARTLY),
    Question("room_before", "Did it help to be in the meeting room before everyone else?", YES_NO_PARTLY),
    Question("told_who", "Were you told who everyone was at the meeting?", YES_NO_PARTLY),
    Question("understood_why", "Did you understand why they were all there?", YES_NO_PARTLY),
    Question("said_all", "During the meeting, did you say all that you wanted to say?", YES_NO_PARTLY),
    Question("understood_parts", "Did you understand the different parts of the meeting?", YES_NO_PARTLY),
    Question(
        "understands_change",
        "Do you understand what needs to change to make things better for your child in the future?",
        UNDERSTANDING,
    ),
    Question(
        "plan_helps",
        "Do you think that the plan that was discussed in the meeting will help you to make these changes?",
        HELPFULNESS,
    ),
    Question("had_say", "Were you given the opportunity to have your say about the plan?", YES_NO_PARTLY),
)
COMMENT = "Is there anything else you would like to tell us?"
COMMENT_LIMIT = 2000
NOTHING_ANSWERED = "Answer at least one question"
CHANNELS = {"online": "Online", "paper": "Paper form"}
# an attendance row's role (typed by the chair) that names a parent or carer
_PARENT_OR_CARER = re.compile(
    r"\b(parents?|carers?|mother|father|mum|dad|guardian|grand(mother|father|parent|ma|pa)s?|step-?parent)\b", re.I
)


@dataclass(frozen=True)
class Attendee:
    index: int  # the row's place in the conference's attendance list: how the staff pages name them
    name: str
    role: str

    @property
    def for_person(self) -> str:
        """As staff know them on the link: "Pat North (Parent)"."""
        return f"{self.name} ({self.role})" if self.role and self.role != self.name else self.name


def is_held(conference: Conference) -> bool:
    """Feedback opens once the conference is held."""
    return conference.status is ConferenceStatus.HELD and conference.held_on is not None


def attendees_for_feedback(conference: Conference) -> list[Attendee]:
    """The parents and carers recorded as attending the held conference (none before it is held)."""
    if not is_held(conference):
        return []
    return [
        Attendee(index, str(row.get("name") or ""), str(row.get("role") or ""))
        for index, row in enumerate(conference.attendance or [])
        if row.get("attended") and _parent_or_carer(row)
    ]


def _parent_or_carer(row: dict) -> bool:
    return row.get("who") == "parent_carer" or bool(_PARENT_OR_CARER.search(str(row.get("role") or "")))


def check(answers: dict) -> dict:
    """The answers as stored: every question's key (None if skipped) and the comment; InvalidData
    naming the question whose answer is not on its scale, or when nothing at all was answered."""
    cleaned = {}
    for question in QUESTIONS:
        value = answers.get(question.key) or None
        if value is not None and value not in question.scale:
            raise InvalidData(f"Choose an answer to: {question.text}", {question.key: "Choose one of the answers"})
        cleaned[question.key] = value
    comment = (answers.get("comment") or "").strip() or None
    if comment and len(comment) > COMMENT_LIMIT:
        message = f"Your comment must be {COMMENT_LIMIT} characters or fewer"
        raise InvalidData.on("comment", message)
    if not comment and not any(cleaned.values()):
        raise InvalidData(NOTHING_ANSWERED, {QUESTIONS[0].key: NOTHING_ANSWERED})
    return {**cleaned, "comment": comment}


def link_expiry(conference: Conference) -> datetime:
    """A feedback link works until the end of the day FEEDBACK_LINK_DAYS after the conference."""
    return links.end_of_day_after(conference.held_on, current_app.config["FEEDBACK_LINK_DAYS"])


def held_conference(conference_id: int) -> Conference:
    """The conference, if it was held; NotFound otherwise."""
    conference = db.session.get(Conference, conference_id)
    if conference is None or not is_held(conference):
        raise NotFound(f"no held conference {conference_id}")
    return conference


def make_link(conference_id: int, person: int, *, actor: str, token: str | None = None) -> links.NewLink:
    """A link for the `person`th attendance row of a held conference, if they are a parent or carer
    who attended; NotFound otherwise. Any open link of theirs for this conference is withdrawn."""
    conference = held_conference(conference_id)
    attendee = next((a for a in attendees_for_feedback(conference) if a.index == person), None)
    if attendee is None:
        raise NotFound(f"conference {conference_id} has no parent or carer {person} who attended")
    episode = db.session.get_one(CpEpisode, conference.episode_id)
    return links.create(
        LinkPurpose.CONFERENCE_FEEDBACK,
        child_id=episode.child_id,
        conference_id=conference.id,
        for_person=attendee.for_person,
        actor=actor,
        expires_at=link_expiry(conference),
        token=token,
    )


def submit_online(link_id: int, answers: dict) -> None:
    """The one answer a feedback link takes: LinkEnded if it was used, withdrawn or ran out meanwhile."""
    cleaned = check(answers)
    with writing():
        link = links.use(link_id)
        conference = db.session.get_one(Conference, link.conference_id)
        now = clock.now()
        link.used_at = now
        _store(conference, "online", cleaned)
        audit.record(
            now, "public link", "feedback_sent", child_id=link.child_id, link_id=link.id, conference_id=conference.id
        )


def enter_paper(conference_id: int, answers: dict, *, actor: str) -> None:
    """A paper form typed in by staff, for a held conference."""
    cleaned = check(answers)
    with writing():
        conference = held_conference(conference_id)
        episode = db.session.get_one(CpEpisode, conference.episode_id)
        _store(conference, "paper", cleaned)
        audit.record(
            clock.now(), actor, "feedback_paper_entered", child_id=episode.child_id, conference_id=conference.id
        )


def _store(conference: Conference, channel: str, answers: dict) -> None:
    episode = db.session.get_one(CpEpisode, conference.episode_id)
    db.session.add(
        FeedbackResponse(
            held_on=conference.held_on,
            conference_kind=conference.kind.value,
            team_id=episode.team_id,
            channel=channel,
            **answers,
        )
    )


def held_on(conference_id: int):
    """The day of the meeting a feedback link is about: all its page says of it."""
    return db.session.get_one(Conference, conference_id).held_on


@dataclass(frozen=True)
class PersonsLink:
    """The newest link made for one attendee, its state and how it was last handed over."""

    link: PublicLink
    state: links.LinkState
    sending: LinkSending | None


@dataclass(frozen=True)
class Gathering:
    """One conference's feedback as its staff page shows it."""

    conference: Conference
    child_id: int  # the episode's lead child, whose staff manage the links
    sees_child: bool  # whether the reader sees any of the conference's children
    attendees: list[tuple[Attendee, PersonsLink | None]]


def gathering(conference_id: int, seen) -> Gathering | None:
    """The conference, whether the reader sees its children (`seen`: a condition on `children`), and
    each parent or carer who attended with their link; None for no such conference."""
    conference = db.session.get(Conference, conference_id)
    if conference is None:
        return None
    episode = db.session.get_one(CpEpisode, conference.episode_id)
    sees_child = db.session.scalar(
        select(
            select(Child.id)
            .join(InstanceChild, InstanceChild.child_id == cast(Child.id, String))
            .where(InstanceChild.instance_id == episode.instance_id, seen)
            .exists()
        )
    )
    newest: dict[str, PersonsLink] = {}
    for link, state in links.of_occasion(LinkPurpose.CONFERENCE_FEEDBACK, conference_id=conference.id):
        if link.for_person not in newest:
            sending = db.session.scalars(
                select(LinkSending).where(LinkSending.link_id == link.id).order_by(LinkSending.id.desc())
            ).first()
            newest[link.for_person] = PersonsLink(link, state, sending)
    attendees = [(a, newest.get(a.for_person[:200])) for a in attendees_for_feedback(conference)]
    return Gathering(conference, episode.child_id, bool(sees_child), attendees)
