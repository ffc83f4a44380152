"""The password policy: length over cleverness.

At least 12 characters, and none of the most common passwords, compared without case.
The list is `data/common-passwords.txt.gz` as Django 5.2.8 ships it
(django/contrib/auth/common-passwords.txt.gz from the `Django` package on PyPI: 19,640
passwords from Royce Williams' list of leaked ones), under Django's BSD 3-clause licence,
copied beside it in `data/common-passwords.LICENSE`.
"""

import gzip
from functools import cache
from pathlib import Path

MIN_LENGTH = 12
COMMON = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@cache
def _common() -> frozenset:
    with gzip.open(COMMON, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def problem(password: str) -> str | None:
    """What is wrong with a new password, in plain English; None if it will do."""
    if len(password) < MIN_LENGTH:
        return (
            f"Your password must be at least {MIN_LENGTH} characters long (a few words together are easy to remember)"
        )
    if password.lower() in _common():
        return "That password is one of the most commonly used passwords: choose another"
    return None
