"""In-app notifications: the messages the service sent to this person, newest first."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from service.tasks import notifications

from .auth import pages_blueprint

bp = pages_blueprint("notifications", __name__)


@bp.get("/notifications")
def index():
    return render_template("notifications.html", messages=notifications.for_user(current_user.identity))


@bp.post("/notifications/read")
def mark_all_read():
    notifications.mark_all_read(current_user.identity)
    flash("All notifications are marked as read", "success")
    return redirect(url_for(".index"))
