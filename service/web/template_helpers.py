"""What the templates share: London dates, deadlines in working days, words for codes,
and the counts in the navigation."""

import re
from datetime import date

from flask import g
from flask_login import current_user

from service.casework import codes
from service.tasks import worklist
from service.workflow import clock
from service.workflow import working_days as calendar

CODE_TABLES = [name for name, value in vars(codes).items() if name.isupper() and isinstance(value, dict)]


def init_app(app):
    app.add_template_filter(day)
    app.add_template_filter(when)
    app.add_template_filter(words)
    app.add_template_filter(dates_in)
    app.add_template_global(paragraphs_and_lists)
    app.add_template_global(birth)
    app.add_template_global(deadline)
    app.add_template_global(navigation_counts)
    for name in CODE_TABLES:  # every code list's words, for `code | words(TABLE)`
        app.add_template_global(getattr(codes, name), name)


def now():
    """The application clock, read once per request (each read is a query)."""
    if "now" not in g:
        g.now = clock.now()
    return g.now


def day(value) -> str:
    """`12 April 2027`, the GOV.UK style, on the London calendar."""
    return "" if value is None else f"{calendar.london_date(value):%-d %B %Y}"


def birth(dob, expected=None) -> str:
    """The date of birth, or for an unborn child `Unborn (expected 3 May 2022)`."""
    if dob is None and expected is not None:
        return f"Unborn (expected {day(expected)})"
    return day(dob)


def when(value) -> str:
    """`12 April 2027 at 9:05am`, London time."""
    if value is None:
        return ""
    local = value.astimezone(calendar.LONDON)
    return f"{local:%-d %B %Y} at {local:%-I:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


def words(code, table: dict | None = None) -> str:
    """A code as words: from `table` when given, else `placed_with_parents` as `Placed with parents`."""
    if code is None:
        return ""
    if table is not None:
        return table.get(code, code)
    return str(code).replace("_", " ").capitalize()


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
LIST_ITEM = re.compile(r"([-*])\s+(.+)")  # "- item", or "* item" for a starred one


def dates_in(text: str | None) -> str:
    """The ISO dates inside a text (a notice a diagram wrote: "held on 2026-12-03") as `3 December 2026`."""

    def govuk(found):
        try:
            return day(date.fromisoformat(found.group()))
        except ValueError:  # 2026-13-45 is no date: left as written
            return found.group()

    return ISO_DATE.sub(govuk, text or "")


def paragraphs_and_lists(text: str | None) -> list:
    """A text as blocks to show: ("p", line) for each line, ("ul", [(item, starred), ...]) for a run of
    lines that start with "- " or "* " (a starred recommendation); a blank line ends a list."""
    blocks: list = []
    listing: list | None = None
    for line in (text or "").splitlines():
        item = LIST_ITEM.fullmatch(line.strip())
        if item is None:
            listing = None
            if line.strip():
                blocks.append(("p", line.strip()))
            continue
        if listing is None:
            listing = []
            blocks.append(("ul", listing))
        listing.append((item.group(2), item.group(1) == "*"))
    return blocks


def deadline(due_at):
    """(text, tag colour) for a deadline counted in working days; red once it has passed."""
    if due_at is None:
        return None
    left = calendar.working_days_between(calendar.london_date(now()), due_at)
    if due_at < now():
        return (f"Overdue by {_working_days(-left)}" if left < 0 else "Overdue"), "red"
    if left == 0:
        return "Due today", "orange"
    return f"{_working_days(left)} left", "yellow" if left <= 2 else "blue"


def _working_days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def navigation_counts():
    """The navigation's figures, counted once per page (the form widgets render templates too)."""
    if "counts" not in g:
        g.counts = worklist.counts(current_user.identity) if current_user.is_authenticated else None
    return g.counts
