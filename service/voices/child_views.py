"""What a child says before their review, from their own page (docs/domain.md V3), and who sees it.

A child may send their views more than once while the review is still to be held; each send
is kept, with a drawing or a voice note if they attach one (told by its first bytes, at most
5 MB). The IRO of the child and the Review and QA Manager see every send; the child's social
worker only those the child agreed to share (`access.sees_child_views`). The IRO's review form
shows them beside the participation question with a suggested code: PN6 when the child will not
come (their views reach the review another way), PN5 when an advocate helped them.
"""

from dataclasses import dataclass

from sqlalchemy import select

from service.db import db, writing
from service.errors import InvalidData
from service.models import ChildViews, ChildViewsFile, Review, ReviewStatus
from service.workflow import audit, clock

from . import files, links

FILE_LIMIT = 5 * 1024 * 1024
TEXT_LIMIT = 2000
ATTENDING = {"yes": "Yes", "no": "No", "not_sure": "I'm not sure"}
HELPED_BY = {
    "nobody": "No",
    "carer": "Yes, my carer",
    "advocate": "Yes, my advocate",
    "someone_else": "Yes, someone else",
}
CHAIR_PART = {"yes": "Yes", "no": "No", "maybe": "Maybe"}
SHARE = {"yes": "Yes", "no": "No"}
TEXTS = ("going_well", "not_going_well", "who_there", "anything_else")
ANSWERS = (*TEXTS, "attending", "helped_by", "chair_part", "share")
ACTOR = "child's own page"


@dataclass(frozen=True)
class Upload:
    """A file the child attached: its bytes (the name and claimed type are not believed)."""

    content: bytes


def send(link_id: int, answers: dict, upload: Upload | None = None) -> ChildViews:
    """Keep one send of the child's views for their link's review; InvalidData (in the child's words)
    changes nothing; links.LinkEnded once the link is closed or the review held."""
    errors = {}
    for name in TEXTS:
        if len(answers.get(name) or "") > TEXT_LIMIT:
            errors[name] = f"Please use {TEXT_LIMIT} letters or fewer"
    for name, allowed in (("attending", ATTENDING), ("helped_by", HELPED_BY), ("chair_part", CHAIR_PART)):
        if answers.get(name) not in (None, "", *allowed):
            errors[name] = "Please choose one of the answers"
    if answers.get("share") not in SHARE:
        errors["share"] = "Please choose yes or no"
    kind = None
    if upload is not None and upload.content:
        kind, problem = _file_kind(upload.content)
        if problem:
            errors["attachment"] = problem
    if not any((answers.get(name) or "").strip() for name in TEXTS) and kind is None and not errors:
        errors["going_well"] = "Please write something, or add a drawing or a voice note"
    if errors:
        raise InvalidData("; ".join(errors.values()), errors)
    with writing():
        link = links.use(link_id)
        review = db.session.get(Review, link.review_id)
        if review is None or review.status is ReviewStatus.HELD:
            raise links.LinkEnded(links.LinkState.EXPIRED)
        views = ChildViews(
            link_id=link.id,
            child_id=link.child_id,
            review_id=review.id,
            sent_at=clock.now(),
            attending=answers.get("attending") or None,
            helped_by=answers.get("helped_by") or None,
            chair_part=answers.get("chair_part") or None,
            share_with_social_worker=answers["share"] == "yes",
            **{name: (answers.get(name) or "").strip() or None for name in TEXTS},
        )
        db.session.add(views)
        db.session.flush()
        if kind is not None and upload is not None:
            content_type = files.content_type(upload.content)
            db.session.add(
                ChildViewsFile(
                    views_id=views.id,
                    kind=kind,
                    content_type=content_type,
                    size=len(upload.content),
                    content=upload.content,
                )
            )
        audit.record(clock.now(), ACTOR, "child_views_sent", child_id=link.child_id, link_id=link.id, views_id=views.id)
    return views


def _file_kind(content: bytes) -> tuple[str | None, str | None]:
    """("drawing" or "voice", None), or (None, what is wrong, in the child's words)."""
    if len(content) > FILE_LIMIT:
        return None, "Your file is too big. It must be smaller than 5 MB"
    found = files.content_type(content)
    if found in files.DRAWING_TYPES:
        return "drawing", None
    if found in files.VOICE_TYPES:
        return "voice", None
    return None, (
        "We cannot use this file. Send a picture (PNG, JPEG, GIF or WebP) or a sound (MP3, M4A, WAV, OGG or WebM)"
    )


@dataclass(frozen=True)
class Sent:
    """One send of views, with its files' (id, kind, size), as staff see it."""

    views: ChildViews
    attachments: list

    def answer(self, name: str) -> str:
        """A chosen answer in the child's words ("Yes, my advocate"), or "Did not say"."""
        choices = {"attending": ATTENDING, "helped_by": HELPED_BY, "chair_part": CHAIR_PART}[name]
        return choices.get(getattr(self.views, name), "Did not say")


def of_review(review_id: int, condition) -> list[Sent]:
    """The views sent for a review that `condition` (`access.child_views_condition`) lets one see, newest first."""
    return _sent(ChildViews.review_id == review_id, condition)


def of_child(child_id: int, condition) -> list[Sent]:
    """The views the child sent for any review that `condition` lets one see, newest first."""
    return _sent(ChildViews.child_id == child_id, condition)


def _sent(*where) -> list[Sent]:
    rows = db.session.scalars(
        select(ChildViews).where(*where).order_by(ChildViews.sent_at.desc(), ChildViews.id.desc())
    ).all()
    return [Sent(row, _attachments(row.id)) for row in rows]


def _attachments(views_id: int) -> list:
    return list(
        db.session.execute(
            select(ChildViewsFile.id, ChildViewsFile.kind, ChildViewsFile.size)
            .where(ChildViewsFile.views_id == views_id)
            .order_by(ChildViewsFile.id)
        )
    )


def attachment(child_id: int, views_id: int, file_id: int, condition) -> ChildViewsFile | None:
    """A file of the child's views that `condition` lets one see, else None."""
    return db.session.scalar(
        select(ChildViewsFile)
        .join(ChildViews, ChildViews.id == ChildViewsFile.views_id)
        .where(
            ChildViewsFile.id == file_id,
            ChildViews.id == views_id,
            ChildViews.child_id == child_id,
            condition,
        )
    )


def suggested_code(sent: list[Sent]) -> str | None:
    """PN5 when the child will not come and an advocate helped, PN6 when they will not come; the newest send decides."""
    if not sent or sent[0].views.attending != "no":
        return None
    return "PN5" if sent[0].views.helped_by == "advocate" else "PN6"
