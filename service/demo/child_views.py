"""The demo council's children's own pages (docs/domain.md V3): a few looked-after children aged
CHILD_LINK_MIN_AGE or over, whose IRO has written the words for their next review (where, who
is invited, the plan in plain words), and who have sent their views: one with a drawing (a small
PNG made here), one not shared with the social worker. The first child's link has a fixed token,
for the README's link to try. Drawn with a random.Random of its own, after the replay.
"""

import random
import struct
import zlib

from flask import current_app
from sqlalchemy import select

from service.db import db
from service.models import Child, User
from service.voices import child_views, own_page
from service.workflow import clock
from service.workflow import working_days as calendar

SEED = 1709  # the children's views' own draws
TRY_ME = "demo-child-page-try-me"
CHILDREN = 4
VENUES = ["Your foster home", "The meeting room at your school", "The family centre on Hill Street"]
PLANS = [
    "You will keep living with your foster carers.\nYou will see your mum every other Saturday.\n"
    "Your social worker will help you join the football club.",
    "You will stay at your school.\nYou will have extra help with reading.\nYou will see your brother each month.",
    "You are staying with your aunt for now.\nYour social worker is finding out if you can stay there for good.",
]
VIEWS = [
    {
        "going_well": "I like my school and my foster carer's dog.",
        "not_going_well": "I miss my brother.",
        "who_there": "My foster carer and my teacher",
        "attending": "yes",
        "chair_part": "maybe",
        "helped_by": "carer",
        "share": "yes",
    },
    {
        "going_well": "Football is good.",
        "not_going_well": "Contact with Dad keeps being cancelled.",
        "anything_else": "I don't want to talk about it in front of everyone.",
        "attending": "no",
        "helped_by": "advocate",
        "share": "no",
    },
    {"going_well": "I have a new friend.", "attending": "not_sure", "helped_by": "nobody", "share": "yes"},
]


def add() -> None:
    rng = random.Random(SEED)
    today = calendar.london_date(clock.now())
    minimum = current_app.config["CHILD_LINK_MIN_AGE"]
    candidates = [
        child
        for child in db.session.scalars(select(Child).where(Child.looked_after.is_(True)).order_by(Child.id))
        if child.iro_id and (own_page.age_on(child, today) or 0) >= minimum and own_page.next_review(child) is not None
    ]
    for number, child in enumerate(rng.sample(candidates, min(CHILDREN, len(candidates)))):
        iro = db.session.get_one(User, child.iro_id).username
        own_page.save_words(
            child,
            venue=rng.choice(VENUES),
            invitees="\n".join(rng.sample(["Mum", "Dad", "My foster carer", "My teacher", "My advocate"], 3)),
            plan_words=rng.choice(PLANS),
            decided_words=None,
            actor=iro,
        )
        new = own_page.make_link(child, "child", actor=iro, token=TRY_ME if number == 0 else None)
        if number < len(VIEWS):
            drawing = child_views.Upload(drawing_png(rng)) if number == 0 else None
            child_views.send(new.link.id, VIEWS[number], drawing)


def drawing_png(rng: random.Random, size: int = 48) -> bytes:
    """A child's drawing: a sun on a sky over grass, as a small PNG made here (no binary file kept)."""
    sky, sun, grass = (135, 206, 235), (255, 204, 0), (60, 170, 60)
    cx, cy, radius = rng.randint(10, size - 10), rng.randint(8, 16), 6
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")
        for x in range(size):
            colour = grass if y > size * 2 // 3 else sun if (x - cx) ** 2 + (y - cy) ** 2 <= radius**2 else sky
            row += bytes(colour)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
