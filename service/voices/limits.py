"""Rate limits on the public pages, per network address (docs/domain.md V1).

Links cannot be guessed, but a prober can still try: an address that opens more than
`BAD_LINKS` unknown links in `WINDOW`, or posts more than `POSTS` forms, is answered 429 until
its oldest counted request leaves the window. Counted in the database, so every web worker
sees the same counts; rows older than the window are cleared as new ones are written.
"""

import math
from datetime import timedelta

from sqlalchemy import delete, func, select

from service.db import db, writing
from service.models import PublicAttempt
from service.workflow import clock

WINDOW = timedelta(minutes=15)
LIMITS = {"bad_link": 10, "post": 30}


def wait_seconds(address: str, kind: str) -> int:
    """How long this address must wait before another request of this kind (0: none)."""
    now = clock.real_now()
    count, oldest = db.session.execute(
        select(func.count(), func.min(PublicAttempt.at)).where(
            PublicAttempt.address == address[:64], PublicAttempt.kind == kind, PublicAttempt.at > now - WINDOW
        )
    ).one()
    if count < LIMITS[kind]:
        return 0
    return max(1, math.ceil((oldest + WINDOW - now).total_seconds()))


def count(address: str, kind: str) -> None:
    with writing():
        now = clock.real_now()
        db.session.execute(delete(PublicAttempt).where(PublicAttempt.at <= now - WINDOW))
        db.session.add(PublicAttempt(address=address[:64], kind=kind, at=now))
