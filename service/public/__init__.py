"""The public pages, for people without an account (docs/domain.md V1): parents' feedback after a
conference and a child's own page before a review.

They are apart from the staff service: their own blueprint, templates (templates/public/, whose
layout links to nothing of the staff's) and rules, and no import of `service.web` (an
import-linter contract). A page opens only through its link, `/l/<token>`: a valid link puts
its id in the browser's session and redirects to its one page, so the token leaves the address
bar and the history at once (and `service.logs` keeps it out of the request log). Every
request re-reads the link, so a withdrawn or ended link stops working at once. The session
opens that one page for that one person; nothing else, and no staff page (those need a signed-in
account, which this session never has).
"""

from flask import Blueprint, redirect, render_template, request, session, url_for

from service.db import db
from service.models import LinkPurpose, PublicLink
from service.voices import limits, links

bp = Blueprint("public", __name__)
SESSION_KEY = "public_link"
PAGES = {LinkPurpose.CONFERENCE_FEEDBACK: "public.feedback", LinkPurpose.CHILD_PAGE: "public.my_page"}
ENDED = {
    None: (
        "This link does not work",
        "Check you typed the whole link, or ask the person who gave it to you for a new one.",
    ),
    links.LinkState.USED: (
        "This link has been used",
        "Thank you: your answers were sent. Each link can be used once.",
    ),
    links.LinkState.EXPIRED: (
        "This link has ended",
        "Links work for a set time. Ask the person who gave it to you for a new one.",
    ),
    links.LinkState.WITHDRAWN: (
        "This link has been withdrawn",
        "The person who gave it to you has stopped it working. Ask them if you need a new one.",
    ),
}


class PageClosed(Exception):
    """The page's link is missing, another page's, or no longer open: say which, and change nothing."""

    def __init__(self, state: links.LinkState | None):
        super().__init__(state.value if state else "no link")
        self.state = state


@bp.get("/l/<token>")
def open_link(token):
    address = request.remote_addr or ""
    wait = limits.wait_seconds(address, "bad_link")
    if wait:
        return too_many(wait)
    link = links.find(token)
    if link is None:
        limits.count(address, "bad_link")
        return closed(PageClosed(None))
    found = links.state(link)
    if found is not links.LinkState.OPEN:
        return closed(PageClosed(found))
    links.opened(link.id)
    session[SESSION_KEY] = link.id
    session.permanent = True
    return redirect(url_for(PAGES[link.purpose]))


def current_link(purpose: LinkPurpose) -> PublicLink:
    """The link this browser opened, if it is for `purpose` and still open; else PageClosed."""
    link_id = session.get(SESSION_KEY)
    link = db.session.get(PublicLink, link_id) if isinstance(link_id, int) else None
    if link is None or link.purpose is not purpose:
        raise PageClosed(None)
    found = links.state(link)
    if found is not links.LinkState.OPEN:
        raise PageClosed(found)
    return link


def forget_link() -> None:
    session.pop(SESSION_KEY, None)


@bp.errorhandler(PageClosed)
def closed(error: PageClosed):
    title, text = ENDED[error.state]
    return render_template("public/closed.html", title=title, text=text), 404 if error.state is None else 410


@bp.before_request
def _limit_posts():
    if request.method != "POST":
        return None
    address = request.remote_addr or ""
    wait = limits.wait_seconds(address, "post")
    if wait:
        return too_many(wait)
    limits.count(address, "post")
    return None


def too_many(wait: int):
    minutes = max(1, round(wait / 60))
    text = f"Please wait {minutes} minute{'s' if minutes != 1 else ''} and try again."
    return (
        render_template("public/closed.html", title="Too many tries from your network", text=text),
        429,
        {"Retry-After": str(wait)},
    )


from . import child_page, feedback  # noqa: E402,F401  (their routes join the blueprint)
