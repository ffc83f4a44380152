"""Tables of the voices of children and families (docs/domain.md V1-V5): the public links that
open one page for one person and one occasion, what was sent through them, and the parents'
feedback and the children's views they bring back.

A feedback answer keeps no reference to its link or to who answered (only the conference's
kind, date and team, for the summaries); a child's views keep their link, child and review,
since they belong to the child's record.
"""

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, UTCDateTime
from .columns import enum_column


class LinkPurpose(str, enum.Enum):
    CONFERENCE_FEEDBACK = "conference_feedback"  # one parent's or carer's answers after one conference
    CHILD_PAGE = "child_page"  # the child's own page before (and just after) one review


class PublicLink(Model):
    """One single-purpose link. Only the SHA-256 of its token is kept: the token itself is shown
    to staff once, printed or sent, and is nowhere in the database after that."""

    __tablename__ = "public_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)  # whose staff may manage it
    conference_id: Mapped[int | None] = mapped_column(ForeignKey("cp_conferences.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"), index=True)
    for_person: Mapped[str] = mapped_column(String(200))  # as staff know them: "Jo Green (mother)", "the child"
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # feedback; a child's page follows its review
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(String(100))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a feedback link's one answer
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last time it was opened


class LinkSending(Model):
    """How a link was handed over: printed on a letter, e-mailed or texted (the address shown
    masked; the full one went to the outbox and is wiped there once sent)."""

    __tablename__ = "public_link_sendings"
    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("public_links.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # letter, email, text
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_by: Mapped[str] = mapped_column(String(100))
    to_hint: Mapped[str | None] = mapped_column(String(60))  # "j***@example.org", "*** *** 123"
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))


class PublicAttempt(Model):
    """A request to the public pages that counts towards its address's limit (service/voices/limits.py)."""

    __tablename__ = "public_attempts"
    __table_args__ = (Index("ix_public_attempts_address", "address", "kind", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))  # bad_link, post
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class FeedbackResponse(Model):
    """One anonymous answer to the post-conference questionnaire (seed appendix 4).

    Nothing here says who answered or through which link: only what the summaries group by.
    The columns are the questions' keys in service/voices/feedback.py."""

    __tablename__ = "feedback_responses"
    __table_args__ = (Index("ix_feedback_responses_held", "held_on", "team_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date)  # the conference's date, not the answer's
    conference_kind: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    channel: Mapped[str] = mapped_column(String(10))  # online, paper
    relationship: Mapped[str | None] = mapped_column(String(20))
    information_shared: Mapped[str | None] = mapped_column(String(20))
    chair_before: Mapped[str | None] = mapped_column(String(20))
    room_before: Mapped[str | None] = mapped_column(String(20))
    told_who: Mapped[str | None] = mapped_column(String(20))
    understood_why: Mapped[str | None] = mapped_column(String(20))
    said_all: Mapped[str | None] = mapped_column(String(20))
    understood_parts: Mapped[str | None] = mapped_column(String(20))
    understands_change: Mapped[str | None] = mapped_column(String(20))
    plan_helps: Mapped[str | None] = mapped_column(String(20))
    had_say: Mapped[str | None] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)


class ChildViews(Model):
    """What a child sent from their own page before a review ("what I want to say")."""

    __tablename__ = "child_views"
    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("public_links.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attending: Mapped[str | None] = mapped_column(String(10))  # yes, no, not_sure
    helped_by: Mapped[str | None] = mapped_column(String(20))  # nobody, carer, advocate, someone_else
    going_well: Mapped[str | None] = mapped_column(Text)
    not_going_well: Mapped[str | None] = mapped_column(Text)
    who_there: Mapped[str | None] = mapped_column(Text)
    chair_part: Mapped[str | None] = mapped_column(String(10))  # yes, no, maybe
    anything_else: Mapped[str | None] = mapped_column(Text)
    share_with_social_worker: Mapped[bool] = mapped_column(Boolean, default=False)


class ChildViewsFile(Model):
    """A drawing or a voice note sent with a child's views, kept in the database like the rest."""

    __tablename__ = "child_views_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    views_id: Mapped[int] = mapped_column(ForeignKey("child_views.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # drawing, voice
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
