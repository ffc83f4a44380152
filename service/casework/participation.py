"""How a child took part in their review: the SSDA903 codes PN0-PN7 (docs/domain.md A5).

Pure domain rules, shared by the review form, the figures and the SSDA903 export.
"""

from datetime import date

UNDER_FOUR = "PN0"
CODES = {
    "PN0": "Child under 4 at the time of the review",
    "PN1": "Child attends and speaks for themself",
    "PN2": "Child attends and an advocate speaks on their behalf",
    "PN3": "Child attends and conveys their views symbolically (non-verbally)",
    "PN4": "Child attends but does not speak for themself, convey their views symbolically or ask an advocate "
    "to speak for them",
    "PN5": "Child does not attend but briefs an advocate to speak for them (text, written, phone, audio or video, "
    "viewpoint)",
    "PN6": "Child does not attend but conveys their feelings to the review by a facilitative medium",
    "PN7": "Child does not attend nor are their views conveyed to the review",
}
# attending without contributing (PN4), or none of the ways (PN7), is not participation
PARTICIPATING = ("PN1", "PN2", "PN3", "PN5", "PN6")
COUNTED = PARTICIPATING + ("PN4", "PN7")  # PN0 is left out of the rate altogether


def age_on(dob: date, day: date) -> int:
    """Whole years of age on `day`."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def code_problem(code: str, dob: date | None, review_day: date) -> str | None:
    """Why `code` cannot describe a review on `review_day` of a child born on `dob` (None: not yet
    born, so under 4), or None."""
    if dob is None:  # not yet born
        return None if code == UNDER_FOUR else "The child was under 4 on the review date: use PN0"
    age = age_on(dob, review_day)
    if code == UNDER_FOUR and age >= 4:
        return f"PN0 is only for a child under 4; the child was {age} on the review date"
    if code != UNDER_FOUR and age < 4:
        return "The child was under 4 on the review date: use PN0"
    return None
