"""In-app notifications: the messages the service sent to this person, newest first, a page at a time;
the unread ones (the default) or all of them."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from service import routing
from service.tasks import notifications

from .auth import pages_blueprint
from .worklist import pagination

bp = pages_blueprint("notifications", __name__)
VIEWS = ("unread", "all")


def _view() -> str:
    shown = request.values.get("show", "unread")
    return shown if shown in VIEWS else "unread"


def _page() -> int:
    return request.values.get("page", 1, type=routing.whole_number)


@bp.get("/notifications")
def index():
    shown = _view()
    page = notifications.listing(current_user.identity, unread_only=shown == "unread", page=_page())
    return render_template("notifications.html", page=page, shown=shown, pagination=pagination(page))


@bp.post("/notifications/<int:message_id>/read")
def mark_read(message_id):
    notifications.mark_read(current_user.identity, message_id)
    return redirect(url_for(".index", show=_view(), page=_page()))


@bp.post("/notifications/read")
def mark_all_read():
    notifications.mark_all_read(current_user.identity)
    flash("All notifications are marked as read", "success")
    return redirect(url_for(".index", show=_view()))
