"""The calendar page (a month or a week of a person's booked reviews and conferences), each
booking's .ics download, and the personal feed: turned on, renewed or off on "Your account",
and read without signing in through its secret URL (calendar programs cannot sign in)."""

from datetime import date, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from service.casework import calendars
from service.workflow import clock
from service.workflow import working_days as days

from . import security
from .auth import pages_blueprint

bp = pages_blueprint("calendar", __name__)
feed_bp = Blueprint("calendar_feed", __name__)  # no sign-in: the secret in the URL is the key
ICS = "text/calendar; charset=utf-8"


@bp.get("/calendar")
def page():
    view = request.args.get("view", "month")
    error = None
    if view not in ("month", "week"):
        view, error = "month", "Choose a month or a week"
    try:
        on = date.fromisoformat(request.args["date"]) if request.args.get("date") else days.london_date(clock.now())
    except ValueError:
        on, error = days.london_date(clock.now()), "Enter the date as year-month-day, like 2027-01-05"
    if view == "week":
        start = on - timedelta(days=on.weekday())
        end, before, after = start + timedelta(days=6), start - timedelta(days=7), start + timedelta(days=7)
    else:
        start = on.replace(day=1)
        after = (start + timedelta(days=32)).replace(day=1)
        end, before = after - timedelta(days=1), (start - timedelta(days=1)).replace(day=1)
    entries = calendars.between(current_user.identity, start, end)
    return render_template(
        "calendar.html", view=view, start=start, end=end, before=before, after=after, entries=entries, error=error
    ), (400 if error else 200)


@bp.get("/reviews/<int:review_id>.ics")
def review_ics(review_id):
    return _download(calendars.download(current_user.identity, "review", review_id), f"review-{review_id}.ics")


@bp.get("/conferences/<int:conference_id>.ics")
def conference_ics(conference_id):
    found = calendars.download(current_user.identity, "conference", conference_id)
    return _download(found, f"conference-{conference_id}.ics")


def _download(content: bytes | None, name: str):
    if content is None:
        return security.error_page(404)
    return content, 200, {"Content-Type": ICS, "Content-Disposition": f'attachment; filename="{name}"'}


@bp.post("/account/calendar-feed")
def renew_feed():
    """Turn the feed on, or renew its address; the address is shown this once (only its hash is kept)."""
    token = calendars.renew_feed(current_user.identity)
    address = url_for("calendar_feed.feed", token=token, _external=True)
    flash(f"Your calendar feed's address is {address} Add it to your calendar now: it is not shown again.", "success")
    return redirect(url_for("account.index"))


@bp.post("/account/calendar-feed/off")
def end_feed():
    calendars.end_feed(current_user.identity)
    flash("Your calendar feed is turned off: its address no longer works", "success")
    return redirect(url_for("account.index"))


@feed_bp.get("/calendar/feed/<token>.ics")
def feed(token):
    found = calendars.feed(token)
    if found is None:
        return security.error_page(404)
    return found, 200, {"Content-Type": ICS, "Cache-Control": "private, no-store"}
