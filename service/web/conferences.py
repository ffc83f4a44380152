"""A child protection conference's printable invitation letters, one per person invited."""

from flask import render_template
from flask_login import current_user

from service.casework import conferences
from service.people import access

from . import security
from .auth import pages_blueprint
from .template_helpers import now

bp = pages_blueprint("conferences", __name__)


@bp.get("/conferences/<int:conference_id>/invitations")
def invitations(conference_id):
    letters = conferences.invitations(conference_id, access.child_condition(current_user.identity))
    if letters is None:
        return security.error_page(404)
    return render_template("conference_invitations.html", letters=letters, today=now())
