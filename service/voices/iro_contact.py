"""What a child's own page shows of their IRO (pledge item 1): a work phone number and a photo,
if the IRO gives them on "Your account". The photo is a JPEG or PNG of at most 1 MB, told by
its first bytes; the audit records that it changed, never the image.
"""

import re

from service.db import db, writing
from service.errors import InvalidData
from service.models import User
from service.workflow import audit, clock

from . import files

PHOTO_LIMIT = 1024 * 1024
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,38}$")


def set_phone(user_id: int, phone: str | None, *, actor: str) -> None:
    """A work phone number for children to call, or none when blank."""
    phone = (phone or "").strip() or None
    if phone is not None and not _PHONE.match(phone):
        raise InvalidData.on(
            "phone", "Enter a phone number using only numbers, spaces and brackets, like 01632 960 001"
        )
    with writing():
        user = db.session.get_one(User, user_id)
        user.phone = phone
        audit.record(clock.real_now(), actor, "contact_phone_changed", user_id=user_id, given=phone is not None)


def set_photo(user_id: int, content: bytes, *, actor: str) -> None:
    if not content:
        raise InvalidData.on("photo", "Select a photo")
    if len(content) > PHOTO_LIMIT:
        raise InvalidData.on("photo", "The photo must be smaller than 1 MB")
    kind = files.content_type(content)
    if kind not in files.PHOTO_TYPES:
        raise InvalidData.on("photo", "The photo must be a JPEG or a PNG")
    with writing():
        user = db.session.get_one(User, user_id)
        user.photo, user.photo_type = content, kind
        audit.record(clock.real_now(), actor, "contact_photo_changed", user_id=user_id, size=len(content))


def remove_photo(user_id: int, *, actor: str) -> None:
    with writing():
        user = db.session.get_one(User, user_id)
        user.photo, user.photo_type = None, None
        audit.record(clock.real_now(), actor, "contact_photo_removed", user_id=user_id)


def photo(user_id: int) -> tuple[bytes, str] | None:
    """(content, type) of the IRO's photo, or None."""
    user = db.session.get(User, user_id)
    if user is None or user.photo is None or user.photo_type is None:
        return None
    return user.photo, user.photo_type
