"""The minutes backlog (docs/domain.md D): for the Business Support Manager, who manages the
minute takers, and the Review and QA Manager (`access.sees_minutes_backlog`); anyone else gets the
404 page, as for a page that does not exist."""

from flask import render_template
from flask_login import current_user

from service.people import access
from service.reports import minutes_backlog
from service.workflow import clock
from service.workflow import working_days as calendar

from . import security
from .auth import pages_blueprint

bp = pages_blueprint("minutes", __name__)


@bp.before_request
def _minute_takers_managers_only():
    if current_user.is_authenticated and not sees_minutes_backlog():
        return security.error_page(404)
    return None


@bp.app_template_global()
def sees_minutes_backlog() -> bool:
    """Whether the signed-in person may see the minutes backlog (and so its link in the navigation)."""
    return current_user.is_authenticated and access.sees_minutes_backlog(current_user.identity)


@bp.get("/reports/minutes-backlog")
def backlog():
    report = minutes_backlog.backlog(calendar.london_date(clock.now()))
    return render_template("reports_minutes_backlog.html", report=report)
