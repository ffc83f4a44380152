"""A child's case page: who holds the case, its status, open tasks and a timeline."""
from flask import render_template
from flask_login import current_user

from service import cases

from . import queries, security
from .auth import pages_blueprint

bp = pages_blueprint("children", __name__)


@bp.get("/children/<int:child_id>")
def child(child_id):
    who = current_user.identity
    found = queries.visible_child(who, child_id)
    if found is None:
        return security.error_page(404)
    return render_template("child.html", child=found, holders=queries.case_holders(found),
                           episode=cases.episode(found), tasks=queries.open_tasks(who, child_id),
                           timeline=queries.timeline(child_id))
